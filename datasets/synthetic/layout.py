"""Where events go: per-preset samplers of annotated actions and of clutter.

Every sampler draws the same numbers whatever the quality level (widths are drawn as
uniform fractions and scaled afterwards, clutter is thinned from the densest level's
candidates), so the levels of one seed share their layout and differ in signal only.
Positions are grid units (feature steps), continuous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from datasets.synthetic.presets import Preset, QualityLevel
from datasets.synthetic.signal import Event

MAX_CLUTTER_RATE = 2.0  # per 100 steps: the densest quality level (low)
GAIN_RANGE = (0.75, 1.25)
MIN_GAP = 2.0  # sparse layout: steps between two actions


@dataclass(frozen=True)
class Planted:
    """An annotated action: what is rendered and which labels it carries.

    Attributes:
        event: the rendered pattern (``event.label`` is the rendered class).
        labels: annotated class ids; two for an instance of a duplicate pair's sub-class.
    """

    event: Event
    labels: tuple[int, ...]


def video_length(rng: np.random.Generator, preset: Preset) -> int:
    lo, hi = preset.length_range
    if preset.length_dist == "loguniform":
        return int(round(np.exp(rng.uniform(np.log(lo), np.log(hi)))))
    return int(rng.integers(lo, hi + 1))


def _action(
    rng: np.random.Generator, label: int, start: float, end: float,
    quality: QualityLevel, preset: Preset,
) -> Planted:
    """Draw gain and ramps (always 3 draws) and attach the annotated labels."""
    u = rng.uniform(size=3)
    top = max(1.0, quality.ramp * (end - start))
    gain = GAIN_RANGE[0] + u[0] * (GAIN_RANGE[1] - GAIN_RANGE[0])
    ev = Event("action", label, start, end, gain, 1.0 + u[1] * (top - 1.0), 1.0 + u[2] * (top - 1.0))
    labels: tuple[int, ...] = (label,)
    if preset.duplicate_pair is not None and label == preset.duplicate_pair[1]:
        labels = (preset.duplicate_pair[1], preset.duplicate_pair[0])
    return Planted(ev, labels)


def _sparse(rng: np.random.Generator, length: int, preset: Preset, quality: QualityLevel) -> list[Planted]:
    """THUMOS-like: isolated actions, about ``event_rate`` per step, log-normal lengths."""
    n = max(1, int(rng.poisson(preset.event_rate * length)))
    median, sigma = preset.event_len
    lo, hi = preset.event_len_clip
    spans: list[tuple[float, float]] = []
    out = []
    for _ in range(n):
        span_len = float(np.clip(median * np.exp(sigma * rng.standard_normal()), lo, min(hi, length - 1)))
        label = int(rng.integers(preset.num_classes))
        for _ in range(50):
            s = float(rng.uniform(0.0, length - 1 - span_len))
            e = s + span_len
            if all(e + MIN_GAP <= a or s >= b + MIN_GAP for a, b in spans):
                spans.append((s, e))
                out.append(_action(rng, label, s, e, quality, preset))
                break
    return sorted(out, key=lambda p: p.event.start)


def _few_long(rng: np.random.Generator, length: int, preset: Preset, quality: QualityLevel) -> list[Planted]:
    """ActivityNet-like: one class per video, 1-3 long actions covering 20-90 % of it."""
    label = int(rng.integers(preset.num_classes))
    n = int(rng.integers(preset.events_per_video[0], preset.events_per_video[1] + 1))
    cover = rng.uniform(*preset.coverage)
    span = length - 1.0
    lens = rng.dirichlet(np.full(n, 2.0)) * cover * span  # [n]
    lens = np.maximum(lens, 3.0)
    gaps = rng.dirichlet(np.ones(n + 1)) * max(span - lens.sum(), 0.0)  # [n + 1]
    out, pos = [], 0.0
    for i in range(n):
        s = pos + gaps[i]
        e = min(s + lens[i], span)
        if e - s >= 3.0:
            out.append(_action(rng, label, float(s), float(e), quality, preset))
        pos = e
    return out


def _children(
    rng: np.random.Generator, lo: float, hi: float, fill: float, weights: np.ndarray,
    preset: Preset, quality: QualityLevel,
) -> list[Planted]:
    """Sequential child actions inside [lo, hi], about ``fill`` of it covered."""
    out = []
    cmin, cmax = preset.child_len
    pos = lo + float(rng.uniform(0.0, 5.0))
    while True:
        span_len = float(np.exp(rng.uniform(np.log(cmin), np.log(cmax))))
        if pos + span_len > hi:
            break
        label = preset.parent_classes + int(rng.choice(len(weights), p=weights))
        out.append(_action(rng, label, pos, pos + span_len, quality, preset))
        pos += span_len + float(rng.exponential(span_len * (1.0 - fill) / fill))
    return out


def _dense(
    rng: np.random.Generator, length: int, preset: Preset, quality: QualityLevel,
    cooccurrence: np.ndarray,
) -> list[Planted]:
    """MultiTHUMOS-like: parent activities tiling ~coverage of the video (sometimes
    overlapping), each filled with children drawn from its co-occurrence row; a few
    children in the gaps."""
    span = length - 1.0
    pmin, pmax = preset.parent_len
    mean_gap = 0.5 * (pmin + pmax) * (1.0 - preset.coverage[0]) / preset.coverage[0]
    uniform_children = np.full(cooccurrence.shape[1], 1.0 / cooccurrence.shape[1])
    out: list[Planted] = []
    pos, prev_end, prev_label = float(rng.uniform(0.0, mean_gap)), 0.0, -1
    while pos < span - 3.0:
        plen = min(float(rng.uniform(pmin, pmax)), span - pos)
        label = int(rng.integers(preset.parent_classes - 1))
        label = label + (label >= prev_label >= 0)  # differs from the previous parent
        out.append(_action(rng, label, pos, pos + plen, quality, preset))
        out += _children(rng, max(pos, prev_end), pos + plen, preset.child_fill, cooccurrence[label], preset, quality)
        gap_lo = pos + plen
        prev_end, prev_label = pos + plen, label
        pos = gap_lo + float(rng.uniform(-20.0, 2.0 * mean_gap + 20.0))
        if pos > gap_lo + 8.0:
            out += _children(rng, gap_lo + 2.0, min(pos, span) - 2.0, 0.2, uniform_children, preset, quality)
    if not out:  # too short for a parent: one child
        out.append(_action(rng, preset.parent_classes, 0.0, min(span, 10.0), quality, preset))
    return sorted(out, key=lambda p: p.event.start)


def timeline_actions(
    rng: np.random.Generator, gt: tuple[tuple[int, float, float], ...], length: int,
    preset: Preset, quality: QualityLevel, to_grid,
) -> list[Planted]:
    """The real GT of one video (label, start s, end s) as planted actions on a grid of
    ``length`` steps: dropped when starting at/after the last step, ends clipped to it,
    at least one step long (3 draws per GT, always)."""
    out = []
    last = length - 1.0
    for label, lo, hi in gt:
        s, e = max(0.0, to_grid(lo)), min(to_grid(hi), last)
        planted = _action(rng, label, s, max(e, min(s + 1.0, last)), quality, preset)
        if s < last:
            out.append(planted)
    return sorted(out, key=lambda p: p.event.start)


def sample_actions(
    rng: np.random.Generator, length: int, preset: Preset, quality: QualityLevel,
    cooccurrence: np.ndarray | None = None,
) -> list[Planted]:
    """The annotated actions of one video of ``length`` steps, sorted by start."""
    if preset.layout == "sparse":
        return _sparse(rng, length, preset, quality)
    if preset.layout == "few_long":
        return _few_long(rng, length, preset, quality)
    if preset.layout == "dense":
        assert cooccurrence is not None
        return _dense(rng, length, preset, quality, cooccurrence)
    raise ValueError(f"unknown layout {preset.layout!r}")


def sample_clutter(
    rng: np.random.Generator, length: int, preset: Preset, quality: QualityLevel, channels: int
) -> list[Event]:
    """Clutter bursts and half events, each at ``quality.clutter_rate`` per 100 steps.

    Candidates are drawn at :data:`MAX_CLUTTER_RATE` and kept with probability
    q / MAX_CLUTTER_RATE, so a cleaner level's clutter is a subset of a noisier one's.
    """
    keep = quality.clutter_rate / MAX_CLUTTER_RATE
    out = []
    for kind in ("clutter", "half"):
        for _ in range(int(rng.poisson(MAX_CLUTTER_RATE * length / 100.0))):
            u = rng.uniform(size=4)
            direction = rng.standard_normal(channels)
            label = int(rng.integers(preset.num_classes))
            if u[0] >= keep:
                continue
            start = u[1] * (length - 1)
            if kind == "clutter":
                end, gain = start + 2.0 + 8.0 * u[2], 0.5 + u[3]
                out.append(Event(kind, -1, start, end, gain, 1.0, 1.0, direction / np.linalg.norm(direction)))
            else:
                end = start + 1.0 + 2.0 * u[2] * 0.999  # shorter than 3 steps
                gain = GAIN_RANGE[0] + u[3] * (GAIN_RANGE[1] - GAIN_RANGE[0])
                out.append(Event(kind, label, start, end, gain, 1.0, 1.0))
    return out
