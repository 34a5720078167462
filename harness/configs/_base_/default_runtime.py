# Runtime shared by every run: scope, hooks, logging, environment.
# The seed comes from the command line (`python -m harness train CONFIG --seed S`), which sets
# randomness = dict(seed=S, deterministic=True); configs never fix it.
default_scope = 'harness'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    # log file: a line every 10 iterations (shorter than any epoch); the terminal shows the
    # short lines of `progress` (harness/console.py; `train --verbose` shows the log file's)
    logger=dict(type='LoggerHook', interval=10),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # every epoch, so that any run can be resumed; only the newest is kept
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # the harness's hooks are named here (not in custom_hooks) so that a config can change one
    # of them with a dict merge, e.g. default_hooks = dict(ema=dict(decay=0.99)):
    # official EMA (decay 0.999 over every state entry, from the initial weights); evaluation uses it
    ema=dict(type='ModelEMAHook', decay=0.999),
    # stop at the first NaN/Inf loss, naming the iteration
    nonfinite_loss=dict(type='NonFiniteLossHook'),
    # random generators + the loss normaliser in checkpoints: resume is exact
    exact_resume=dict(type='ExactResumeHook', model_attrs=('loss_normalizer.value',)),
    # per-epoch evaluations when train_cfg.record_test_curve=True
    test_curve=dict(type='TestCurveHook'),
    # terminal: a line per epoch (and every_s seconds within a long one), one per evaluation
    progress=dict(type='ProgressHook', every_s=60),
)
# TensorBoard (pip install -e .[tensorboard]): `train --tensorboard`, or in a config
# visualizer = dict(type='Visualizer', vis_backends=[dict(type='LocalVisBackend'),
#                                                    dict(type='TensorboardVisBackend')])
# (visualizer and the logging keys are not part of the experiment hash)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

log_processor = dict(by_epoch=True, window_size=20)
log_level = 'INFO'

randomness = dict(seed=None, deterministic=True)
load_from = None
resume = False
