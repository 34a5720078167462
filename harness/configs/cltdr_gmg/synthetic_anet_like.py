# CLTDR-GMG (tiny) on the synthetic anet-like benchmark (quality 'mid'): the ActivityNet recipe
# (anet_tsp.yaml) at the synthetic scale on TriDet's padded data path (dataset base
# synthetic_anet_like_pad256.py) with CLTDR's own loader rules (ActionFormer's GT filter and
# grid arithmetic): class-agnostic (1 class); window 15, k 1.3, 12 bins, IoU power 1, input
# noise 0.5, GMG convs N(0, 0.2²), absolute PE, buffer factor 1, init_loss_norm 400, clipping
# 0.4, label smoothing 0.1, weight decay 0.045, focal pre-refinement loss; class-agnostic
# soft-NMS (sigma 0.7) with voting 0.95, 200 segments, duration threshold 0.1; the generator's
# video-level scores are the external classifier (ext_score_file). Batch 4 instead of 16 so
# that the short shared schedule has enough iterations.
_base_ = [
    '../_base_/cltdr_synthetic.py',  # runtime, schedule, tiny model, decay whitelist, EMA 0.98
    '../_base_/datasets/synthetic_anet_like_pad256.py',
]
model = dict(
    input_dim=64,
    num_classes=1,
    max_seq_len=256,
    n_sgp_win_size=15,
    k=1.3,
    num_bins=12,
    iou_weight_power=1.0,
    input_noise=0.5,
    init_conv_vars=0.2,
    use_abs_pe=True,
    max_buffer_len_factor=1.0,
    pre_cls_loss='focal',
    train_cfg=dict(init_loss_norm=400, clip_grad_l2norm=0.4, label_smoothing=0.1),
    test_cfg=dict(pre_nms_topk=2000, max_seg_num=200, min_score=0.001, nms_sigma=0.7,
                  multiclass_nms=False, voting_thresh=0.95, duration_thresh=0.1,
                  ext_score_file='results/data/synthetic/anet-like-mid/video_scores.json'),
)
optim_wrapper = dict(
    optimizer=dict(weight_decay=0.045),
    clip_grad=dict(max_norm=0.4),
)
# CLTDR-GMG's own ActivityNet loader (datasets/README.md): ActionFormer's training GT filter
# and grid arithmetic on TriDet's padded data path
train_dataloader = dict(batch_size=4, dataset=dict(train_gt_filter='actionformer', grid_rule='actionformer'))
val_dataloader = dict(dataset=dict(grid_rule='actionformer'))
test_dataloader = dict(dataset=dict(grid_rule='actionformer'))
