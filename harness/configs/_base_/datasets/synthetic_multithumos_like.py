# Synthetic multithumos-like benchmark (data-and-eval.md §7), quality 'mid', seed 0: the zero-setup
# default. SyntheticTALDataset (datasets/synthetic) writes the data under data_root on
# first use, then behaves exactly like FeatureTALDataset (real on-disk formats).
# Layout: <data_root>/{annotations.json, features/<id>.npy, manifest.json}; subsets
# 'training' (train) and 'validation' (test); fps 30, stride 4, clip 16, C = 64.
# Another quality level or seed: override quality/seed of the dataset dicts and pass
# --data-root results/data/synthetic/<preset>-<quality> (train, check-data).
data_root = 'results/data/synthetic/multithumos-like-mid'
num_classes = 20
input_dim = 64
feat_stride = 4
num_frames = 16
max_seq_len = 256
tiou_thresholds = [0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9]  # np.linspace(0.1, 0.9, 9)

_data = dict(
    type='SyntheticTALDataset',
    preset='multithumos-like',
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
    batch_size=4,
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
