# TriDet (tiny) on the synthetic thumos-like benchmark (quality 'mid'): the THUMOS recipe at the
# synthetic scale, about 35 s per seed on one CPU core. The shared synthetic schedule (1 + 6
# epochs, lr 5e-3) with TriDet's THUMOS weight decay (0.025).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/synthetic_7e.py',
    '../_base_/datasets/synthetic_thumos_like.py',
    '../_base_/models/tridet_tiny.py',
]
model = dict(input_dim=64, num_classes=10, max_seq_len=256)
optim_wrapper = dict(optimizer=dict(weight_decay=0.025))
# short schedule: EMA decay 0.98 instead of 0.999 (see _base_/schedules/synthetic_7e.py)
default_hooks = dict(ema=dict(decay=0.98))
# TriDet data switches (datasets/README.md): no crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
