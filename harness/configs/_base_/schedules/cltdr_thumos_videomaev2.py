# CLTDR-GMG THUMOS14 VideoMAEv2 recipe (configs/thumos_videomae.yaml, models.md §6): AdamW lr
# 1e-4, weight decay 0.055 (whitelist split), clipping 1.0, 30 warm-up + 32 cosine epochs to
# eta_min 1e-8.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.055),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
    # CLTDR-GMG's whitelist: also ConvTranspose1d weights and the GMG spectral weights w1, w2;
    # the spectral biases b1, b2 undecayed (models.md §1)
    paramwise_cfg=dict(extra_decay_types=('ConvTranspose1d',), decay_params=('w1', 'w2'),
                       extra_no_decay_params=('b1', 'b2')),
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=30, begin=0, end=62, eta_min=1e-8,
    by_epoch=True, convert_to_iter_based=True)
# record_test_curve: the official per-epoch test evaluation (see cltdr_thumos_i3d.py)
train_cfg = dict(type='TALTrainLoop', max_epochs=62, record_test_curve=True)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
