# TriDet HACS I3D recipe (dingfengshi/TriDet configs/hacs_i3d.yaml, models.md §6): AdamW lr 1e-3,
# weight decay 0.03 (whitelist split), clipping 1.0, 10 warm-up + 3 cosine epochs to eta_min 2e-4.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.03),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=10, begin=0, end=13, eta_min=2e-4,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=13, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
