# CLTDR-GMG (tiny) on the synthetic thumos-like benchmark (quality 'mid'; the sweeps select
# low / mid / high for the I3D / VideoMAEv2 / InternVideo2-6B rows): the THUMOS14 I3D recipe
# (thumos_i3d_focalloss.yaml, as the baselines' synthetic leaves use their THUMOS I3D recipes)
# at the synthetic scale, on the shared synthetic schedule with CLTDR's THUMOS weight decay
# (0.035). The Tables 6-11 stand-ins (synthetic_thumos_like_<variant>.py, on quality high)
# are this file plus one switch, declared in harness/experiments/variants.py.
_base_ = [
    '../_base_/cltdr_synthetic.py',  # runtime, schedule, tiny model, decay whitelist, EMA 0.98
    '../_base_/datasets/synthetic_thumos_like.py',
]
model = dict(input_dim=64, num_classes=10, max_seq_len=256)
optim_wrapper = dict(optimizer=dict(weight_decay=0.035))
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
