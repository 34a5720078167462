# ActionFormer ActivityNet-1.3 recipe (configs/anet_tsp.yaml, models.md §6): AdamW lr 1e-3,
# weight decay 0.05 (whitelist split), clipping 1.0, 5 warm-up + 10 cosine epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=5, begin=0, end=15, eta_min=1e-8,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=15, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
