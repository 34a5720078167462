# Test-only config: the harness's real runtime base + a tiny model/dataset (tests/harness/tiny_run.py).
_base_ = ['../../harness/configs/_base_/default_runtime.py']

custom_imports = dict(imports=['tests.harness.tiny_run'], allow_failed_imports=False)

model = dict(type='TinyTALModel', in_channels=6, num_classes=2, width=8)

_train_ds = dict(type='TinyTALDataset', num_videos=8, random_crop=True, data_seed=0)
_test_ds = dict(type='TinyTALDataset', num_videos=6, random_crop=False, data_seed=1,
                subset='validation')

train_dataloader = dict(
    batch_size=2, num_workers=0, dataset=_train_ds,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='harness.tiny_collate'), drop_last=True)
val_dataloader = dict(
    batch_size=1, num_workers=0, dataset=_test_ds,
    sampler=dict(type='DefaultSampler', shuffle=False), collate_fn=dict(type='harness.tiny_collate'))
test_dataloader = val_dataloader
val_evaluator = dict(type='TinyScoreMetric')
test_evaluator = val_evaluator

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-2, weight_decay=0.05),
    clip_grad=dict(max_norm=1.0),
    constructor='DecayWhitelistOptimWrapperConstructor')
param_scheduler = [
    dict(type='WarmupCosineLR', warmup=1, begin=0, end=4, eta_min=1e-8,
         by_epoch=True, convert_to_iter_based=True)
]
train_cfg = dict(type='TALTrainLoop', max_epochs=4, record_test_curve=True, curve_begin=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

default_hooks = dict(logger=dict(interval=1))
dataset_name = 'tiny'
feature_set = 'random'

