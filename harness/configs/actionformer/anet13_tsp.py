# ActionFormer, ActivityNet-1.3 TSP features (official configs/anet_tsp.yaml): videos resized to
# 192 bins, class-agnostic (1 class), dims 256, windows (7, 7, 7, 7, 7, global), absolute PE,
# loss weight 2, label smoothing 0.1, init_loss_norm 200; class-agnostic soft-NMS (sigma 0.75)
# with voting 0.9, 100 segments, duration threshold 0.001; CUHK video-level scores fused at
# test (ext_score_file, data-and-eval.md §5); 5 + 10 epochs, lr 1e-3, batch 16.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/actionformer_anet.py',
    '../_base_/datasets/anet13_tsp_resize192.py',
    '../_base_/models/actionformer.py',
]
dataset_name = 'anet13'
feature_set = 'tsp'
model = dict(
    input_dim=512,
    num_classes=1,
    max_seq_len=192,
    n_mha_win_size=(7, 7, 7, 7, 7, -1),
    embd_dim=256,
    fpn_dim=256,
    head_dim=256,
    use_abs_pe=True,
    max_buffer_len_factor=1.0,
    train_cfg=dict(init_loss_norm=200, label_smoothing=0.1, loss_weight=2.0),
    test_cfg=dict(pre_nms_topk=2000, max_seg_num=100, min_score=0.001, nms_sigma=0.75,
                  multiclass_nms=False, voting_thresh=0.9, duration_thresh=0.001,
                  ext_score_file='data/anet13/annotations/cuhk_val_simp_share.json'),
)
