"""Every case of eval_cases.json (official ActivityNet evaluator) reproduced to 1e-9."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from harness.metrics import (
    average_precision_per_class,
    compute_average_precision_detection,
    evaluate_detection,
)

TOL = 1e-9


def _cases(golden):
    return json.loads((golden / "eval_cases.json").read_text())["cases"]


def _tables(case):
    gt = pd.DataFrame(case["ground_truth"], columns=["video_id", "t_start", "t_end", "label"])
    pred = pd.DataFrame(case["predictions"], columns=["video_id", "t_start", "t_end", "label", "score"])
    return gt, pred


def _check(ap_by_label: dict, mAP, average, classes, expected):
    assert [int(c) for c in classes] == expected["classes_in_mean"]
    assert set(expected["ap_per_class"]) == {str(c) for c in classes}
    for label, values in expected["ap_per_class"].items():
        np.testing.assert_allclose(ap_by_label[int(label)], values, rtol=0, atol=TOL)
    np.testing.assert_allclose(mAP, expected["mAP"], rtol=0, atol=TOL)
    assert abs(average - expected["average_mAP"]) <= TOL


CASE_NAMES = ["basic_thumos_thresholds", "anet_thresholds", "class_without_predictions"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_reference_function_per_class(golden, name):
    (case,) = [c for c in _cases(golden) if c["name"] == name]
    gt, pred = _tables(case)
    classes = sorted(gt["label"].unique())
    ap = {
        c: compute_average_precision_detection(
            gt[gt.label == c].reset_index(drop=True), pred[pred.label == c].reset_index(drop=True),
            case["tiou_thresholds"],
        )
        for c in classes
    }
    mAP = np.mean([ap[c] for c in classes], axis=0)
    _check(ap, mAP, mAP.mean(), classes, case["expected"])


@pytest.mark.parametrize("name", CASE_NAMES)
def test_fast_path(golden, name):
    (case,) = [c for c in _cases(golden) if c["name"] == name]
    gt, pred = _tables(case)
    classes = np.unique(gt["label"])
    codes, _ = pd.factorize(pd.concat([gt.video_id, pred.video_id]))
    ap = average_precision_per_class(
        codes[: len(gt)], gt[["t_start", "t_end"]].to_numpy(), np.searchsorted(classes, gt.label),
        codes[len(gt):], pred[["t_start", "t_end"]].to_numpy(), np.searchsorted(classes, pred.label),
        pred.score.to_numpy(), len(classes), np.asarray(case["tiou_thresholds"]),
    )
    mAP = ap.mean(axis=0)
    _check(dict(zip(classes.tolist(), ap)), mAP, mAP.mean(), classes, case["expected"])


@pytest.mark.parametrize("reference", [False, True])
@pytest.mark.parametrize("name", CASE_NAMES)
def test_evaluate_detection(golden, name, reference):
    (case,) = [c for c in _cases(golden) if c["name"] == name]
    gt, pred = _tables(case)
    r = evaluate_detection(gt, pred, case["tiou_thresholds"], reference=reference)
    _check(r.ap_per_class, r.mAP, r.average_mAP, r.classes_in_mean, case["expected"])
    assert r.tiou == tuple(case["tiou_thresholds"])  # used exactly as given
    assert r.num_gt == len(gt) and r.num_predictions == len(pred)
    assert r.num_ignored_predictions == r.num_duplicate_gt == r.num_dropped_gt == 0
    assert r.num_gt_videos == gt.video_id.nunique()


def test_class_without_predictions_scores_zero_and_counts(golden):
    (case,) = [c for c in _cases(golden) if c["name"] == "class_without_predictions"]
    gt, pred = _tables(case)
    r = evaluate_detection(gt, pred, case["tiou_thresholds"])
    assert 3 not in set(pred.label) and r.ap_per_class[3] == (0.0,) * 5
    assert 3 in r.classes_in_mean
    others = np.mean([r.ap_per_class[c] for c in (0, 1, 2)], axis=0)
    assert np.all(np.asarray(r.mAP) < others)  # the zero pulls the mean down
