# TriDet THUMOS14 recipe (dingfengshi/TriDet configs/thumos_i3d.yaml, models.md §6): AdamW lr 1e-4
# (not scaled by the number of devices), weight decay 0.025 with the official whitelist split
# (GroupNorm weights and biases undecayed; SGP depthwise convs decayed), global L2 clipping
# 1.0, 20 warm-up + 20 cosine epochs per iteration to eta_min 1e-8. The official script
# evaluates the last epoch (epoch_039).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.025),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor',
)
param_scheduler = dict(
    type='WarmupCosineLR', warmup=20, begin=0, end=40, eta_min=1e-8,
    by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(type='TALTrainLoop', max_epochs=40, record_test_curve=False)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
