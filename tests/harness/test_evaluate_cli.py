"""``python -m harness evaluate``: JSON output, table output, options and errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from harness.cli import main
from harness.metrics import evaluate_detection, load_ground_truth, load_predictions

ANN = {"database": {
    "v1": {"subset": "validation", "duration": 30, "annotations": [
        {"label": "a", "label_id": 0, "segment": [1.0, 5.0]},
        {"label": "a", "label_id": 0, "segment": [1.0, 5.0]},  # duplicate
        {"label": "b", "label_id": 1, "segment": [10.0, 12.0]}]},
    "v2": {"subset": "validation", "duration": 30, "annotations": [
        {"label": "a", "label_id": 0, "segment": [3.0, 9.0]}]},
}}
PRED = {"results": {
    "v1": [{"label": 0, "score": 0.9, "segment": [1.0, 5.5]}, {"label": "b", "score": 0.6, "segment": [10.5, 12]},
           {"label": 0, "score": 0.8, "segment": [1.2, 4.0]}],
    "v2": [{"label": 0, "score": 0.7, "segment": [2.0, 8.0]}],
}}


@pytest.fixture()
def files(tmp_path):
    gt, pred = tmp_path / "gt.json", tmp_path / "pred.json"
    gt.write_text(json.dumps(ANN))
    pred.write_text(json.dumps(PRED))
    return str(gt), str(pred)


def _run_json(capsys, *argv):
    assert main(["evaluate", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_output(files, capsys):
    gt, pred = files
    out = _run_json(capsys, "--ground-truth", gt, "--predictions", pred)
    assert list(out)[:4] == ["tiou", "mAP", "average_mAP", "ap_per_class"]
    assert out["tiou"] == np.linspace(0.3, 0.7, 5).tolist() and out["tiou"][1] == 0.39999999999999997
    expected = evaluate_detection(load_ground_truth(gt, "validation"), load_predictions(pred),
                                  np.linspace(0.3, 0.7, 5))
    assert out["mAP"] == list(expected.mAP) and out["average_mAP"] == expected.average_mAP
    assert out["ap_per_class"] == {str(k): list(v) for k, v in expected.ap_per_class.items()}
    assert out["counts"]["duplicate_gt"] == 1


def test_options_tiou_dedup_and_exclusion(files, capsys):
    gt, pred = files
    out = _run_json(capsys, "--ground-truth", gt, "--predictions", pred, "--tiou", "0.5,0.7")
    assert out["tiou"] == [0.5, 0.7]
    # class 0 at 0.7: TP (IoU 4/4.5), FP (IoU 2.8/4 after dedup), TP (IoU 5/7) over 2 GT
    assert out["ap_per_class"]["0"][1] == pytest.approx(0.5 + 0.5 * 2 / 3)
    kept = _run_json(capsys, "--ground-truth", gt, "--predictions", pred, "--tiou", "0.5,0.7",
                     "--no-gt-dedup")
    # at 0.5 the second prediction takes the duplicate GT: TP, TP, TP over 3 GT
    assert out["ap_per_class"]["0"][0] == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert kept["counts"]["duplicate_gt"] == 0 and kept["ap_per_class"]["0"][0] == 1.0
    excl = _run_json(capsys, "--ground-truth", gt, "--predictions", pred, "--exclude-videos", "v2")
    assert excl["options"]["excluded_videos"] == ["v2"] and excl["counts"]["excluded_predictions"] == 1
    ref = _run_json(capsys, "--ground-truth", gt, "--predictions", pred, "--reference")
    assert ref["ap_per_class"] == _run_json(capsys, "--ground-truth", gt, "--predictions", pred)["ap_per_class"]


def test_table_output_in_percent(files, capsys):
    gt, pred = files
    assert main(["evaluate", "--ground-truth", gt, "--predictions", pred, "--per-class"]) == 0
    out = capsys.readouterr().out
    expected = evaluate_detection(load_ground_truth(gt, "validation"), load_predictions(pred),
                                  np.linspace(0.3, 0.7, 5))
    assert "0.40" in out and "average" in out and f"{100 * expected.average_mAP:.2f}" in out
    assert "AP per class" in out and "0 a" in out


def test_errors_exit_2_with_one_line(files, tmp_path, capsys):
    gt, _ = files
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"results": {"v1": [{"label": 0, "score": 1, "segment": [5, 1]}]}}))
    assert main(["evaluate", "--ground-truth", gt, "--predictions", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "bad.json" in err and "row 0" in err
    assert main(["evaluate", "--ground-truth", gt, "--predictions", str(bad), "--tiou", "0.3:0.15:0.7"]) == 2
    assert "tIoU range" in capsys.readouterr().err


def test_warnings_go_to_stderr(files, tmp_path, capsys):
    gt, _ = files
    pred = tmp_path / "p.json"
    pred.write_text(json.dumps({"results": {"v1": [{"label": 5, "score": 1, "segment": [1, 5]}]}}))
    out = _run_json(capsys, "--ground-truth", gt, "--predictions", str(pred))
    assert out["counts"]["ignored_predictions"] == 1
    assert main(["evaluate", "--ground-truth", gt, "--predictions", str(pred), "--json"]) == 0
    captured = capsys.readouterr()
    assert "warning: predictions: 1 predictions have labels" in captured.err
    json.loads(captured.out)  # stdout stays pure JSON


def _error(capsys, *argv):
    assert main(["evaluate", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    return err


def test_duplicate_video_key_in_predictions_is_an_error(files, tmp_path, capsys):
    """The last duplicate once won silently (98.01 instead of 100)."""
    gt, _ = files
    pred = tmp_path / "dup.json"
    pred.write_text('{"results": {"v2": [{"label": 0, "score": 0.7, "segment": [3.0, 9.0]}], '
                    '"v2": [{"label": 0, "score": 0.7, "segment": [0.0, 1.0]}]}}')
    err = _error(capsys, "--ground-truth", gt, "--predictions", str(pred))
    assert "dup.json" in err and "duplicate key 'v2'" in err


def test_duplicate_key_in_annotations_is_an_error(files, tmp_path, capsys):
    _, pred = files
    gt = tmp_path / "gt_dup.json"
    gt.write_text('{"database": {"v1": {"subset": "validation", "annotations": []}, '
                  '"v1": {"subset": "validation", "annotations": []}}}')
    assert "duplicate key 'v1'" in _error(capsys, "--ground-truth", str(gt), "--predictions", pred)


def test_subset_without_predicted_videos_is_an_error(files, tmp_path, capsys):
    _, pred = files
    ann = json.loads(json.dumps(ANN))
    ann["database"]["v3"] = {"subset": "test", "duration": 9, "annotations": [
        {"label": "a", "label_id": 0, "segment": [1.0, 2.0]}]}
    gt = tmp_path / "gt3.json"
    gt.write_text(json.dumps(ann))
    err = _error(capsys, "--ground-truth", str(gt), "--predictions", pred, "--subset", "test")
    assert "none of its 2 videos belongs to subset 'test'" in err


def test_empty_results_is_an_error(files, tmp_path, capsys):
    gt, _ = files
    pred = tmp_path / "empty.json"
    pred.write_text('{"results": {}}')
    assert "holds no detections" in _error(capsys, "--ground-truth", gt, "--predictions", str(pred))


def test_predictions_on_unknown_videos_are_counted_and_warned(files, tmp_path, capsys):
    gt, _ = files
    pred = tmp_path / "extra.json"
    extra = json.loads(json.dumps(PRED))
    extra["results"]["ghost"] = [{"label": 0, "score": 0.95, "segment": [1.0, 5.0]}] * 2
    pred.write_text(json.dumps(extra))
    assert main(["evaluate", "--ground-truth", gt, "--predictions", str(pred), "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["counts"]["predictions_without_gt_video"] == 2
    assert "2 predictions on 1 videos without ground truth" in captured.err and "'ghost'" in captured.err
    # the official rule is kept: they are false positives, so the score drops
    base = evaluate_detection(load_ground_truth(gt, "validation"), load_predictions(files[1]),
                              np.linspace(0.3, 0.7, 5))
    assert out["average_mAP"] < base.average_mAP
