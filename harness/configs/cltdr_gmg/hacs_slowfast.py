# CLTDR-GMG, HACS Segments v1.1.1, SlowFast features (official configs/hacs_slowfast_focalloss.yaml;
# paper Table 5 SlowFast row): 7 levels (arch (2, 2, 6), ranges up to [128, 10000]), dims
# 1024, GMG MLP 1024, window 3, head kernel 5, boundary kernel 1, absolute PE, k 1.2,
# 14 bins, IoU power 1, input noise 0.2, GMG convs N(0, 0.1²), buffer factor 1,
# init_loss_norm 400, clipping 0.5, label smoothing 0.1, focal pre-refinement loss; 2000 /
# 250, per-class soft-NMS sigma 0.75 (voting 0.95 inactive);
# 10 + 5 epochs, lr 1e-3, eta_min 2e-4, batch 16 (TriDet's HACS SlowFast config has 6 levels).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/cltdr_hacs_slowfast.py',
    '../_base_/datasets/hacs_slowfast.py',
    '../_base_/models/cltdr_gmg.py',
]
dataset_name = 'hacs'
feature_set = 'slowfast'
model = dict(
    input_dim=2304,
    num_classes=200,
    max_seq_len=960,
    backbone_arch=(2, 2, 6),
    regression_range=((0, 4), (4, 8), (8, 16), (16, 32), (32, 64), (64, 128),
                      (128, 10000)),
    embd_dim=1024,
    fpn_dim=1024,
    head_dim=1024,
    sgp_mlp_dim=1024,
    head_kernel_size=5,
    boudary_kernel_size=1,
    use_abs_pe=True,
    n_sgp_win_size=3,
    k=1.2,
    num_bins=14,
    iou_weight_power=1.0,
    input_noise=0.2,
    init_conv_vars=0.1,
    max_buffer_len_factor=1.0,
    pre_cls_loss='focal',
    train_cfg=dict(init_loss_norm=400, clip_grad_l2norm=0.5, label_smoothing=0.1),
    test_cfg=dict(pre_nms_topk=2000, max_seg_num=250, min_score=0.001, nms_sigma=0.75,
                  multiclass_nms=True, voting_thresh=0.95),
)
# the dataset base is already the TriDet / CLTDR-GMG data path (no widening, TriDet's grid)
