# CLTDR-GMG at the synthetic scale: the official THUMOS14 I3D structure and switches
# (thumos_i3d_focalloss.yaml: window 1, 16 bins, IoU power 0.2, input noise 0.05, zero-initialised
# GMG fc/convw, focal pre-refinement loss) shrunk like tridet_tiny.py and the reference small
# config (tests/golden/reference/cltdr_gmg_small_seed0.config.json): dims 32, GMG MLP 48 (the
# official 768/512 ratio), arch (2, 2, 3) -> 4 levels (strides 1..8). Dataset numbers are
# None: leaves fill num_classes, input_dim and max_seq_len (a multiple of 8).
model = dict(
    type='CLTDRGMG',
    input_dim=None,
    num_classes=None,
    max_seq_len=None,
    backbone_type='SGP',  # (sic) the official key; the blocks are GMG blocks
    fpn_type='identity',
    backbone_arch=(2, 2, 3),
    scale_factor=2,
    regression_range=((0, 4), (4, 8), (8, 16), (16, 10000)),
    n_sgp_win_size=1,
    embd_kernel_size=3,
    embd_dim=32,
    embd_with_ln=True,
    fpn_dim=32,
    fpn_with_ln=True,
    sgp_mlp_dim=48,
    head_dim=32,
    head_kernel_size=3,
    boudary_kernel_size=3,  # (sic) the official key
    head_num_layers=3,
    head_with_ln=True,
    max_buffer_len_factor=6.0,
    use_abs_pe=False,
    use_trident_head=True,
    downsample_type='max',
    k=5,  # accepted, unused by the GMG block (models.md §4.1)
    init_conv_vars=0,
    num_bins=16,
    iou_weight_power=0.2,
    input_noise=0.05,
    gmg=dict(branches=('instant', 'local', 'global'), gate=True, gate_act='identity',
             global_extractor='fft', n_head=4),
    cltdr=dict(cls_sources=('l', 'l+1'), reg_sources=('l', 'l-1'), fusion='attention',
               refine=('cls', 'reg'), loss_mix=(0.7, 0.3)),
    refined_cls_loss='varifocal',
    pre_cls_loss='focal',
    loss_norm_updates_per_iter=2,
    train_cfg=dict(
        center_sample='radius',
        center_sample_radius=1.5,
        loss_weight=1.0,
        cls_prior_prob=0.01,
        init_loss_norm=100,
        clip_grad_l2norm=1.0,  # read by the optimiser config, not by the model
        head_empty_cls=[],
        dropout=0.0,
        droppath=0.1,
        label_smoothing=0.0,
    ),
    test_cfg=dict(
        pre_nms_thresh=0.001,
        pre_nms_topk=2000,
        iou_threshold=0.1,
        min_score=0.001,
        max_seg_num=2000,
        nms_method='soft',
        nms_sigma=0.5,
        duration_thresh=0.05,
        multiclass_nms=True,
        ext_score_file=None,
        voting_thresh=0.7,
    ),
)
