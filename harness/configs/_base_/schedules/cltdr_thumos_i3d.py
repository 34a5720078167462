# CLTDR-GMG THUMOS14 I3D recipe (LiQiang0307/CLTDR-GMG configs/thumos_i3d_focalloss.yaml,
# models.md §6): AdamW lr 1e-4 (not scaled by the number of devices), weight decay 0.035 with
# the official whitelist split (CLTDR adds ConvTranspose1d and the GMG w1/w2), global L2
# clipping 1.0, 20 warm-up + 20 cosine epochs per iteration to eta_min 1e-8.
# Every CLTDR-GMG schedule records the test curve: the official train.py evaluates the EMA
# model on the test split every epoch from (max_epochs - 5) // 2 on and keeps the best; the
# harness's result is the last epoch, the best-on-test epoch is kept beside it, labelled as
# test-set selection (models.md §4.4, §4.6).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.035),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
    # CLTDR-GMG's whitelist: also ConvTranspose1d weights and the GMG spectral weights w1, w2;
    # the spectral biases b1, b2 undecayed (models.md §1)
    paramwise_cfg=dict(extra_decay_types=('ConvTranspose1d',), decay_params=('w1', 'w2'),
                       extra_no_decay_params=('b1', 'b2')),
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=20, begin=0, end=40, eta_min=1e-8,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=40, record_test_curve=True)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
