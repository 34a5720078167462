"""Statistics of seed sweeps: pure functions on arrays (the rliable style).

Conventions (data-and-eval.md §8):

- a cell's runs are summarised by n, mean, sample std (ddof 1), the 95 % t-interval
  mean ± t_{0.975, n-1}·s/√n (n = 1 has no interval), min and max;
- the prediction interval mean ± t·s·√(1 + 1/n) says where *one* more run is expected to land,
  which is what a single published number is;
- two methods are compared by the difference of their means with a Welch interval (seeds do not
  pair across models) and by the probability of improvement P(A > B) over all seed pairs
  (½ per tie), with a stratified bootstrap CI (rliable's ``probability_of_improvement``);
- every stochastic function takes ``random_state`` (an int seed or a ``numpy.random.Generator``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

VERDICTS = ("within CI", "above paper", "below paper")
MIN_N_FOR_VERDICT = 3
MIN_N_FOR_SEED_BOOTSTRAP = 10


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided interval (NaN bounds when undefined)."""

    estimate: float
    low: float
    high: float

    @property
    def defined(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)

    def contains(self, value: float) -> bool:
        return self.defined and self.low <= value <= self.high


@dataclass(frozen=True)
class CellSummary:
    """Summary of one table cell over seeds (values as given, e.g. mAP in percent).

    Attributes:
        n: number of runs; mean, std (ddof 1; NaN for n < 2), minimum, maximum.
        ci: 95 % t-interval of the mean; pi: 95 % prediction interval of one more run.
    """

    n: int
    mean: float
    std: float
    minimum: float
    maximum: float
    ci: Interval
    pi: Interval


def _as_1d(values) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(x)):
        raise ValueError("statistics need finite values")
    return x


