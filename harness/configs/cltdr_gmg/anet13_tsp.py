# CLTDR-GMG, ActivityNet-1.3 TSP features (official configs/anet_tsp.yaml; paper Table 4): no
# resize, videos padded to 768 (longer ones cropped in training), class-agnostic (1 class), dims
# 256/256/512, GMG MLP 2048, window 15, k 1.3, 12 bins, IoU power 1, input noise 0.5, GMG convs
# N(0, 0.2²), absolute PE, buffer factor 1, init_loss_norm 400, clipping 0.4, label smoothing
# 0.1, focal pre-refinement loss (unsuffixed); class-agnostic soft-NMS (sigma 0.7) with voting
# 0.95, 200 segments, duration threshold 0.1; CUHK video-level scores fused at test
# (data-and-eval.md §5); 10 + 5 epochs, lr 1e-3, weight decay 0.045, eta_min 2e-5, batch 16.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/cltdr_anet.py',
    '../_base_/datasets/anet13_tsp_pad768.py',
    '../_base_/models/cltdr_gmg.py',
]
dataset_name = 'anet13'
feature_set = 'tsp'
model = dict(
    input_dim=512,
    num_classes=1,
    max_seq_len=768,
    embd_dim=256,
    fpn_dim=256,
    head_dim=512,
    sgp_mlp_dim=2048,
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
                  ext_score_file='data/anet13/annotations/cuhk_val_simp_share.json'),
)
# CLTDR-GMG's own ActivityNet loader (datasets/README.md): ActionFormer's training GT filter
# and grid arithmetic on TriDet's padded data path
train_dataloader = dict(dataset=dict(train_gt_filter='actionformer', grid_rule='actionformer'))
val_dataloader = dict(dataset=dict(grid_rule='actionformer'))
test_dataloader = dict(dataset=dict(grid_rule='actionformer'))
