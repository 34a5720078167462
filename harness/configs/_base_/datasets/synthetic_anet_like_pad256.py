# Synthetic anet-like benchmark (data-and-eval.md §7), quality 'mid', seed 0, on the TriDet /
# CLTDR-GMG ActivityNet data path (the synthetic analogue of anet13_tsp_pad768.py): no
# fixed-length resize; the model pads videos to max_seq_len 256, which covers the longest
# synthetic anet-like video (64-256 steps) as 768 covers ActivityNet; no crop-window widening;
# training GT filter and grid arithmetic as TriDet's loader (a CLTDR-GMG leaf sets
# train_gt_filter='actionformer', grid_rule='actionformer' as for the real ANet).
# Layout: <data_root>/{annotations.json, features/<id>.npy, manifest.json, video_scores.json};
# subsets 'training' (train) and 'validation' (test); fps 30, stride 4, clip 16, C = 64.
data_root = 'results/data/synthetic/anet-like-mid'
num_classes = 1
input_dim = 64
feat_stride = 4
num_frames = 16
max_seq_len = 256
tiou_thresholds = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]  # np.linspace(0.5, 0.95, 10)
video_scores_file = f'{data_root}/video_scores.json'  # video-level class scores (fusion)

_data = dict(
    type='SyntheticTALDataset',
    preset='anet-like',
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
    class_agnostic=True,  # 10 classes in the file, trained class-agnostic
    grid_rule='tridet',  # (t*fps - num_frames/2)/stride, as TriDet's loader
)
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='tal_collate'),
    dataset=dict(_data, subset='training', is_training=True, max_seq_len=max_seq_len,
                 trunc_thresh=0.5, crop_ratio=(0.9, 1.0), widen_by_offset=False,
                 train_gt_filter='tridet'),
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
    # class-agnostic detections are relabelled with the video-level scores (§5 fusion)
    video_scores_file=video_scores_file,
)
test_evaluator = val_evaluator
del _data
