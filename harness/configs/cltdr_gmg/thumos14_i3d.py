# CLTDR-GMG, THUMOS14 two-stream I3D (official configs/thumos_i3d_focalloss.yaml; paper Table 1
# I3D row): the model base is this configuration (k 5, IoU power 0.2, input noise 0.05, focal
# pre-refinement loss, 2000 / 2000, sigma 0.5, per-class soft-NMS); 20 + 20 epochs, weight decay
# 0.035.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/cltdr_thumos_i3d.py',
    '../_base_/datasets/thumos14_i3d.py',
    '../_base_/models/cltdr_gmg.py',
]
dataset_name = 'thumos14'
feature_set = 'i3d'
model = dict(input_dim=2048, num_classes=20, max_seq_len=2304)
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
