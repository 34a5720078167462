# ActionFormer, THUMOS14 InternVideo2-6B features: no official config; the harness's choice is
# the THUMOS I3D recipe with input_dim 3200 (models.md §6).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/actionformer_thumos.py',
    '../_base_/datasets/thumos14_internvideo2_6b.py',
    '../_base_/models/actionformer.py',
]
dataset_name = 'thumos14'
feature_set = 'internvideo2_6b'
model = dict(input_dim=3200, num_classes=20, max_seq_len=2304)
