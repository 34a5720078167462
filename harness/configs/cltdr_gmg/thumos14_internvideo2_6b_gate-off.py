# CLTDR-GMG ablation on THUMOS14 InternVideo2-6B,
# Table 7: GMG gate off (out = FC(u) + Conv(u) + f_global + u).
# Identical to thumos14_internvideo2_6b.py except this switch (models.md §5; a test diffs the two).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/cltdr_thumos_internvideo2.py',
    '../_base_/datasets/thumos14_internvideo2_6b.py',
    '../_base_/models/cltdr_gmg.py',
]
dataset_name = 'thumos14'
feature_set = 'internvideo2_6b'
model = dict(input_dim=3200, num_classes=20, max_seq_len=2304, k=1.5, iou_weight_power=0.25,
             input_noise=0.0005, pre_cls_loss='varifocal',
             gmg=dict(gate=False))
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
