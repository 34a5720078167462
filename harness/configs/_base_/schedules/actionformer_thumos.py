# ActionFormer THUMOS14 recipe (happyharrycn/actionformer_release configs/thumos_i3d.yaml, models.md §1/§6):
# AdamW lr 1e-4 (not scaled by the number of devices), weight decay 0.05 with the official
# whitelist split, global L2 gradient clipping 1.0, 5 warm-up + 30 cosine epochs (per iteration,
# eta_min 1e-8). The scheduler's end is explicit (= max_epochs) so that resume never freezes it.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=5, begin=0, end=35, eta_min=1e-8,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=35, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
