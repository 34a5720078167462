# TriDet, HACS Segments v1.1.1, SlowFast R101 features (dingfengshi/TriDet
# configs/hacs_slowfast.yaml): 6 levels (backbone_arch 2, 2, 5; the default regression ranges;
# CLTDR-GMG's HACS SlowFast config uses 7), dims 1024, SGP MLP 1024, window 3, k 1.2, 14 bins,
# IoU power 1, input noise 0.2, SGP convs initialised N(0, 0.1²), head kernel 5, boundary
# kernel 1, absolute PE, buffer factor 1, init_loss_norm 400, clipping 0.5, label smoothing
# 0.1; per-class soft-NMS (sigma 0.75) with voting 0.95, 2000 candidates / 250 kept; 7 + 4
# epochs, lr 1e-3, batch 16; no external scores.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/tridet_hacs_slowfast.py',
    '../_base_/datasets/hacs_slowfast.py',
    '../_base_/models/tridet.py',
]
dataset_name = 'hacs'
feature_set = 'slowfast'
model = dict(
    input_dim=2304,
    num_classes=200,
    max_seq_len=960,
    backbone_arch=(2, 2, 5),
    regression_range=((0, 4), (4, 8), (8, 16), (16, 32), (32, 64), (64, 10000)),
    n_sgp_win_size=3,
    embd_dim=1024,
    fpn_dim=1024,
    head_dim=1024,
    sgp_mlp_dim=1024,
    head_kernel_size=5,
    boudary_kernel_size=1,  # (sic) the official key
    use_abs_pe=True,
    num_bins=14,
    iou_weight_power=1.0,
    input_noise=0.2,
    k=1.2,
    init_conv_vars=0.1,
    max_buffer_len_factor=1.0,
    train_cfg=dict(init_loss_norm=400, clip_grad_l2norm=0.5, label_smoothing=0.1),
    test_cfg=dict(pre_nms_topk=2000, max_seg_num=250, min_score=0.001, nms_sigma=0.75,
                  multiclass_nms=True, voting_thresh=0.95),
)
