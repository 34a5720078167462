"""Presets and feature-quality levels of the synthetic benchmark (spec data-and-eval.md §7).

A preset fixes the dataset's shape (classes, videos, lengths, event layout, thresholds);
a quality level fixes the signal's difficulty. Both are plain frozen dataclasses, so the
whole design is readable here; ``generator_version`` changes whenever the bytes a given
(preset, quality, seed) produces change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from datasets.synthetic.timeline import load_timeline
from harness.errors import ConfigError

GENERATOR_VERSION = 1

# the feature grid every preset uses (THUMOS I3D-like): one step = 4/30 s
FPS = 30.0
FEAT_STRIDE = 4
NUM_FRAMES = 16


@dataclass(frozen=True)
class QualityLevel:
    """Signal difficulty (stand-in for a weaker or stronger feature set).

    Attributes:
        name: ``low`` / ``mid`` / ``high``.
        amplitude: event amplitude over the background noise std (a/σ), in units of
            :data:`datasets.synthetic.signal.SIGNAL_GAIN`.
        confusable_cos: cosine between the body prototypes of a confusable pair (s).
        ramp: event ramp widths are drawn from U[1, ramp·L] steps (r).
        clutter_rate: clutter bursts and half events, each, per 100 steps (q).
    """

    name: str
    amplitude: float
    confusable_cos: float
    ramp: float
    clutter_rate: float


@dataclass(frozen=True)
class Preset:
    """Shape of one synthetic dataset.

    Attributes:
        name: preset id (``thumos-like`` ...).
        layout: event sampler, one of ``sparse``, ``few_long``, ``dense``.
        num_classes: K.
        input_dim: C (first C/2 "appearance" channels carry class bodies, the second
            half "motion" channels carry onsets/offsets).
        num_train / num_test: videos in the ``training`` / ``validation`` subsets.
        length_range: video length range in feature steps (inclusive).
        length_dist: ``loguniform`` or ``uniform``.
        confusable_pairs: class pairs whose bodies share a prototype up to cosine s
            and whose offsets are identical: they differ at the onset only.
        duplicate_pair: (parent, sub): every instance of ``sub`` is also annotated as
            ``parent`` with the identical interval (THUMOS' CliffDiving/Diving), or None.
        tiou_thresholds: evaluation thresholds (np.linspace values).
        video_scores: write ``video_scores.json`` (video-level classifier scores).
        event_rate: sparse layout: events per step.
        event_len: sparse layout: log-normal (median, sigma) of event lengths, in steps.
        event_len_clip: sparse layout: clip of event lengths, in steps.
        events_per_video: few_long layout: (min, max) events per video.
        coverage: few_long: range of the fraction of the video covered by actions;
            dense: target fraction covered by parent actions.
        parent_classes: dense layout: number of "parent" classes (ids 0..P-1).
        parent_len / child_len: dense layout: length ranges in steps.
        child_fill: dense layout: fraction of a parent's span filled by its children.
        timeline: ``timeline`` layout: the real dataset whose videos, durations, classes and
            GT intervals are used (:mod:`datasets.synthetic.timeline`); counts, lengths and
            event knobs of this preset are then unused.
    """

    name: str
    layout: str
    num_classes: int
    input_dim: int
    num_train: int
    num_test: int
    length_range: tuple[int, int]
    length_dist: str
    confusable_pairs: tuple[tuple[int, int], ...]
    duplicate_pair: tuple[int, int] | None
    tiou_thresholds: tuple[float, ...]
    video_scores: bool = False
    event_rate: float = 1.0 / 40.0
    event_len: tuple[float, float] = (16.0, 0.6)
    event_len_clip: tuple[float, float] = (3.0, 96.0)
    events_per_video: tuple[int, int] = (1, 3)
    coverage: tuple[float, float] = (0.2, 0.9)
    parent_classes: int = 0
    parent_len: tuple[float, float] = (60.0, 200.0)
    child_len: tuple[float, float] = (3.0, 30.0)
    child_fill: float = 0.6
    timeline: str | None = None

    def to_json(self) -> dict:
        out = asdict(self)
        if out["timeline"] is None:  # manifests of the older presets stay byte-identical
            del out["timeline"]
        return out


def _linspace(start: float, stop: float, num: int) -> tuple[float, ...]:
    """``np.linspace(start, stop, num)`` to the bit (i * step + start, the last value ``stop``),
    in plain Python so that reading the presets (``make-data --help``) does not import numpy."""
    step = (stop - start) / (num - 1)
    return tuple(i * step + start for i in range(num - 1)) + (float(stop),)


QUALITIES: dict[str, QualityLevel] = {
    "low": QualityLevel("low", amplitude=0.75, confusable_cos=0.85, ramp=0.15, clutter_rate=2.0),
    "mid": QualityLevel("mid", amplitude=0.9, confusable_cos=0.70, ramp=0.10, clutter_rate=1.0),
    "high": QualityLevel("high", amplitude=1.05, confusable_cos=0.55, ramp=0.05, clutter_rate=0.5),
}

PRESETS: dict[str, Preset] = {
    "thumos-like": Preset(
        name="thumos-like",
        layout="sparse",
        num_classes=10,
        input_dim=64,
        num_train=128,
        num_test=64,
        length_range=(128, 512),
        length_dist="loguniform",
        # (0, 1) is also the duplicate pair: 1 ("CliffDiving") is always also 0 ("Diving")
        confusable_pairs=((0, 1), (2, 3), (4, 5)),
        duplicate_pair=(0, 1),
        tiou_thresholds=_linspace(0.3, 0.7, 5),
    ),
    "anet-like": Preset(
        name="anet-like",
        layout="few_long",
        num_classes=10,
        input_dim=64,
        num_train=160,
        num_test=80,
        length_range=(64, 256),
        length_dist="uniform",
        confusable_pairs=((0, 1), (2, 3)),
        duplicate_pair=None,
        tiou_thresholds=_linspace(0.5, 0.95, 10),
        video_scores=True,
        events_per_video=(1, 3),
        coverage=(0.2, 0.9),
    ),
    "multithumos-like": Preset(
        name="multithumos-like",
        layout="dense",
        num_classes=20,
        input_dim=64,
        num_train=128,
        num_test=64,
        length_range=(128, 512),
        length_dist="loguniform",
        # parents are 0..4; children 5..19; (18, 19) is the duplicate pair
        confusable_pairs=((5, 6), (10, 11), (18, 19)),
        duplicate_pair=(18, 19),
        tiou_thresholds=_linspace(0.1, 0.9, 9),
        coverage=(0.75, 0.75),
        parent_classes=5,
        parent_len=(60.0, 200.0),
        child_len=(3.0, 30.0),
        child_fill=0.6,
    ),
}


PRESETS["thumos14-timeline"] = Preset(
    name="thumos14-timeline",
    layout="timeline",
    num_classes=20,
    input_dim=64,
    num_train=200,
    num_test=212,
    length_range=(1, 12600),
    length_dist="uniform",
    # THUMOS' look-alikes: Diving / CliffDiving, CricketBowling / CricketShot, HighJump / LongJump
    confusable_pairs=((7, 4), (5, 6), (11, 13)),
    duplicate_pair=None,  # the file itself labels every CliffDiving interval Diving too
    tiou_thresholds=_linspace(0.3, 0.7, 5),
    timeline="thumos14",
)


def get_preset(name: str) -> Preset:
    if name not in PRESETS:
        raise ConfigError(f"unknown synthetic preset {name!r}; choose one of {sorted(PRESETS)}")
    return PRESETS[name]


def get_quality(name: str) -> QualityLevel:
    if name not in QUALITIES:
        raise ConfigError(f"unknown synthetic quality {name!r}; choose one of {sorted(QUALITIES)}")
    return QUALITIES[name]


def class_names(preset: Preset) -> list[str]:
    """Class names ``action_<id>`` (dense layout: parents ``activity_<id>``); the duplicate
    pair's classes end in ``_dive`` / ``_cliffdive`` after the THUMOS classes they mimic."""
    if preset.timeline is not None:
        return list(load_timeline(preset.timeline)[2])
    names = [f"action_{k:02d}" for k in range(preset.num_classes)]
    if preset.duplicate_pair is not None:
        parent, sub = preset.duplicate_pair
        names[parent] = f"action_{parent:02d}_dive"
        names[sub] = f"action_{sub:02d}_cliffdive"
    if preset.layout == "dense":
        for k in range(preset.parent_classes):
            names[k] = f"activity_{k:02d}"
    return names
