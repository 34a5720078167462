# ActionFormer (tiny) on the synthetic multithumos-like benchmark (quality 'mid'): dense,
# overlapping, multi-label events; the harness's MultiTHUMOS choice for ActionFormer (the
# THUMOS recipe with 8000 candidates and 8000 kept segments, models.md §6) at the synthetic scale.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/synthetic_7e.py',
    '../_base_/datasets/synthetic_multithumos_like.py',
    '../_base_/models/actionformer_tiny.py',
]
model = dict(
    input_dim=64,
    num_classes=20,
    max_seq_len=256,
    test_cfg=dict(pre_nms_topk=8000, max_seg_num=8000),
)
# short schedule: EMA decay 0.98 instead of 0.999 (see _base_/schedules/synthetic_7e.py)
default_hooks = dict(ema=dict(decay=0.98))
