"""Diagnoses of many runs: per method mean and 95 % t-interval over seeds, paired differences.

Every number of a diagnosis (its ``to_json()``) is flattened to a path such as
``error_impact/localization`` or ``false_positive_profile/1G/background``. Per method, each
quantity gets the mean over seeds and the 95 % t-interval of that mean (n − 1 degrees of
freedom; no interval from one seed). A paired difference A − B uses the seeds both methods
have, and the t-interval of the mean of the per-seed differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

SECTIONS = ("average_mAP_N", "false_positive_profile", "error_impact", "sensitivity",
            "false_negative")


def flatten(diagnosis_json: dict) -> dict[str, float]:
    """Path -> value of every number of a diagnosis JSON (None -> NaN)."""
    out: dict[str, float] = {}

    def walk(prefix: str, obj) -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(f"{prefix}/{k}" if prefix else str(k), v)
        else:
            out[prefix] = math.nan if obj is None else float(obj)

    for section in SECTIONS:
        walk(section, diagnosis_json.get(section, {}))
    return out


@dataclass(frozen=True)
class Interval:
    """Mean over seeds with its 95 % t-interval (NaN bounds when n < 2 or values undefined)."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def to_json(self) -> dict:
        f = lambda x: None if not math.isfinite(x) else x  # noqa: E731
        return {"mean": f(self.mean), "low": f(self.low), "high": f(self.high), "n": self.n}


def t_interval(values, level: float = 0.95) -> Interval:
    """Mean and t-interval of finite values (NaNs left out)."""
    x = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return Interval(mean, mean - half, mean + half, n)


@dataclass(frozen=True)
class SeedSummary:
    """Summaries of one experiment.

    Attributes:
        methods: method labels in order.
        per_run: method -> seed -> flattened diagnosis.
        per_method: method -> path -> :class:`Interval`.
        paired: (A, B) -> path -> :class:`Interval` of A − B over common seeds.
    """

    methods: tuple[str, ...]
    per_run: dict[str, dict[int, dict[str, float]]]
    per_method: dict[str, dict[str, Interval]]
    paired: dict[tuple[str, str], dict[str, Interval]]

    def to_json(self) -> dict:
        return {
            "interval": "95 % t-interval of the mean over seeds (paired: of the per-seed differences)",
            "methods": list(self.methods),
            "per_run": {m: {str(s): {p: (x if math.isfinite(x) else None) for p, x in v.items()}
                            for s, v in runs.items()} for m, runs in self.per_run.items()},
            "per_method": {m: {p: i.to_json() for p, i in q.items()} for m, q in self.per_method.items()},
            "paired": {f"{a} - {b}": {p: i.to_json() for p, i in q.items()}
                       for (a, b), q in self.paired.items()},
        }


def summarise(runs: dict[str, dict[int, dict]]) -> SeedSummary:
    """``runs``: method -> seed -> diagnosis JSON. Pairs: every ordered pair (i < j) of methods."""
    methods = tuple(runs)
    per_run = {m: {s: flatten(d) for s, d in sorted(runs[m].items())} for m in methods}
    per_method = {}
    for m in methods:
        paths = list(dict.fromkeys(p for flat in per_run[m].values() for p in flat))
        per_method[m] = {p: t_interval([flat.get(p, math.nan) for flat in per_run[m].values()])
                         for p in paths}
    paired = {}
    for i, a in enumerate(methods):
        for b in methods[i + 1 :]:
            seeds = sorted(set(per_run[a]) & set(per_run[b]))
            if not seeds:
                continue
            paths = [p for p in per_method[a] if p in per_method[b]]
            paired[(b, a)] = {p: t_interval([per_run[b][s].get(p, math.nan) - per_run[a][s].get(p, math.nan)
                                             for s in seeds]) for p in paths}
    return SeedSummary(methods, per_run, per_method, paired)
