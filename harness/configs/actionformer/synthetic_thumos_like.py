# ActionFormer (tiny) on the synthetic thumos-like benchmark (quality 'mid'): the default
# experiment, about 35 s per seed on one CPU core.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/synthetic_7e.py',
    '../_base_/datasets/synthetic_thumos_like.py',
    '../_base_/models/actionformer_tiny.py',
]
model = dict(input_dim=64, num_classes=10, max_seq_len=256)
# short schedule: EMA decay 0.98 instead of 0.999 (see _base_/schedules/synthetic_7e.py)
default_hooks = dict(ema=dict(decay=0.98))
