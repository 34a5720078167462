"""Hand-computed checks of the AP functions and of the tie/corner-case rules (§6.4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from harness.metrics import (
    compute_average_precision_detection,
    evaluate_detection,
    interpolated_prec_rec,
    segment_iou,
)
from harness.metrics.array_ops import segment_suffix_max, stable_descending_order


def _gt(rows):
    return pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label"])


def _pred(rows):
    return pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label", "score"])


def _ap(gt_rows, pred_rows, thresholds, **kw):
    """AP of class 0 through the fast path, checked equal to the reference loop."""
    fast = evaluate_detection(_gt(gt_rows), _pred(pred_rows), thresholds, **kw)
    ref = evaluate_detection(_gt(gt_rows), _pred(pred_rows), thresholds, reference=True, **kw)
    assert fast.ap_per_class == ref.ap_per_class
    return list(fast.ap_per_class[0])


def test_segment_iou_hand_values():
    iou = segment_iou(np.array([0.0, 2.0]), np.array([[1, 3], [2, 4], [0, 2], [5, 5], [-1, 5]]))
    np.testing.assert_allclose(iou, [1 / 3, 0, 1, 0, 2 / 6])


def test_segment_iou_zero_over_zero_is_zero():
    assert segment_iou(np.array([1.0, 1.0]), np.array([[1.0, 1.0], [0.0, 2.0]])).tolist() == [0, 0]


def test_interpolated_prec_rec_hand_value():
    # TP, FP, TP with 2 GT: precision 1, 1/2, 2/3; recall 1/2, 1/2, 1
    ap = interpolated_prec_rec(np.array([1, 0.5, 2 / 3]), np.array([0.5, 0.5, 1.0]))
    assert ap == pytest.approx(0.5 * 1 + 0.5 * 2 / 3, abs=1e-15)
    # running max from the right lifts an early low precision
    ap = interpolated_prec_rec(np.array([0.0, 0.5, 2 / 3]), np.array([0.0, 0.5, 1.0]))
    assert ap == pytest.approx(0.5 * 2 / 3 + 0.5 * 2 / 3, abs=1e-15)


def test_reference_function_no_predictions_is_zero_and_empty_gt_raises():
    gt = _gt([("v", 0, 1, 0)])
    assert compute_average_precision_detection(gt, _pred([]), [0.5]).tolist() == [0.0]
    with pytest.raises(ValueError):
        compute_average_precision_detection(_gt([]), _pred([("v", 0, 1, 0, 1.0)]), [0.5])


def test_score_ties_earlier_prediction_first():
    gt = [("v", 0, 10, 0)]
    half, full = ("v", 0, 5, 0, 0.5), ("v", 0, 10, 0, 0.5)  # IoU 0.5 and 1, same score
    assert _ap(gt, [half, full], [0.7]) == [0.5]  # the FP comes first
    assert _ap(gt, [full, half], [0.7]) == [1.0]


def test_equal_iou_takes_the_later_gt_row():
    gt = [("v", 0, 4, 0), ("v", 4, 8, 0)]
    preds = [("v", 2, 6, 0, 0.9), ("v", 4.5, 8, 0, 0.8)]  # the first has IoU 1/3 with both
    # it takes GT row 1, so the second (IoU 0.875 with row 1, 0 with row 0) is an FP
    assert _ap(gt, preds, [0.3]) == [0.5]
    # with the GT rows swapped the later row is [0, 4]: [4, 8] stays free for the second
    assert _ap(gt[::-1], preds, [0.3]) == [1.0]


def test_locked_candidate_falls_back_to_next_gt_above_threshold():
    gt = [("v", 0, 10, 0), ("v", 1, 10, 0)]
    preds = [("v", 1, 10, 0, 0.9), ("v", 1, 10, 0, 0.8)]  # IoU 1 with row 1, 0.9 with row 0
    assert _ap(gt, preds, [0.5, 0.95]) == [1.0, 0.5]


def test_zero_over_zero_iou_is_zero_not_a_match():
    gt = [("v", 5, 5, 0), ("v", 0, 1, 0)]
    preds = [("v", 5, 5, 0, 1.0)]
    ap = _ap(gt, preds, [0.0, 0.1], drop_zero_length_gt=False)
    assert ap == [0.5, 0.0]  # IoU 0 >= 0 matches at θ = 0 only


def test_prediction_on_video_without_gt_of_its_class_is_fp():
    gt = [("v", 0, 10, 0), ("w", 0, 10, 1)]
    preds = [("w", 0, 10, 0, 0.9), ("x", 0, 10, 0, 0.8), ("v", 0, 10, 0, 0.7)]
    assert _ap(gt, preds, [0.5]) == [1 / 3]


def test_stable_descending_order_matches_stable_argsort():
    rng = np.random.default_rng(0)
    for n in (0, 1, 2, 17, 300):
        x = rng.integers(0, 5, n).astype(float) * 0.25 - 0.5
        x[: n // 3] = -0.0  # -0.0 and 0.0 are a tie
        assert stable_descending_order(x).tolist() == np.argsort(-x, kind="stable").tolist()


def test_segment_suffix_max_matches_naive():
    rng = np.random.default_rng(1)
    for _ in range(20):
        sizes = rng.integers(1, 40, rng.integers(1, 6))
        ends = np.repeat(np.cumsum(sizes) - 1, sizes)
        v = rng.random(sizes.sum())
        naive = [v[i : ends[i] + 1].max() for i in range(len(v))]
        assert segment_suffix_max(v, ends).tolist() == naive
