"""Knobs of an aggregation (``python -m harness aggregate`` options)."""

from __future__ import annotations

from dataclasses import dataclass

from harness.defaults import BOOTSTRAP_SAMPLES


@dataclass(frozen=True)
class AggregateOptions:
    """Knobs of an aggregation (all recorded in ``meta.json``).

    Attributes:
        bootstrap_samples: B of the video-level bootstrap (0 disables it).
        bootstrap_seed: seed of every resample (video bootstrap, P(A > B) CI, seed bootstrap).
        confidence: coverage of every interval.
        seeds: only these seeds (None: every seed found).
        improvement_samples: B of the stratified bootstrap of P(A > B).
    """

    bootstrap_samples: int = BOOTSTRAP_SAMPLES
    bootstrap_seed: int = 0
    confidence: float = 0.95
    seeds: tuple[int, ...] | None = None
    improvement_samples: int = 2000
