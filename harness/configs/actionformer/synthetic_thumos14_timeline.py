# ActionFormer (tiny) on the synthetic benchmark with the real THUMOS14 timeline (quality mid).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/synthetic_7e.py',
    '../_base_/datasets/synthetic_thumos14_timeline.py',
    '../_base_/models/actionformer_tiny.py',
]
model = dict(input_dim=64, num_classes=20, max_seq_len=2304)
# short schedule: EMA decay 0.98 instead of 0.999 (see _base_/schedules/synthetic_7e.py)
default_hooks = dict(ema=dict(decay=0.98))
