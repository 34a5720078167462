"""Pure signal model of the synthetic benchmark: prototypes, background, event rendering.

All functions are pure given their ``numpy.random.Generator``; times are in feature
steps (grid units), features are ``[T, C]`` float64 until the writer casts them.

Model (spec data-and-eval.md §7):
- background: per-channel AR(1) noise (ρ 0.8, stationary std 1) plus a slow
  mean-reverting random-walk drift (ρ 0.99, stationary std 0.5);
- an action of class k over [s, e] adds, scaled by its amplitude
  A = SIGNAL_GAIN · a · gain (a from the quality level, gain per event),
  ``env(t)·body_k + band_on(t)·onset_k + band_off(t)·offset_k + 0.3·env(t)·actionness``,
  where env has sigmoid ramps of width w_on / w_off at s and e (the 10-90 % rise takes
  about w steps, env is 0.5 exactly at s and e), and the onset/offset bands cover
  min(4, L/4) steps inside the event;
- body prototypes live in the first C/2 channels, onset/offset prototypes in the
  second half; all prototypes are unit vectors;
- clutter: short bursts on random unit directions, and half events (a class body
  without onset/offset, shorter than 3 steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

# Norm of an event's pattern per unit of quality amplitude. The spec's proposal (unit
# prototypes times a/σ) leaves the per-step baseline at ~0 mAP (measured: 0.2 on
# thumos-like mid); 3.4 puts it at ~28 (README.md, "Calibration").
SIGNAL_GAIN = 3.4
AR_RHO = 0.8
DRIFT_RHO = 0.99
DRIFT_STD = 0.5
ACTIONNESS_GAIN = 0.3
BAND_MAX = 4.0


@dataclass(frozen=True)
class Prototypes:
    """Class signatures.

    Attributes:
        body: [K, C] unit vectors, zero outside channels [0, C/2).
        onset: [K, C] unit vectors, zero outside channels [C/2, C).
        offset: [K, C] unit vectors, zero outside channels [C/2, C).
        actionness: [C] unit vector shared by every class.
    """

    body: np.ndarray
    onset: np.ndarray
    offset: np.ndarray
    actionness: np.ndarray


@dataclass(frozen=True)
class Event:
    """One planted pattern, in grid units.

    Attributes:
        kind: ``action`` (body + onset + offset), ``half`` (body only) or ``clutter``.
        label: class id (actions, half events) or -1 (clutter).
        start / end: grid positions where the envelope is 0.5.
        gain: amplitude multiplier (the quality's amplitude times this).
        ramp_on / ramp_off: ramp widths in steps.
        direction: [C] unit vector for clutter, else None.
    """

    kind: str
    label: int
    start: float
    end: float
    gain: float
    ramp_on: float
    ramp_off: float
    direction: np.ndarray | None = None


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _half_vectors(rng: np.random.Generator, n: int, c: int, second: bool) -> np.ndarray:
    """n unit vectors [n, c] supported on one half of the channels."""
    half = c // 2
    out = np.zeros((n, c))
    sl = slice(half, c) if second else slice(0, half)
    out[:, sl] = _unit(rng.standard_normal((n, c - half if second else half)))
    return out


def make_prototypes(
    rng: np.random.Generator,
    num_classes: int,
    input_dim: int,
    confusable_pairs: tuple[tuple[int, int], ...],
    confusable_cos: float,
) -> Prototypes:
    """Draw class prototypes; pairs (a, b) get cos(body_a, body_b) = s and offset_b = offset_a.

    The random draws do not depend on ``confusable_cos``, so quality levels of one seed
    share every prototype except the mixing inside the pairs.

    Args:
        rng: the dataset-level generator.
        num_classes: K.
        input_dim: C (even).
        confusable_pairs: class pairs that differ at the onset only.
        confusable_cos: s.

    Returns:
        :class:`Prototypes` with arrays [K, C] and [C].
    """
    body = _half_vectors(rng, num_classes, input_dim, second=False)  # [K, C]
    onset = _half_vectors(rng, num_classes, input_dim, second=True)  # [K, C]
    offset = _half_vectors(rng, num_classes, input_dim, second=True)  # [K, C]
    actionness = _unit(rng.standard_normal(input_dim))  # [C]
    for a, b in confusable_pairs:
        ortho = body[b] - (body[b] @ body[a]) * body[a]  # component of body_b orthogonal to body_a
        ortho = ortho / np.linalg.norm(ortho)
        body[b] = confusable_cos * body[a] + np.sqrt(1.0 - confusable_cos**2) * ortho
        offset[b] = offset[a]
    return Prototypes(body=body, onset=onset, offset=offset, actionness=actionness)


def background(rng: np.random.Generator, length: int, channels: int) -> np.ndarray:
    """AR(1) noise (stationary std 1) plus a slow drift (stationary std 0.5).

    Returns:
        [T, C] float64.
    """
    out = np.zeros((length, channels))
    for rho, std in ((AR_RHO, 1.0), (DRIFT_RHO, DRIFT_STD)):
        innov = rng.standard_normal((length, channels))  # [T, C]
        innov[1:] *= std * np.sqrt(1.0 - rho**2)
        innov[0] *= std  # start in the stationary distribution
        out += lfilter([1.0], [1.0, -rho], innov, axis=0)  # [T, C]
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _rise(t: np.ndarray, at: float, width: float) -> np.ndarray:
    """0 → 1 around ``at``; 0.5 at ``at``; 10-90 % over about ``width`` steps."""
    return _sigmoid(4.0 * (t - at) / width)


def render(
    feats: np.ndarray, event: Event, protos: Prototypes, amplitude: float
) -> None:
    """Add one event to ``feats`` [T, C] in place (patterns superpose additively)."""
    t = np.arange(feats.shape[0], dtype=np.float64)  # [T]
    amp = SIGNAL_GAIN * amplitude * event.gain
    env = _rise(t, event.start, event.ramp_on) * _rise(-t, -event.end, event.ramp_off)  # [T]
    if event.kind == "clutter":
        assert event.direction is not None
        feats += amp * env[:, None] * event.direction[None, :]
        return
    k = event.label
    feats += amp * env[:, None] * protos.body[k][None, :]
    if event.kind == "half":
        return
    band = min(BAND_MAX, (event.end - event.start) / 4.0)
    on = _rise(t, event.start, event.ramp_on) * _rise(-t, -(event.start + band), event.ramp_on)
    off = _rise(t, event.end - band, event.ramp_off) * _rise(-t, -event.end, event.ramp_off)
    feats += amp * on[:, None] * protos.onset[k][None, :]
    feats += amp * off[:, None] * protos.offset[k][None, :]
    feats += ACTIONNESS_GAIN * amp * env[:, None] * protos.actionness[None, :]
