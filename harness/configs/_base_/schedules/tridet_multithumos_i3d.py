# TriDet MultiTHUMOS I3D recipe: no official TriDet config; the harness's choice is
# dingfengshi/tridetplus configs/multithumos_i3d.yaml (models.md §6): AdamW lr 1e-4, weight
# decay 0.025 (whitelist split), clipping 1.0, 20 warm-up + 26 cosine epochs, eta_min 1e-8.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.025),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=20, begin=0, end=46, eta_min=1e-8,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=46, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
