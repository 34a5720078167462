# TriDet ActivityNet-1.3 recipe (configs/anet_tsp.yaml, models.md §6): AdamW lr 1e-3, weight
# decay 0.04 (whitelist split), clipping 0.4, 10 warm-up + 5 cosine epochs to eta_min 5e-5.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.04),
    clip_grad=dict(max_norm=0.4),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=10, begin=0, end=15, eta_min=5e-5,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=15, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
