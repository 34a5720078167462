# TriDet, EPIC-Kitchens-100 nouns, SlowFast features (official configs/epic_slowfast_noun.yaml):
# window 1, k 4, SGP MLP 1024, IoU power 0.25, no input noise, label smoothing 0.1, EPIC
# regression ranges, buffer factor 4, init_loss_norm 250; 5000 / 2000, sigma 0.4; 5 + 14 epochs.
# Classes without training samples: head_empty_cls, from the dataset (datasets/README.md).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/tridet_epic_noun.py',
    '../_base_/datasets/epic100_slowfast_noun.py',
    '../_base_/models/tridet.py',
]
dataset_name = 'epic100_noun'
feature_set = 'slowfast'
model = dict(
    input_dim=2304,
    num_classes=300,
    max_seq_len=2304,
    regression_range=((0, 4), (2, 8), (4, 16), (8, 32), (16, 64), (32, 10000)),
    max_buffer_len_factor=4.0,
    n_sgp_win_size=1,
    k=4,
    sgp_mlp_dim=1024,
    iou_weight_power=0.25,
    input_noise=0,
    train_cfg=dict(init_loss_norm=250, label_smoothing=0.1),
    test_cfg=dict(pre_nms_topk=5000, max_seg_num=2000, min_score=0.001, nms_sigma=0.4,
                  voting_thresh=0.75),
)
# TriDet data switches (datasets/README.md): no crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
