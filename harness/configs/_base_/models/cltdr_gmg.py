# CLTDR-GMG, official THUMOS14 I3D hyper-parameters (LiQiang0307/CLTDR-GMG @ f49badb,
# configs/thumos_i3d_focalloss.yaml merged with the TriDet DEFAULTS it forks; reference
# cltdr_gmg_thumos_i3d.model_config.json: 21,908,390 parameters). Every TriDet key keeps its
# official name; the CLTDR-GMG switches (models.md §4-§5) are explicit, with the official
# code's behaviour as their defaults. Dataset numbers are None: leaves fill num_classes,
# input_dim and max_seq_len from the dataset base.
model = dict(
    type='CLTDRGMG',
    input_dim=None,
    num_classes=None,
    max_seq_len=None,
    backbone_type='SGP',  # (sic) the official key; the blocks are GMG blocks
    fpn_type='identity',
    backbone_arch=(2, 2, 5),
    scale_factor=2,
    regression_range=((0, 4), (4, 8), (8, 16), (16, 32), (32, 64), (64, 10000)),
    n_sgp_win_size=1,
    embd_kernel_size=3,
    embd_dim=512,
    embd_with_ln=True,
    fpn_dim=512,
    fpn_with_ln=True,
    sgp_mlp_dim=768,
    head_dim=512,
    head_kernel_size=3,
    boudary_kernel_size=3,  # (sic) the official key
    head_num_layers=3,
    head_with_ln=True,
    max_buffer_len_factor=6.0,
    use_abs_pe=False,
    use_trident_head=True,
    downsample_type='max',
    k=5,  # accepted, unused by the GMG block (models.md §4.1)
    init_conv_vars=0,  # a standard deviation; 0: fc/convw start at zero (they still train)
    num_bins=16,
    iou_weight_power=0.2,
    input_noise=0.05,
    # GMG block (Tables 6, 7, 8): all three branches, gated, FFT global extractor, as the code
    gmg=dict(branches=('instant', 'local', 'global'), gate=True, gate_act='identity',
             global_extractor='fft', n_head=4),
    # CLTDR decoder (Tables 9, 10, 11): DCM reads P_l+1, DRM reads P_l-1, SE-style gate,
    # both refinements, total = 0.7 * refined + 0.3 * pre-refinement losses
    cltdr=dict(cls_sources=('l', 'l+1'), reg_sources=('l', 'l-1'), fusion='attention',
               refine=('cls', 'reg'), loss_mix=(0.7, 0.3)),
    # the refined term is varifocal in the code; the pre-refinement term is the one the
    # authors edit by hand per config suffix: focal for *_focalloss and unsuffixed configs,
    # varifocal for *_vflloss (models.md §4.3, §4.6)
    refined_cls_loss='varifocal',
    pre_cls_loss='focal',
    loss_norm_updates_per_iter=2,  # the official loss normaliser is updated twice per iteration
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
