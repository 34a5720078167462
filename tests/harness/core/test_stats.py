"""Seed statistics (harness.core.stats) and the video-level bootstrap (harness.metrics.bootstrap)
against hand-computed values, scipy and the evaluator."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from harness.core import stats
from harness.metrics import evaluate_detection
from harness.metrics.bootstrap import (
    detection_flags,
    key_seed,
    resample_counts,
    video_bootstrap,
    weighted_map,
)

# ---------------------------------------------------------------- t-intervals (hand values)


@pytest.mark.parametrize(
    "values, t",
    [([1.0, 3.0], 12.71), ([1.0, 2.0, 6.0], 4.30), ([2.0, 4.0, 4.0, 5.0, 10.0], 2.78)],
)
def test_t_interval_matches_hand_computation(values, t):
    n = len(values)
    mean = sum(values) / n
    s = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = t * s / math.sqrt(n)
    ci = stats.t_interval(values)
    assert ci.estimate == pytest.approx(mean)
    # the printed t values are rounded to 2 decimals
    assert ci.low == pytest.approx(mean - half, abs=0.01 * s / math.sqrt(n) + 1e-9)
    assert ci.high == pytest.approx(mean + half, abs=0.01 * s / math.sqrt(n) + 1e-9)
    assert stats.t_quantile(n) == pytest.approx(t, abs=0.006)


def test_t_interval_n2_exact_numbers():
    # values 1, 3: mean 2, s = sqrt(2), half = 12.7062 * sqrt(2) / sqrt(2) = 12.7062
    ci = stats.t_interval([1.0, 3.0])
    assert (ci.low, ci.high) == pytest.approx((2 - 12.7062047, 2 + 12.7062047))


def test_prediction_interval_and_summary():
    x = [1.0, 2.0, 6.0]  # mean 3, s = sqrt(7)
    pi = stats.prediction_interval(x)
    half = 4.302652729911275 * math.sqrt(7) * math.sqrt(1 + 1 / 3)
    assert (pi.low, pi.high) == pytest.approx((3 - half, 3 + half))
    s = stats.summarize(x)
    assert (s.n, s.mean, s.std, s.minimum, s.maximum) == pytest.approx((3, 3.0, math.sqrt(7), 1.0, 6.0))
    assert s.pi.high - s.pi.low > s.ci.high - s.ci.low  # one run is less certain than the mean


def test_single_and_empty_samples_have_no_interval():
    one = stats.summarize([5.0])
    assert one.n == 1 and one.mean == 5.0 and math.isnan(one.std)
    assert not one.ci.defined and not one.pi.defined
    empty = stats.summarize([])
    assert empty.n == 0 and math.isnan(empty.mean)
    with pytest.raises(ValueError):
        stats.summarize([1.0, float("nan")])


def test_verdict_rules():
    ci = stats.Interval(70.0, 69.0, 71.0)
    assert stats.verdict(70.5, ci, 5) == "within CI"
    assert stats.verdict(68.0, ci, 5) == "above paper"  # the harness is higher
    assert stats.verdict(72.0, ci, 5) == "below paper"
    assert stats.verdict(69.0, ci, 3) == "within CI"  # bounds included
    assert stats.verdict(68.0, ci, 2) is None  # no verdict for n < 3
    assert stats.verdict(float("nan"), ci, 5) is None


# ---------------------------------------------------------------- comparisons


@pytest.mark.parametrize("a, b", [([1.0, 2.0, 3.5], [0.0, 1.0, 1.2, 3.0]),
                                  ([66.1, 66.5, 67.0, 66.2, 65.9], [65.0, 65.8, 64.9])])
def test_welch_interval_matches_scipy(a, b):
    ours = stats.welch_interval(a, b)
    ref = st.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert ours.estimate == pytest.approx(np.mean(a) - np.mean(b))
    assert (ours.low, ours.high) == pytest.approx((ref.low, ref.high), rel=1e-10)


def test_welch_degenerate_cases():
    assert stats.welch_interval([1.0, 1.0], [0.0, 0.0]) == stats.Interval(1.0, 1.0, 1.0)
    w = stats.welch_interval([1.0], [0.0, 2.0])
    assert w.estimate == 0.0 and not w.defined


def test_probability_of_improvement_hand_cases():
    assert stats.probability_of_improvement([2, 3], [1, 1]) == 1.0
    assert stats.probability_of_improvement([1, 1], [2, 3]) == 0.0
    assert stats.probability_of_improvement([1, 1], [1, 1]) == 0.5  # ties count 1/2
    # pairs (1 vs 1: 1/2), (1 vs 2: 0), (3 vs 1: 1), (3 vs 2: 1) -> 2.5 / 4
    assert stats.probability_of_improvement([1, 3], [1, 2]) == 0.625
    # two tasks averaged (rliable): task 0 -> 1.0, task 1 -> 0.0
    assert stats.probability_of_improvement([[2, 0], [3, 0]], [[1, 1], [1, 1]]) == 0.5


def test_stratified_bootstrap_is_seeded_and_brackets_the_estimate():
    a, b = [66.1, 66.5, 67.0, 66.2, 65.9], [65.0, 65.8, 66.3, 64.9, 66.0]
    one = stats.probability_of_improvement_ci(a, b, num_samples=500, random_state=3)
    two = stats.probability_of_improvement_ci(a, b, num_samples=500, random_state=3)
    other = stats.probability_of_improvement_ci(a, b, num_samples=500, random_state=4)
    assert one == two and one != other
    assert one.estimate == stats.probability_of_improvement(a, b)
    assert 0.0 <= one.low <= one.estimate <= one.high <= 1.0
    # a clearly better method: every resample says so
    sure = stats.probability_of_improvement_ci([10, 11, 12], [1, 2, 3], num_samples=200)
    assert (sure.low, sure.high) == (1.0, 1.0)


def test_seed_bootstrap_only_from_ten_runs():
    assert not stats.percentile_bootstrap_mean([1, 2, 3, 4, 5]).defined
    x = np.arange(10.0)
    boot = stats.percentile_bootstrap_mean(x, random_state=0)
    assert boot.defined and boot.low < x.mean() < boot.high
    assert boot == stats.percentile_bootstrap_mean(x, random_state=0)


# ---------------------------------------------------------------- video-level bootstrap


def _random_detection_case(seed: int, ties: bool = False):
    rng = np.random.default_rng(seed)
    gts, preds = [], []
    for v in range(25):
        for _ in range(rng.integers(0, 5)):  # some videos have no GT
            s = rng.uniform(0, 100)
            gts.append((f"v{v}", s, s + rng.uniform(1, 10), int(rng.integers(0, 4))))
        for _ in range(rng.integers(0, 30)):
            s = rng.uniform(0, 100)
            score = float(np.round(rng.uniform(), 1)) if ties else float(rng.uniform())
            preds.append((f"v{v}", s, s + rng.uniform(0.5, 12), int(rng.integers(0, 4)), score))
    gt = pd.DataFrame(gts, columns=["video_id", "t_start", "t_end", "label"])
    pred = pd.DataFrame(preds, columns=["video_id", "t_start", "t_end", "label", "score"])
    return gt, pred


THUMOS_TIOU = np.linspace(0.3, 0.7, 5)


@pytest.mark.parametrize("ties", [False, True])
def test_unit_weights_reproduce_the_evaluator(ties):
    gt, pred = _random_detection_case(1, ties)
    flags = detection_flags(gt, pred, THUMOS_TIOU)
    expected = evaluate_detection(gt, pred, THUMOS_TIOU).mAP
    assert weighted_map(flags, np.ones(len(flags.videos))) == pytest.approx(expected, abs=1e-12)


def test_weighted_replicate_equals_evaluating_the_resampled_videos():
    """A replicate = the evaluator on the drawn videos, duplicates renamed (no score ties)."""
    gt, pred = _random_detection_case(2)
    flags = detection_flags(gt, pred, THUMOS_TIOU)
    counts = resample_counts(len(flags.videos), 3, random_state=0)
    for weights in counts:
        parts_g, parts_p = [], []
        for v, m in zip(flags.videos, weights):
            for copy in range(m):
                parts_g.append(gt[gt.video_id == v].assign(video_id=f"{v}#{copy}"))
                parts_p.append(pred[pred.video_id == v].assign(video_id=f"{v}#{copy}"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = evaluate_detection(pd.concat(parts_g, ignore_index=True),
                                     pd.concat(parts_p, ignore_index=True), THUMOS_TIOU).mAP
        assert weighted_map(flags, weights) == pytest.approx(ref, abs=1e-12)


def test_resample_counts_draw_v_videos_per_replicate_and_are_seeded():
    counts = resample_counts(7, 50, random_state=1)
    assert counts.shape == (50, 7) and (counts.sum(axis=1) == 7).all()
    assert (counts == resample_counts(7, 50, random_state=1)).all()
    assert (counts != resample_counts(7, 50, random_state=2)).any()
    assert key_seed(0, "a") != key_seed(0, "b") and key_seed(0, "a") == key_seed(0, "a")


def test_video_bootstrap_is_deterministic_and_shares_resamples_across_seeds():
    gt, pred = _random_detection_case(3)
    f1 = detection_flags(gt, pred, THUMOS_TIOU)
    worse = pred.assign(score=pred.score.sample(frac=1.0, random_state=0).to_numpy())
    f2 = detection_flags(gt, worse, THUMOS_TIOU)
    counts = resample_counts(len(f1.videos), 200, random_state=0)
    a = video_bootstrap([f1, f2], counts, seed=0)
    b = video_bootstrap([f1, f2], counts, seed=0)
    assert np.array_equal(a.replicates, b.replicates)
    # the estimate is the mean over seeds of the plain evaluation; last column = average mAP
    plain = (np.array(evaluate_detection(gt, pred, THUMOS_TIOU).mAP)
             + np.array(evaluate_detection(gt, worse, THUMOS_TIOU).mAP)) / 2
    assert a.estimate[:-1] == pytest.approx(plain, abs=1e-12)
    assert a.estimate[-1] == pytest.approx(plain.mean(), abs=1e-12)
    # each replicate averages the two seeds under the same resample
    single = [video_bootstrap([f], counts).replicates for f in (f1, f2)]
    assert a.replicates == pytest.approx((single[0] + single[1]) / 2, abs=1e-12)
    low, high = a.interval()
    assert (low <= a.estimate + 1e-12).all() and (a.estimate - 1e-12 <= high).all()
    assert (high > low).any()


def test_videos_without_gt_are_resampling_units():
    gt, pred = _random_detection_case(4)
    flags = detection_flags(gt, pred, THUMOS_TIOU, videos=["empty_1", "empty_2"])
    assert {"empty_1", "empty_2"} <= set(flags.videos)
    assert flags.gt_count[list(flags.videos).index("empty_1")].sum() == 0
    assert weighted_map(flags, np.ones(len(flags.videos))) == pytest.approx(
        evaluate_detection(gt, pred, THUMOS_TIOU).mAP, abs=1e-12)
