# Synthetic benchmark on the real THUMOS14 timeline (preset 'thumos14-timeline', quality 'mid',
# seed 0): the 200 + 212 real videos with their real durations, 20 classes and GT intervals
# (datasets/synthetic/timeline.py), features from the synthetic signal model at C = 64.
# fps 30, stride 4, clip 16 as the other presets; max_seq_len 2304 and batch 2 as the real
# THUMOS14 configs (real videos are up to 12,547 steps long). Written on first use.
data_root = 'results/data/synthetic/thumos14-timeline-mid'
num_classes = 20
input_dim = 64
feat_stride = 4
num_frames = 16
max_seq_len = 2304
tiou_thresholds = [0.3, 0.39999999999999997, 0.5, 0.6, 0.7]  # np.linspace(0.3, 0.7, 5)

_data = dict(
    type='SyntheticTALDataset',
    preset='thumos14-timeline',
    quality='mid',
    seed=0,
    data_root=data_root,
    ann_file='annotations.json',
    feat_dir='features',
    num_classes=num_classes,
    input_dim=input_dim,
    channels=None,
    feat_stride=feat_stride,
    num_frames=num_frames,
    default_fps=None,
    file_ext='.npy',
)
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='training', is_training=True, max_seq_len=max_seq_len,
                 trunc_thresh=0.5, crop_ratio=(0.9, 1.0), widen_by_offset=True),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='validation', is_training=False),
)
test_dataloader = val_dataloader
val_evaluator = dict(
    type='TemporalMAPMetric',
    ann_file=f'{data_root}/annotations.json',
    subset='validation',
    tiou_thresholds=tiou_thresholds,
)
test_evaluator = val_evaluator
del _data
