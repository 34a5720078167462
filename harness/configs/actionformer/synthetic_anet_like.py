# ActionFormer (tiny) on the synthetic anet-like benchmark (quality 'mid'): the ActivityNet
# recipe at the synthetic scale: class-agnostic (1 class), fixed-length resize to 128 bins,
# absolute PE, loss weight 2, label smoothing 0.1; class-agnostic soft-NMS (sigma 0.75) with
# voting 0.9, 100 segments, duration threshold 0.001; the generator's video-level scores are
# the external classifier (ext_score_file). Batch 4 instead of the dataset base's 16 so that
# the short schedule has enough iterations.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/synthetic_7e.py',
    '../_base_/datasets/synthetic_anet_like.py',
    '../_base_/models/actionformer_tiny.py',
]
train_dataloader = dict(batch_size=4)
model = dict(
    input_dim=64,
    num_classes=1,
    max_seq_len=128,
    use_abs_pe=True,
    max_buffer_len_factor=1.0,
    train_cfg=dict(init_loss_norm=200, label_smoothing=0.1, loss_weight=2.0),
    test_cfg=dict(pre_nms_topk=2000, max_seg_num=100, min_score=0.001, nms_sigma=0.75,
                  multiclass_nms=False, voting_thresh=0.9, duration_thresh=0.001,
                  ext_score_file='results/data/synthetic/anet-like-mid/video_scores.json'),
)
# short schedule: EMA decay 0.98 instead of 0.999 (see _base_/schedules/synthetic_7e.py)
default_hooks = dict(ema=dict(decay=0.98))
