# ActionFormer EPIC-Kitchens-100 recipe (configs/epic_slowfast_{verb,noun}.yaml, models.md §6):
# AdamW lr 1e-4, weight decay 0.05 (whitelist split), clipping 1.0, 5 warm-up + 16 cosine epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=5, begin=0, end=21, eta_min=1e-8,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=21, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
