# ActionFormer, THUMOS14 two-stream I3D (official configs/thumos_i3d.yaml; README: 66.8 avg mAP
# for the released epoch_034, about 66.0 over runs).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/actionformer_thumos.py',
    '../_base_/datasets/thumos14_i3d.py',
    '../_base_/models/actionformer.py',
]
dataset_name = 'thumos14'
feature_set = 'i3d'
model = dict(input_dim=2048, num_classes=20, max_seq_len=2304)
