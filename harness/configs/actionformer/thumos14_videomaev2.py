# ActionFormer, THUMOS14 VideoMAEv2-g features: no official config; the harness's choice is the
# THUMOS I3D recipe with input_dim 1408 (models.md §6; the VideoMAEv2 authors' recipe is unconfirmed).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/actionformer_thumos.py',
    '../_base_/datasets/thumos14_videomaev2.py',
    '../_base_/models/actionformer.py',
]
dataset_name = 'thumos14'
feature_set = 'videomaev2'
model = dict(input_dim=1408, num_classes=20, max_seq_len=2304)
