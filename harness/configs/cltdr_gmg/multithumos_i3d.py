# CLTDR-GMG, MultiTHUMOS two-stream I3D (RGB + flow; official configs/multithumos_i3d.yaml, whose
# loader would silently keep channels 0-1023: the harness selects all 2048 explicitly,
# models.md §4.6; paper Table 2 I3D-RGB+Flow row): k 5, GMG MLP 1024, IoU power 0.2, input noise
# 5e-4, focal pre-refinement loss (unsuffixed), 8000 / 8000; 25 + 35 epochs, lr 1.5e-4.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/cltdr_multithumos.py',
    '../_base_/datasets/multithumos_i3d.py',
    '../_base_/models/cltdr_gmg.py',
]
dataset_name = 'multithumos'
feature_set = 'i3d'
model = dict(input_dim=2048, num_classes=65, max_seq_len=2304, sgp_mlp_dim=1024,
             input_noise=0.0005, test_cfg=dict(pre_nms_topk=8000, max_seg_num=8000))
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
