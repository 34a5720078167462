# TriDet (tiny) on the synthetic multithumos-like benchmark (quality 'mid'): dense, overlapping,
# multi-label events; the harness's MultiTHUMOS choice for TriDet (tridetplus
# multithumos_i3d.yaml: 8000 candidates / 8000 kept, weight decay 0.025; models.md §6) at the
# synthetic scale, on the shared synthetic schedule.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/synthetic_7e.py',
    '../_base_/datasets/synthetic_multithumos_like.py',
    '../_base_/models/tridet_tiny.py',
]
model = dict(
    input_dim=64,
    num_classes=20,
    max_seq_len=256,
    test_cfg=dict(pre_nms_topk=8000, max_seg_num=8000),
)
optim_wrapper = dict(optimizer=dict(weight_decay=0.025))
# short schedule: EMA decay 0.98 instead of 0.999 (see _base_/schedules/synthetic_7e.py)
default_hooks = dict(ema=dict(decay=0.98))
# TriDet data switches (datasets/README.md): no crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
