# ActionFormer, EPIC-Kitchens-100 nouns, SlowFast features (official configs/epic_slowfast_noun.yaml):
# as the verb config plus label smoothing 0.1; classes without training samples get the
# -13.8 classifier bias (head_empty_cls, from the dataset; see datasets/README.md).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/actionformer_epic.py',
    '../_base_/datasets/epic100_slowfast_noun.py',
    '../_base_/models/actionformer.py',
]
dataset_name = 'epic100_noun'
feature_set = 'slowfast'
model = dict(
    input_dim=2304,
    num_classes=300,
    max_seq_len=2304,
    n_mha_win_size=9,
    regression_range=((0, 4), (2, 8), (4, 16), (8, 32), (16, 64), (32, 10000)),
    max_buffer_len_factor=4.0,
    train_cfg=dict(init_loss_norm=250, label_smoothing=0.1),
    test_cfg=dict(pre_nms_topk=5000, max_seg_num=2000, min_score=0.001, nms_sigma=0.4,
                  iou_threshold=0.1, multiclass_nms=True, voting_thresh=0.75),
)
