# TriDet EPIC-Kitchens-100 noun recipe (configs/epic_slowfast_noun.yaml, models.md §6): AdamW lr
# 1e-4, weight decay 0.05 (whitelist split), clipping 1.0, 5 warm-up + 14 cosine epochs to
# eta_min 1e-8 (the default; unlike the verb config).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=5, begin=0, end=19, eta_min=1e-8,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=19, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
