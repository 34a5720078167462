# TriDet EPIC-Kitchens-100 verb recipe (configs/epic_slowfast_verb.yaml, models.md §6): AdamW lr
# 1e-4, weight decay 0.05 (whitelist split), clipping 1.0, 5 warm-up + 22 cosine epochs to
# eta_min 5e-5.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=5, begin=0, end=27, eta_min=5e-5,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=27, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
