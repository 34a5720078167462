"""Exact t-test power and seed planning, checked against independent computations:
textbook values, a direct numerical integration over the sample sd, and a Monte Carlo
simulation of the test itself."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import integrate
from scipy import stats as st

from harness.core.power import (
    seeds_for_equivalence,
    seeds_per_method,
    t_test_power,
    tost_power,
)


def _power_by_integration(delta: float, sd: float, n: int, alpha: float) -> float:
    """P(|t| > c) with t = (Z + λ)/√(V/df), V ~ χ²(df): integrate the normal tails over V."""
    df = 2 * n - 2
    lam = delta / (sd * math.sqrt(2.0 / n))
    c = st.t.ppf(1 - alpha / 2, df)

    def f(v: float) -> float:
        s = c * math.sqrt(v / df)
        return st.chi2.pdf(v, df) * (st.norm.sf(s - lam) + st.norm.cdf(-s - lam))

    return integrate.quad(f, 0, np.inf, limit=200)[0]


def _power_by_simulation(delta: float, sd: float, n: int, alpha: float, reps: int,
                         seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    a = rng.normal(delta, sd, size=(reps, n))
    b = rng.normal(0.0, sd, size=(reps, n))
    p = st.ttest_ind(a, b, axis=1, equal_var=True).pvalue
    return float((p < alpha).mean())


@pytest.mark.parametrize("d, n_expected", [(0.2, 394), (0.5, 64), (0.8, 26), (1.0, 17)])
def test_textbook_sample_sizes(d, n_expected):
    # Cohen (1988) Table 2.4.1 / G*Power, alpha 0.05 two-sided, power 0.8 (Cohen lists 393
    # for d = 0.2 from the normal approximation; the exact t needs 394)
    plan = seeds_per_method(sd=1.0, delta=d)
    assert plan.n == n_expected
    assert plan.achieved >= 0.8 > plan.previous


@pytest.mark.parametrize("delta, sd, n, alpha", [(1.0, 1.0, 3, 0.05), (2.5, 1.7, 5, 0.05),
                                                 (0.5, 1.0, 40, 0.01), (-3.0, 2.0, 2, 0.1)])
def test_power_matches_direct_integration(delta, sd, n, alpha):
    assert t_test_power(delta, sd, n, alpha) == pytest.approx(
        _power_by_integration(abs(delta), sd, n, alpha), abs=1e-7)


def test_power_matches_simulation_and_beats_normal_approximation():
    # seed sweeps are small: n = 4, d = 2: exact 0.657, the normal approximation says 0.807
    for n, d in ((4, 2.0), (17, 1.0)):
        exact = t_test_power(d, 1.0, n)
        sim = _power_by_simulation(d, 1.0, n, 0.05, reps=40_000)
        assert abs(sim - exact) < 4 * math.sqrt(exact * (1 - exact) / 40_000)
    normal = st.norm.sf(1.96 - 2.0 / math.sqrt(2 / 4))
    assert normal - _power_by_simulation(2.0, 1.0, 4, 0.05, reps=40_000) > 0.1


def test_power_at_zero_difference_is_alpha_and_large_n_is_one():
    assert t_test_power(0.0, 1.0, 5, 0.05) == pytest.approx(0.05, abs=1e-9)
    assert t_test_power(1.0, 1.0, 3000) == pytest.approx(1.0)  # no NaN far in the tail


def test_unreachable_and_bad_inputs():
    assert seeds_per_method(1.0, 0.0).n is None
    assert seeds_per_method(1.0, 0.01, max_seeds=100).n is None
    for kwargs in (dict(sd=0.0, delta=1.0), dict(sd=1.0, delta=1.0, alpha=1.5),
                   dict(sd=1.0, delta=1.0, power=1.0)):
        with pytest.raises(ValueError):
            seeds_per_method(**kwargs)


def test_tost_power_by_simulation_is_a_lower_bound():
    n, margin, sd = 12, 1.0, 1.0
    bound = tost_power(0.2, sd, n, margin)
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.2, sd, (20_000, n)), rng.normal(0.0, sd, (20_000, n))
    diff = a.mean(1) - b.mean(1)
    se = np.sqrt((a.var(1, ddof=1) + b.var(1, ddof=1)) / n)
    t = st.t.ppf(0.95, 2 * n - 2)
    sim = float(((diff - t * se > -margin) & (diff + t * se < margin)).mean())
    assert bound <= sim + 0.01 and bound > sim - 0.05
    plan = seeds_for_equivalence(sd, 0.0, margin)
    assert plan.n is not None and plan.achieved >= 0.8
    assert seeds_for_equivalence(sd, 1.5, margin).n is None


def test_plan_seeds_command(capsys):
    from harness.cli import main

    assert main(["plan-seeds", "--sd", "2", "--delta", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["seeds_per_method"] == 64 and out["alpha"] == 0.05 and out["target_power"] == 0.8
    assert main(["plan-seeds", "--sd", "1", "--delta", "1", "--alpha", "0.01", "--power",
                 "0.9", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["seeds_per_method"] == 32  # G*Power: d = 1, alpha 0.01, power 0.9 -> 32
    assert main(["plan-seeds", "--sd", "1", "--delta", "1"]) == 0
    assert "17 seeds per method" in capsys.readouterr().out
    assert main(["plan-seeds", "--sd", "-1", "--delta", "1"]) == 2
    assert "sd must be a positive number" in capsys.readouterr().err
