"""Claims: Holm adjustment, evidence and verdicts, seeds needed, the summary line."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as st

from harness.core.claims import (
    BEATS,
    CONTRADICTED,
    MATCHES,
    SUPPORTED,
    UNRESOLVED,
    Claim,
    decide,
    evaluate,
    holm,
    summarize,
)


def _claim(table=1, kind=BEATS, metric="avg", margin=None, b="B"):
    return Claim(table=table, kind=kind, a="A", b=b, a_label="A", b_label=b, metric=metric,
                 statement="A beats B", margin=margin)


def test_holm_by_hand():
    # sorted 0.01, 0.02, 0.03, 0.5 -> 0.04, 0.06, 0.06 (monotone), 0.5
    assert holm([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.06, 0.5, 0.04, 0.06])
    out = holm([0.2, math.nan, 0.01])
    assert math.isnan(out[1]) and out == pytest.approx([0.2, out[1], 0.02], nan_ok=True)
    assert holm([0.9, 0.8]) == [1.0, 1.0]  # 2 × 0.8 capped at 1, then monotone
    assert holm([0.04, 0.3]) == pytest.approx([0.08, 0.3])


def test_evaluate_matches_welch():
    a, b = [50.0, 52.0, 51.0], [45.0, 47.5, 46.0]
    r = evaluate(_claim(), a, b, seeds="0,1,2")
    ref = st.ttest_ind(a, b, equal_var=False)
    assert r.p_value == pytest.approx(ref.pvalue)
    assert r.delta == pytest.approx(np.mean(a) - np.mean(b))
    ci = ref.confidence_interval(0.95)
    assert (r.low, r.high) == pytest.approx((ci.low, ci.high))
    assert r.sd == pytest.approx(math.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2))


def test_verdicts_within_a_family():
    strong = evaluate(_claim(b="B1"), [60, 61, 60.5], [50, 50.5, 51])      # A clearly better
    worse = evaluate(_claim(b="B2"), [50, 50.5, 51], [60, 61, 60.5])       # A clearly worse
    noisy = evaluate(_claim(b="B3"), [50, 58, 42], [49, 52, 47])           # undecided
    out = decide([strong, worse, noisy])
    assert [r.verdict for r in out] == [SUPPORTED, CONTRADICTED, UNRESOLVED]
    assert all(r.family_size == 3 for r in out)
    assert out[0].p_holm == pytest.approx(min(1, 3 * min(strong.p_value, worse.p_value)))
    assert out[0].seeds_needed is None and out[2].seeds_needed is not None
    # seeds planned at alpha / 3 at the observed spread, and they do resolve it there
    from harness.core.power import t_test_power
    n = out[2].seeds_needed
    assert t_test_power(noisy.delta, noisy.sd, n, 0.05 / 3) >= 0.8
    assert t_test_power(noisy.delta, noisy.sd, n - 1, 0.05 / 3) < 0.8


def test_holm_family_is_the_table():
    a = evaluate(_claim(table=1), [60, 61, 60.5], [59.0, 60.2, 59.8])
    many = [evaluate(_claim(table=2, b=f"B{i}"), [60, 61, 60.5], [59.0, 60.2, 59.8])
            for i in range(20)]
    out = decide([a, *many])
    assert out[0].family_size == 1 and out[1].family_size == 20
    assert out[1].p_holm == pytest.approx(min(1.0, 20 * a.p_value))


def test_non_inferiority_claims():
    close = evaluate(_claim(kind=MATCHES, margin=1.0), [50.0, 50.1, 49.9, 50.05],
                     [50.1, 50.0, 49.95, 50.0])
    better = evaluate(_claim(kind=MATCHES, margin=1.0, b="C"), [55.0, 55.1, 54.9], [50, 50.1, 49.9])
    worse = evaluate(_claim(kind=MATCHES, margin=1.0, b="D"), [45.0, 45.1, 44.9], [50, 50.1, 49.9])
    out = decide([close, better, worse])
    assert [r.verdict for r in out] == [SUPPORTED, SUPPORTED, CONTRADICTED]
    # the p-value is the one-sided Welch test of H0: delta <= -margin
    a, b = np.array([50.0, 50.1, 49.9, 50.05]), np.array([50.1, 50.0, 49.95, 50.0])
    ref = st.ttest_ind(a + 1.0, b, equal_var=False, alternative="greater").pvalue
    assert close.p_value == pytest.approx(ref)
    noisy = decide([evaluate(_claim(kind=MATCHES, margin=1.0), [50, 53, 47], [51, 49, 50])])[0]
    assert noisy.verdict == UNRESOLVED and noisy.seeds_needed is not None


def test_too_few_runs_and_summary_line():
    one = evaluate(_claim(b="X"), [50.0], [49.0])
    assert math.isnan(one.p_value) and one.n == 1
    out = decide([one, evaluate(_claim(b="Y"), [60, 61, 60.5], [50, 50.5, 51]),
                   evaluate(_claim(b="Z"), [50, 58, 42], [49, 52, 47])])
    s = summarize(out)
    assert (s.total, s.supported, s.contradicted, s.unresolved) == (3, 1, 0, 2)
    line = s.line()
    assert line.startswith("1 of 3 claims supported, 0 contradicted, 2 unresolved, seeds "
                           "needed for the rest: ")
    assert "not computable for 1" in line and f"{out[2].seeds_needed} per method" in line
