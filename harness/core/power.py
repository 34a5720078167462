"""Power analysis of seed sweeps: how many seeds per method resolve a difference.

The test assumed everywhere is the **two-sided two-sample t-test with equal n per method and
pooled variance** (Student): with n seeds per method, df = 2n − 2 and the statistic under a
true difference Δ follows a noncentral t with noncentrality λ = Δ / (σ·√(2/n)). Power is
computed exactly from that distribution (``scipy.stats.nct``), not from the normal
approximation (which undercounts by about one seed at the usual sizes).

Equivalence ("A matches B within ±m") uses two one-sided tests (TOST) at level α; its power is
bounded below by P(reject the lower) + P(reject the upper) − 1, each exact noncentral t, which
is what :func:`seeds_for_equivalence` plans with (conservative by construction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as _st

TEST = ("two-sided two-sample t-test, equal n per method, pooled variance "
        "(exact noncentral t power)")
TOST_TEST = ("two one-sided t-tests (TOST), equal n per method, pooled variance "
             "(exact noncentral t bound on the power)")
MIN_SEEDS = 2
MAX_SEEDS = 100_000


@dataclass(frozen=True)
class SeedPlan:
    """The smallest n per method reaching ``power``; ``achieved`` = power at n,
    ``previous`` = power at n − 1 (below the target; NaN for n = 2). ``n`` is None when not
    reachable below ``max_seeds`` (e.g. Δ = 0)."""

    n: int | None
    achieved: float
    previous: float
    alpha: float
    power: float
    effect_size: float
    test: str

    def to_json(self) -> dict:
        return dict(seeds_per_method=self.n, achieved_power=self.achieved,
                    power_at_one_fewer=None if math.isnan(self.previous) else self.previous,
                    alpha=self.alpha, target_power=self.power, effect_size=self.effect_size,
                    test=self.test)


def _check(sd: float, alpha: float, power: float) -> None:
    if not (math.isfinite(sd) and sd > 0):
        raise ValueError(f"sd must be a positive number, got {sd}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    if not 0 < power < 1:
        raise ValueError(f"power must lie in (0, 1), got {power}")


def t_test_power(delta: float, sd: float, n: int, alpha: float = 0.05) -> float:
    """Exact power of the two-sided two-sample t-test with ``n`` runs per method.

    Args:
        delta: true difference of the means; sd: common standard deviation of one run;
        n: runs per method (>= 2); alpha: two-sided level.
    """
    if n < MIN_SEEDS:
        raise ValueError(f"need at least {MIN_SEEDS} runs per method, got {n}")
    df = 2 * n - 2
    ncp = abs(delta) / (sd * math.sqrt(2.0 / n))
    crit = float(_st.t.ppf(1.0 - alpha / 2.0, df))
    upper = float(_st.nct.sf(crit, df, ncp))
    lower = float(_st.nct.cdf(-crit, df, ncp))
    if not math.isfinite(lower):  # scipy gives NaN far in the tail (large λ): the term is ~0
        lower = 0.0
    return min(1.0, upper + lower)


def _one_sided_power(shift: float, sd: float, n: int, alpha: float) -> float:
    """P(t > t_{1-α}) of a one-sided two-sample t-test when the true shift is ``shift``."""
    df = 2 * n - 2
    ncp = shift / (sd * math.sqrt(2.0 / n))
    return float(_st.nct.sf(float(_st.t.ppf(1.0 - alpha, df)), df, ncp))


def tost_power(delta: float, sd: float, n: int, margin: float, alpha: float = 0.05) -> float:
    """Lower bound of the power of TOST for |Δ| < ``margin`` when the true difference is
    ``delta``: P(reject Δ <= −m) + P(reject Δ >= m) − 1, clipped at 0."""
    if n < MIN_SEEDS:
        raise ValueError(f"need at least {MIN_SEEDS} runs per method, got {n}")
    low = _one_sided_power(delta + margin, sd, n, alpha)
    high = _one_sided_power(margin - delta, sd, n, alpha)
    return max(0.0, low + high - 1.0)


def _search(power_at, target: float, max_seeds: int) -> tuple[int | None, float, float]:
    """Smallest n in [2, max_seeds] with power_at(n) >= target (power increases with n):
    doubling, then bisection (n stays near the crossing, where scipy is accurate)."""
    lo, hi = MIN_SEEDS, MIN_SEEDS
    while power_at(hi) < target:
        if hi >= max_seeds:
            return None, power_at(hi), math.nan
        lo, hi = hi + 1, min(2 * hi, max_seeds)
    while lo < hi:  # bisection: power is monotone in n
        mid = (lo + hi) // 2
        if power_at(mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo, power_at(lo), power_at(lo - 1) if lo > MIN_SEEDS else math.nan


def seeds_per_method(sd: float, delta: float, alpha: float = 0.05, power: float = 0.8,
                     max_seeds: int = MAX_SEEDS) -> SeedPlan:
    """Seeds per method for the two-sided two-sample t-test to detect ``delta`` at ``sd``.

    Known values (α = 0.05, power 0.8): Δ/σ = 0.5 -> 64, 0.8 -> 26, 1.0 -> 17.
    """
    _check(sd, alpha, power)
    d = abs(delta) / sd
    if d == 0:
        return SeedPlan(None, alpha, math.nan, alpha, power, 0.0, TEST)
    n, got, prev = _search(lambda k: t_test_power(delta, sd, k, alpha), power, max_seeds)
    return SeedPlan(n, got, prev, alpha, power, d, TEST)


def seeds_for_equivalence(sd: float, delta: float, margin: float, alpha: float = 0.05,
                          power: float = 0.8, max_seeds: int = MAX_SEEDS) -> SeedPlan:
    """Seeds per method for TOST to show |Δ| < ``margin`` when the true difference is ``delta``
    (None when |delta| >= margin: equivalence cannot be shown)."""
    _check(sd, alpha, power)
    if not margin > 0:
        raise ValueError(f"margin must be positive, got {margin}")
    d = abs(delta) / sd
    if abs(delta) >= margin:
        return SeedPlan(None, 0.0, math.nan, alpha, power, d, TOST_TEST)
    n, got, prev = _search(lambda k: tost_power(delta, sd, k, margin, alpha), power, max_seeds)
    return SeedPlan(n, got, prev, alpha, power, d, TOST_TEST)
