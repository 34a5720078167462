# TriDet, THUMOS14 two-stream I3D (official configs/thumos_i3d.yaml; README: 69.27 avg mAP on
# one A100, results vary by GPU type, dingfengshi/TriDet#11).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/tridet_thumos.py',
    '../_base_/datasets/thumos14_i3d.py',
    '../_base_/models/tridet.py',
]
dataset_name = 'thumos14'
feature_set = 'i3d'
model = dict(input_dim=2048, num_classes=20, max_seq_len=2304)
# TriDet data switches (datasets/README.md): no crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
