# CLTDR-GMG (tiny) on the synthetic benchmark with the real THUMOS14 timeline (quality mid): the
# same recipe as cltdr_gmg/synthetic_thumos_like.py, on datasets/synthetic/timeline.py's real videos.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/schedules/synthetic_7e.py',
    '../_base_/datasets/synthetic_thumos14_timeline.py',
    '../_base_/models/cltdr_gmg_tiny.py',
]
model = dict(input_dim=64, num_classes=20, max_seq_len=2304)
optim_wrapper = dict(
    optimizer=dict(weight_decay=0.035),
    # CLTDR-GMG's whitelist (as the cltdr_* schedules): also ConvTranspose1d weights and the
    # GMG spectral weights w1, w2; the spectral biases b1, b2 undecayed (models.md §1)
    paramwise_cfg=dict(extra_decay_types=('ConvTranspose1d',), decay_params=('w1', 'w2'),
                       extra_no_decay_params=('b1', 'b2')),
)
# short schedule: EMA decay 0.98 instead of 0.999 (see _base_/schedules/synthetic_7e.py)
default_hooks = dict(ema=dict(decay=0.98))
# CLTDR-GMG data switches (datasets/README.md; its THUMOS-type loader is TriDet's): no
# crop-window widening, TriDet's grid arithmetic
train_dataloader = dict(dataset=dict(widen_by_offset=False, grid_rule='tridet'))
val_dataloader = dict(dataset=dict(grid_rule='tridet'))
test_dataloader = dict(dataset=dict(grid_rule='tridet'))
