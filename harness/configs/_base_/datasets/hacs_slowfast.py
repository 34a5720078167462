# HACS Segments v1.1.1 (200 classes, ActivityNet taxonomy), SlowFast R101 features of TCANet
# (2304 = 2048 slow + 256 fast channels; clip 32, stride 8, fps 15), TriDet / CLTDR-GMG data path
# (dingfengshi/TriDet configs/hacs_slowfast.yaml, libs/datasets/hacs.py). Train on 'training',
# evaluate on 'validation'; no external classifier scores (200-class detectors).
# Layout: <data_root>/hacs/annotations/HACS_segments_v1.1.1_slowfast.json (its own JSON;
# durations stored as strings), <data_root>/hacs/features/slowfast/{training,validation}/<id>.pkl
# (a pickled dict of 'slow_feature' 1x2048xT and 'fast_feature' 1x256xT, concatenated on channels;
# read with a restricted unpickler).
# data-and-eval.md §3-§4: max_seq_len 960, trunc 0.5, crop [0.9, 1]; TriDet's loader:
# duplicate GT removed (same label, bounds within 1e-3 s), training GT filter (drop GT starting
# at/after T, clamp ends to T), (t*fps - num_frames/2)/stride, no crop-window widening.
data_root = 'data'
num_classes = 200
input_dim = 2304
feat_stride = 8
num_frames = 32
max_seq_len = 960
tiou_thresholds = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]  # np.linspace(0.5, 0.95, 10)
ann_file = 'hacs/annotations/HACS_segments_v1.1.1_slowfast.json'

_data = dict(
    type='FeatureTALDataset',
    data_root=data_root,
    ann_file=ann_file,
    feat_dir='hacs/features/slowfast',
    subset_subdir=True,  # <feat_dir>/<subset>/<id>.pkl
    num_classes=num_classes,
    input_dim=input_dim,
    channels=None,
    feat_stride=feat_stride,
    num_frames=num_frames,
    default_fps=15,
    file_ext='.pkl',
    gt_dedup='tridet',
    grid_rule='tridet',
)
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='training', is_training=True, max_seq_len=max_seq_len,
                 trunc_thresh=0.5, crop_ratio=(0.9, 1.0), widen_by_offset=False,
                 train_gt_filter='tridet'),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='validation', is_training=False),
)
test_dataloader = val_dataloader
val_evaluator = dict(
    type='TemporalMAPMetric',
    ann_file=f'{data_root}/{ann_file}',
    subset='validation',
    tiou_thresholds=tiou_thresholds,
)
test_evaluator = val_evaluator
del _data, ann_file
