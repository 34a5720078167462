# CLTDR-GMG, EPIC-Kitchens-100 nouns, SlowFast features (official
# configs/epic_slowfast_noun_focalloss.yaml; paper Table 3 noun row): window 5, k 4, GMG MLP
# 1024, IoU power 0.25, input noise 1e-4, EPIC regression ranges, buffer factor 6,
# init_loss_norm 250, no label smoothing (unlike the baselines), focal pre-refinement loss;
# 5000 / 2000, sigma 0.4; 10 + 15 epochs. Classes without training samples: head_empty_cls,
# from the dataset (datasets/README.md).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/cltdr_epic_noun.py',
    '../_base_/datasets/epic100_slowfast_noun.py',
    '../_base_/models/cltdr_gmg.py',
]
dataset_name = 'epic100_noun'
feature_set = 'slowfast'
model = dict(
    input_dim=2304,
    num_classes=300,
    max_seq_len=2304,
    regression_range=((0, 4), (2, 8), (4, 16), (8, 32), (16, 64), (32, 10000)),
    max_buffer_len_factor=6.0,
    n_sgp_win_size=5,
    k=4,
    sgp_mlp_dim=1024,
    iou_weight_power=0.25,
    input_noise=0.0001,
    pre_cls_loss='focal',
    train_cfg=dict(init_loss_norm=250),
    test_cfg=dict(pre_nms_topk=5000, max_seg_num=2000, min_score=0.001, nms_sigma=0.4,
                  voting_thresh=0.7),
)
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
