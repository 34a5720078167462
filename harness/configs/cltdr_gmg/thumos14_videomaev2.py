# CLTDR-GMG, THUMOS14 VideoMAEv2-g features (official configs/thumos_videomae.yaml; paper Table 1
# VideoMAEv2 row): k 2.5 (unused by GMG), IoU power 0.2, input noise 5e-4; an unsuffixed config,
# so the pre-refinement loss is focal (models.md §4.6); 30 + 32 epochs, weight decay 0.055.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/cltdr_thumos_videomaev2.py',
    '../_base_/datasets/thumos14_videomaev2.py',
    '../_base_/models/cltdr_gmg.py',
]
dataset_name = 'thumos14'
feature_set = 'videomaev2'
model = dict(input_dim=1408, num_classes=20, max_seq_len=2304, k=2.5, input_noise=0.0005,
             pre_cls_loss='focal')
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
