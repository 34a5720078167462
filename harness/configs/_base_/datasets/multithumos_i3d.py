# MultiTHUMOS (65 classes, dense multi-label), I3D RGB+flow (all 2048 channels), ActionFormer-style annotation file of
# TriDet+ (dingfengshi/tridetplus data/multithumos.json; fps 30.0 for every video).
# Layout: <data_root>/multithumos/annotations/multithumos.json; features shared with
# THUMOS14: <data_root>/thumos14/features/i3d/<id>.npy. Subsets 'Validation' (200 videos,
# train) and 'Test' (212 videos) as in the THUMOS file; mAP at 0.1:0.1:0.9 (paper: 0.2/0.5/0.7 + avg).
# data-and-eval.md §3-§4: clip 16, stride 4, max_seq_len 2304, trunc 0.5, crop [0.9, 1];
# channels are explicit (CLTDR's loader silently keeps [0, 1024) by default).
# widen_by_offset=True is ActionFormer's crop; TriDet / CLTDR-GMG leaves set
# widen_by_offset=False and grid_rule='tridet' (TriDet's float32 mapping arithmetic).
data_root = 'data'
num_classes = 65
input_dim = 2048
feat_stride = 4
num_frames = 16
max_seq_len = 2304
tiou_thresholds = [0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9]
ann_file = 'multithumos/annotations/multithumos.json'

_data = dict(
    type='FeatureTALDataset',
    data_root=data_root,
    ann_file=ann_file,
    feat_dir='thumos14/features/i3d',
    num_classes=num_classes,
    input_dim=input_dim,
    channels=(0, 2048),
    feat_stride=feat_stride,
    num_frames=num_frames,
    default_fps=None,
    file_ext='.npy',
)
train_dataloader = dict(
    batch_size=2,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='validation', is_training=True, max_seq_len=max_seq_len,
                 trunc_thresh=0.5, crop_ratio=(0.9, 1.0), widen_by_offset=True),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='test', is_training=False),
)
test_dataloader = val_dataloader
val_evaluator = dict(
    type='TemporalMAPMetric',
    ann_file=f'{data_root}/{ann_file}',
    subset='test',
    tiou_thresholds=tiou_thresholds,
)
test_evaluator = val_evaluator
del _data, ann_file
