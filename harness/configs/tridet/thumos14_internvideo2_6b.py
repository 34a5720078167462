# TriDet, THUMOS14 InternVideo2-6B features (the paper marks this row "our implementation"):
# no official config; the harness's choice is the THUMOS I3D recipe with input_dim 3200
# (models.md §6).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/tridet_thumos.py',
    '../_base_/datasets/thumos14_internvideo2_6b.py',
    '../_base_/models/tridet.py',
]
dataset_name = 'thumos14'
feature_set = 'internvideo2_6b'
model = dict(input_dim=3200, num_classes=20, max_seq_len=2304)
# TriDet data switches (datasets/README.md): no crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
