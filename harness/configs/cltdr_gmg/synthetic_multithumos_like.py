# CLTDR-GMG (tiny) on the synthetic multithumos-like benchmark (quality 'mid'; also the
# EPIC-Kitchens stand-in): dense, overlapping, multi-label events; the MultiTHUMOS I3D-RGB
# recipe (multithumos_i3d_rgb_only_focalloss.yaml: k 5, IoU power 0.2, input noise 5e-4, focal
# pre-refinement loss, 8000 candidates / 8000 kept, weight decay 0.03) at the synthetic scale,
# on the shared synthetic schedule.
_base_ = [
    '../_base_/cltdr_synthetic.py',  # runtime, schedule, tiny model, decay whitelist, EMA 0.98
    '../_base_/datasets/synthetic_multithumos_like.py',
]
model = dict(
    input_dim=64,
    num_classes=20,
    max_seq_len=256,
    input_noise=0.0005,
    test_cfg=dict(pre_nms_topk=8000, max_seg_num=8000),
)
optim_wrapper = dict(optimizer=dict(weight_decay=0.03))
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
