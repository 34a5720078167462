# TriDet, HACS Segments v1.1.1, official I3D features at 2 fps (dingfengshi/TriDet
# configs/hacs_i3d.yaml): 7 levels (backbone_arch 2, 2, 6; regression ranges up to [128, 10000]),
# dims 1024, SGP MLP 1024, window 15, k 1.2, 12 bins, IoU power 1, no input noise, SGP convs
# initialised N(0, 0.1²), head kernel 5, boundary kernel 1, absolute PE, buffer factor 1,
# init_loss_norm 400, label smoothing 0.1; per-class soft-NMS (sigma 0.75) with voting 0.95,
# 2000 candidates / 250 kept; 10 + 3 epochs, lr 1e-3, batch 16; no external scores.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/tridet_hacs_i3d.py',
    '../_base_/datasets/hacs_i3d.py',
    '../_base_/models/tridet.py',
]
dataset_name = 'hacs'
feature_set = 'i3d'
model = dict(
    input_dim=2048,
    num_classes=200,
    max_seq_len=512,
    backbone_arch=(2, 2, 6),
    regression_range=((0, 4), (4, 8), (8, 16), (16, 32), (32, 64), (64, 128), (128, 10000)),
    n_sgp_win_size=15,
    embd_dim=1024,
    fpn_dim=1024,
    head_dim=1024,
    sgp_mlp_dim=1024,
    head_kernel_size=5,
    boudary_kernel_size=1,  # (sic) the official key
    use_abs_pe=True,
    num_bins=12,
    iou_weight_power=1.0,
    input_noise=0.0,
    k=1.2,
    init_conv_vars=0.1,
    max_buffer_len_factor=1.0,
    train_cfg=dict(init_loss_norm=400, clip_grad_l2norm=1.0, label_smoothing=0.1),
    test_cfg=dict(pre_nms_topk=2000, max_seg_num=250, min_score=0.001, nms_sigma=0.75,
                  multiclass_nms=True, voting_thresh=0.95),
)