def _rng(random_state: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def t_quantile(n: int, confidence: float = 0.95) -> float:
    """t_{(1+confidence)/2, n-1} (12.71 / 4.30 / 2.78 / 2.26 for n = 2 / 3 / 5 / 10)."""
    if n < 2:
        return math.nan
    return float(_st.t.ppf(0.5 + confidence / 2.0, n - 1))


def _t_band(values, confidence: float, half_width) -> Interval:
    """mean ± ``half_width(t·s, n)``; NaN bounds for n < 2."""
    x = _as_1d(values)
    if len(x) == 0:
        return Interval(math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if len(x) < 2:
        return Interval(mean, math.nan, math.nan)
    half = half_width(t_quantile(len(x), confidence) * float(x.std(ddof=1)), len(x))
    return Interval(mean, mean - half, mean + half)


def t_interval(values, confidence: float = 0.95) -> Interval:
    """mean ± t·s/√n over ``values`` [n]; NaN bounds for n < 2."""
    return _t_band(values, confidence, lambda ts, n: ts / math.sqrt(n))


def prediction_interval(values, confidence: float = 0.95) -> Interval:
    """mean ± t·s·√(1 + 1/n): where one further run lands with probability ``confidence``."""
    return _t_band(values, confidence, lambda ts, n: ts * math.sqrt(1.0 + 1.0 / n))


def summarize(values, confidence: float = 0.95) -> CellSummary:
    """n, mean, sample std, min, max, t-interval and prediction interval of ``values`` [n]."""
    x = _as_1d(values)
    if len(x) == 0:
        nan = Interval(math.nan, math.nan, math.nan)
        return CellSummary(0, math.nan, math.nan, math.nan, math.nan, nan, nan)
    return CellSummary(
        n=len(x),
        mean=float(x.mean()),
        std=float(x.std(ddof=1)) if len(x) > 1 else math.nan,
        minimum=float(x.min()),
        maximum=float(x.max()),
        ci=t_interval(x, confidence),
        pi=prediction_interval(x, confidence),
    )


def verdict(paper: float, ci: Interval, n: int) -> str | None:
    """'within CI' when ``paper`` lies in the harness's interval, else 'above paper' (the
    harness is higher) or 'below paper'; None for n < 3 or without a paper value."""
    if n < MIN_N_FOR_VERDICT or paper is None or not math.isfinite(paper) or not ci.defined:
        return None
    if ci.low <= paper <= ci.high:
        return "within CI"
    return "above paper" if ci.low > paper else "below paper"


def welch_interval(a, b, confidence: float = 0.95) -> Interval:
    """Δ = mean(a) − mean(b) with the Welch (unequal variances) t-interval.

    Args:
        a: [n_a] runs of method A; b: [n_b] runs of method B (both n >= 2 for an interval).

    Returns:
        Interval of Δ; NaN bounds when either side has fewer than 2 runs. When both sample
        variances are 0 the interval is the point Δ.
    """
    x, y = _as_1d(a), _as_1d(b)
    if len(x) == 0 or len(y) == 0:
        return Interval(math.nan, math.nan, math.nan)
    delta = float(x.mean() - y.mean())
    if len(x) < 2 or len(y) < 2:
        return Interval(delta, math.nan, math.nan)
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se2 = float(va + vb)
    if se2 == 0.0:
        return Interval(delta, delta, delta)
    df = se2**2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    half = float(_st.t.ppf(0.5 + confidence / 2.0, df)) * math.sqrt(se2)
    return Interval(delta, delta - half, delta + half)


def probability_of_improvement(a, b) -> float:
    """P(A > B): mean over all run pairs (i, j) of 1[a_i > b_j] + ½·1[a_i = b_j].

    Args:
        a: [n_a] or [n_a, T] scores of A (T tasks, e.g. metrics); b: [n_b] or [n_b, T].

    Returns:
        The probability, averaged over tasks when 2-D (as rliable).
    """
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.ndim == 1:
        x, y = x[:, None], y[:, None]
    if x.shape[1] != y.shape[1] or len(x) == 0 or len(y) == 0:
        raise ValueError("probability_of_improvement: need runs on both sides and equal tasks")
    gt = (x[:, None, :] > y[None, :, :]).mean(axis=(0, 1))  # [T]
    eq = (x[:, None, :] == y[None, :, :]).mean(axis=(0, 1))  # [T]
    return float((gt + 0.5 * eq).mean())


def stratified_bootstrap_ci(
    statistic: Callable[..., float],
    *samples,
    num_samples: int = 2000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> Interval:
    """Percentile CI of ``statistic(*samples)`` resampling runs within each task and sample.

    Each sample is [n, T] (or [n]); for every replicate the runs of every task column of every
    sample are drawn with replacement independently (rliable's stratified bootstrap).

    Args:
        statistic: function of the samples (same shapes) -> float.
        samples: one or more arrays.
        num_samples: number of replicates B.
        confidence: interval coverage.
        random_state: seed or generator.

    Returns:
        Interval(statistic on the data, percentile low, percentile high).
    """
    rng = _rng(random_state)
    arrays = [np.asarray(s, dtype=np.float64) for s in samples]
    arrays = [s[:, None] if s.ndim == 1 else s for s in arrays]
    squeeze = all(np.asarray(s).ndim == 1 for s in samples)
    estimate = float(statistic(*samples))
    reps = np.empty(num_samples)
    for r in range(num_samples):
        drawn = []
        for s in arrays:
            idx = rng.integers(0, len(s), size=s.shape)  # [n, T] rows per task column
            res = np.take_along_axis(s, idx, axis=0)
            drawn.append(res[:, 0] if squeeze else res)
        reps[r] = statistic(*drawn)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(reps, [alpha, 1.0 - alpha])
    return Interval(estimate, float(low), float(high))


def probability_of_improvement_ci(
    a, b, *, num_samples: int = 2000, confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> Interval:
    """P(A > B) with its stratified bootstrap percentile CI."""
    return stratified_bootstrap_ci(
        probability_of_improvement, a, b,
        num_samples=num_samples, confidence=confidence, random_state=random_state,
    )


def percentile_bootstrap_mean(
    values, *, num_samples: int = 2000, confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> Interval:
    """Percentile bootstrap CI of the mean over seeds; only meaningful for n >= 10 (§8)."""
    x = _as_1d(values)
    if len(x) < MIN_N_FOR_SEED_BOOTSTRAP:
        return Interval(float(x.mean()) if len(x) else math.nan, math.nan, math.nan)
    rng = _rng(random_state)
    means = x[rng.integers(0, len(x), size=(num_samples, len(x)))].mean(axis=1)  # [B]
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return Interval(float(x.mean()), float(low), float(high))


def percentile_interval(replicates, estimate: float, confidence: float = 0.95) -> Interval:
    """Percentile interval of bootstrap ``replicates`` [B] around ``estimate``."""
    reps = _as_1d(replicates)
    if len(reps) == 0:
        return Interval(estimate, math.nan, math.nan)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(reps, [alpha, 1.0 - alpha])
    return Interval(float(estimate), float(low), float(high))
