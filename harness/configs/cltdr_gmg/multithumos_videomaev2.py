# CLTDR-GMG, MultiTHUMOS VideoMAEv2-g features (official configs/multithumos_videomae_vflloss.yaml;
# paper Table 2 VideoMAEv2 row): k 1.5, GMG MLP 1024, IoU power 0.25, input noise 0.05,
# varifocal pre-refinement loss, 2000 / 2000 (unlike the I3D configs); 25 + 35 epochs.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/cltdr_multithumos.py',
    '../_base_/datasets/multithumos_videomaev2.py',
    '../_base_/models/cltdr_gmg.py',
]
dataset_name = 'multithumos'
feature_set = 'videomaev2'
model = dict(input_dim=1408, num_classes=65, max_seq_len=2304, sgp_mlp_dim=1024, k=1.5,
             iou_weight_power=0.25, input_noise=0.05, pre_cls_loss='varifocal')
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
