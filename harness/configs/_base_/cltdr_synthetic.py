# What every CLTDR-GMG synthetic leaf shares (synthetic_<preset>.py and, through them, the
# ablation variants of harness/experiments/variants.py): the runtime, the shared synthetic
# schedule, the tiny model, CLTDR-GMG's weight-decay whitelist and the short schedule's EMA
# decay. A leaf adds its dataset base, its recipe's sizes and weight decay, and the data
# switches of its loader (grid rule: the dataset bases of the presets differ, and mmengine
# does not merge one key from two sibling bases).
_base_ = [
    './default_runtime.py',
    './schedules/synthetic_7e.py',
    './models/cltdr_gmg_tiny.py',
]
optim_wrapper = dict(
    # CLTDR-GMG's whitelist (as the cltdr_* schedules): also ConvTranspose1d weights and the
    # GMG spectral weights w1, w2; the spectral biases b1, b2 undecayed (models.md §1)
    paramwise_cfg=dict(extra_decay_types=('ConvTranspose1d',), decay_params=('w1', 'w2'),
                       extra_no_decay_params=('b1', 'b2')),
)
# short schedule: EMA decay 0.98 instead of 0.999 (see schedules/synthetic_7e.py)
default_hooks = dict(ema=dict(decay=0.98))
