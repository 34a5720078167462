# TriDet HACS SlowFast recipe (dingfengshi/TriDet configs/hacs_slowfast.yaml, models.md §6): AdamW
# lr 1e-3, weight decay 0.03 (whitelist split), clipping 0.5, 7 warm-up + 4 cosine epochs to
# eta_min 5e-4.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.03),
    clip_grad=dict(max_norm=0.5),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=7, begin=0, end=11, eta_min=5e-4,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=11, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
