# ActivityNet-1.3, TSP R(2+1)D-34 features, ActionFormer's fixed-length path: every video
# is linearly resized to 192 bins (effective stride ((T-1)*16 + 16)/192 frames, offset
# half a bin), trained class-agnostic (num_classes 1), CUHK video scores fused at test.
# Layout: <data_root>/anet13/{annotations/anet1.3_tsp_filtered.json, features/tsp/v_<id>.npy}.
# data-and-eval.md §3-§5: input 512, clip 16, stride 16, fps 15, trunc 0.5, crop [0.9, 1],
# training GT filter (drop GT starting after the features, keep >= trunc_thresh inside);
# duplicate GT (same label, bounds within 1e-3 s) and GT shorter than 1e-3 s removed at load
# (ActionFormer's remove_duplicate_annotations).
data_root = 'data'
num_classes = 1
input_dim = 512
feat_stride = 16
num_frames = 16
max_seq_len = 192
tiou_thresholds = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]
ann_file = 'anet13/annotations/anet1.3_tsp_filtered.json'
video_scores_file = f'{data_root}/anet13/annotations/cuhk_val_simp_share.json'

_data = dict(
    type='FeatureTALDataset',
    data_root=data_root,
    ann_file=ann_file,
    feat_dir='anet13/features/tsp',
    num_classes=num_classes,
    class_agnostic=True,
    input_dim=input_dim,
    channels=None,
    feat_stride=feat_stride,
    num_frames=num_frames,
    default_fps=15,
    file_prefix='v_',
    file_ext='.npy',
    resize_length=max_seq_len,
    gt_dedup='actionformer',
)
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='training', is_training=True, max_seq_len=max_seq_len,
                 trunc_thresh=0.5, crop_ratio=(0.9, 1.0), widen_by_offset=True,
                 train_gt_filter='actionformer'),
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
    # class-agnostic detections are relabelled with the video-level scores (§5 fusion)
    video_scores_file=video_scores_file,
)
test_evaluator = val_evaluator
del _data, ann_file
