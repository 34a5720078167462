# EPIC-KITCHENS-100 nouns (300 classes), SlowFast features fine-tuned on EPIC (.npz, key 'feats').
# Layout: <data_root>/epic100/{annotations/epic_kitchens_100_noun.json, features/slowfast/<id>.npz}.
# Train on 'training', evaluate on 'validation' (whole sequences, as the ActionFormer family).
# data-and-eval.md §3-§4: input 2304, clip 32, stride 16, fps 30, max_seq_len 2304,
# trunc 0.3, crop [0.9, 1]. Classes that no annotation of the file uses are the official
# loader's empty_label_ids (find_empty_classes=True; metainfo['empty_label_ids']), which the
# official train.py copies into model.train_cfg.head_empty_cls (datasets/derived.py). widen_by_offset=True is ActionFormer's crop; TriDet /
# CLTDR-GMG leaves set train_dataloader = dict(dataset=dict(widen_by_offset=False,
# grid_rule='tridet')) (and grid_rule in val/test: TriDet's float32 mapping arithmetic).
data_root = 'data'
num_classes = 300
input_dim = 2304
feat_stride = 16
num_frames = 32
max_seq_len = 2304
tiou_thresholds = [0.1, 0.2, 0.30000000000000004, 0.4, 0.5]  # np.linspace(0.1, 0.5, 5)
ann_file = 'epic100/annotations/epic_kitchens_100_noun.json'

_data = dict(
    type='FeatureTALDataset',
    data_root=data_root,
    ann_file=ann_file,
    feat_dir='epic100/features/slowfast',
    num_classes=num_classes,
    input_dim=input_dim,
    channels=None,
    feat_stride=feat_stride,
    num_frames=num_frames,
    default_fps=30,
    file_ext='.npz',
    find_empty_classes=True,
)
train_dataloader = dict(
    batch_size=2,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='training', is_training=True, max_seq_len=max_seq_len,
                 trunc_thresh=0.3, crop_ratio=(0.9, 1.0), widen_by_offset=True),
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
