"""The harness's input rules of evaluate_detection (data-and-eval.md §6.4)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from harness.errors import ConfigError, DataError
from harness.metrics import EvaluationWarning, MAPResult, evaluate_detection

THR = [0.5]


def _gt(rows, **extra):
    gt = pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label"])
    return gt.assign(**extra)


def _pred(rows):
    return pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label", "score"])


def _quiet(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning expected
        return evaluate_detection(*args, **kw)


def test_inverted_prediction_is_an_error_naming_video_and_row():
    gt = _gt([("a", 0, 1, 0)])
    pred = _pred([("a", 0, 1, 0, 0.9), ("b", 0, 1, 0, 0.8), ("b", 3, 2, 0, 0.7)])
    with pytest.raises(DataError, match=r"video 'b' row 2: end 2\.0 < start 3\.0"):
        evaluate_detection(gt, pred, THR)
    with pytest.raises(DataError, match=r"video 'b' row 5"):  # a 'row' column is used as is
        evaluate_detection(gt, pred.assign(row=[0, 4, 5]), THR)


def test_zero_length_prediction_is_allowed():
    r = _quiet(_gt([("a", 0, 1, 0)]), _pred([("a", 0.5, 0.5, 0, 0.9), ("a", 0, 1, 0, 0.8)]), THR)
    assert r.num_predictions == 2 and r.ap_per_class[0] == (0.5,)  # FP then TP


@pytest.mark.parametrize("column,value", [("score", math.nan), ("score", math.inf),
                                          ("t_start", math.nan), ("t_end", -math.inf)])
def test_non_finite_prediction_values_are_errors(column, value):
    pred = _pred([("a", 0.0, 1.0, 0, 0.9), ("z", 0.0, 1.0, 0, 0.8)])
    pred.loc[1, column] = value
    with pytest.raises(DataError, match=rf"video 'z' row 1: {column} is not a finite number"):
        evaluate_detection(_gt([("a", 0, 1, 0)]), pred, THR)


def test_non_finite_gt_is_an_error():
    with pytest.raises(DataError, match="t_end is not a finite"):
        evaluate_detection(_gt([("a", 0, math.nan, 0)]), _pred([]), THR)


def test_inverted_gt_is_dropped_with_a_warning_and_counted():
    gt = _gt([("a", 0, 1, 0), ("b", 5, 4, 0), ("b", 0, 1, 0)])
    pred = _pred([("a", 0, 1, 0, 0.9), ("b", 4, 5, 0, 0.8)])
    with pytest.warns(EvaluationWarning, match=r"dropped 1 ground-truth .*video 'b' row 1"):
        r = evaluate_detection(gt, pred, THR)
    assert r.num_dropped_gt == 1 and r.num_gt == 2
    assert r.ap_per_class[0] == (0.5,)  # the prediction on the dropped GT is an FP


def test_unknown_labels_are_ignored_with_one_warning_and_counted():
    gt = _gt([("a", 0, 1, 0), ("a", 2, 3, 1)])
    pred = _pred([("a", 0, 1, 0, 0.9), ("a", 0, 1, 7, 0.95), ("a", 2, 3, 9, 0.99), ("a", 2, 3, 1, 0.1),
                  ("a", 2, 3, -1, 0.98)])
    with pytest.warns(EvaluationWarning, match=r"3 predictions have labels without ground truth") as rec:
        r = evaluate_detection(gt, pred, THR)
    assert len(rec) == 1
    assert r.num_ignored_predictions == 3 and r.num_predictions == 2
    assert r.mAP == (1.0,) and r.classes_in_mean == (0, 1)


def test_gt_dedup_keeps_first_and_compares_with_kept_rows_only():
    # rows 1 and 2 are within 1e-3 of row 0; row 3 is 1.6e-3 from row 0 but 0.8e-3 from
    # removed row 2: kept (greedy against kept rows); row 4 has another label: kept
    gt = _gt([("a", 10, 20, 0), ("a", 10.0005, 20.0009, 0), ("a", 10.0008, 19.9995, 0),
              ("a", 10.0016, 20, 0), ("a", 10, 20, 1), ("b", 10, 20, 0)])
    pred = _pred([("a", 10, 20, 0, 0.9)])
    r = _quiet(gt, pred, THR)
    assert r.num_duplicate_gt == 2 and r.num_gt == 4 and r.gt_dedup
    assert r.ap_per_class[0] == (1 / 3,)  # 3 GT of class 0 left, one found
    off = _quiet(gt, pred, THR, gt_dedup=False)
    assert off.num_duplicate_gt == 0 and off.num_gt == 6 and not off.gt_dedup
    assert off.ap_per_class[0] == (1 / 5,)


def test_zero_length_gt_dropped_after_dedup_unless_disabled():
    gt = _gt([("a", 3, 3, 0), ("a", 3, 3.0005, 0), ("a", 0, 1, 0)])
    pred = _pred([("a", 0, 1, 0, 0.9)])
    r = _quiet(gt, pred, THR)
    # dedup removes row 1 (close to row 0), then row 0 is dropped as zero-length
    assert (r.num_duplicate_gt, r.num_zero_length_gt, r.num_gt) == (1, 1, 1)
    assert r.ap_per_class[0] == (1.0,)
    kept = _quiet(gt, pred, THR, drop_zero_length_gt=False)
    assert (kept.num_zero_length_gt, kept.num_gt) == (0, 2) and kept.ap_per_class[0] == (0.5,)


def test_exclude_videos_removes_gt_and_predictions():
    gt = _gt([("a", 0, 1, 0), ("b", 0, 1, 0), ("b", 2, 3, 1)])
    pred = _pred([("a", 0, 1, 0, 0.9), ("b", 5, 6, 0, 0.95)])
    assert _quiet(gt, pred, THR).ap_per_class[0] == (0.25,)
    r = _quiet(gt, pred, THR, exclude_videos=["b"])
    assert r.ap_per_class == {0: (1.0,)} and r.classes_in_mean == (0,)  # class 1 had GT in b only
    assert (r.num_excluded_gt, r.num_excluded_predictions, r.excluded_videos) == (2, 1, ("b",))


def test_labels_as_names_match_gt_label_names():
    gt = _gt([("a", 0, 1, 3), ("a", 2, 3, 5)], label_name=["jump", "run"])
    pred = _pred([("a", 0, 1, "jump", 0.9), ("a", 2, 3, "run", 0.8), ("a", 2, 3, 5, 0.7)])
    r = _quiet(gt, pred, THR)
    assert r.classes_in_mean == (3, 5) and r.mAP == (1.0,)
    assert r.class_names == {3: "jump", 5: "run"}
    assert r.ap_per_class[5] == (1.0,)  # the id-labelled duplicate is an FP after a TP


def test_predictions_without_any_row_give_zero():
    r = _quiet(_gt([("a", 0, 1, 0)]), _pred([]), [0.3, 0.5])
    assert r.mAP == (0.0, 0.0) and r.average_mAP == 0.0


@pytest.mark.parametrize("thr", [[], [0.5, 1.5], [-0.1], [math.nan], ["x"]])
def test_bad_thresholds_are_config_errors(thr):
    with pytest.raises(ConfigError):
        evaluate_detection(_gt([("a", 0, 1, 0)]), _pred([]), thr)


def test_missing_columns_and_empty_gt_are_errors():
    with pytest.raises(DataError, match="missing columns"):
        evaluate_detection(_gt([("a", 0, 1, 0)]).drop(columns="label"), _pred([]), THR)
    with pytest.raises(DataError, match="no ground-truth segments"):
        evaluate_detection(_gt([]), _pred([]), THR)


def test_result_json_round_trip_and_key_order():
    gt = _gt([("a", 0, 1, 0), ("a", 2, 3, 1)], label_name=["x", "y"])
    r = _quiet(gt, _pred([("a", 0, 1, 0, 0.9)]), np.linspace(0.3, 0.7, 5))
    data = r.to_json()
    assert list(data)[:4] == ["tiou", "mAP", "average_mAP", "ap_per_class"]
    assert data["tiou"][1] == 0.39999999999999997 and set(data["ap_per_class"]) == {"0", "1"}
    assert MAPResult.from_json(data) == r
    assert list(r.metrics()) == ["mAP@0.30", "mAP@0.40", "mAP@0.50", "mAP@0.60", "mAP@0.70",
                                 "average_mAP"]
