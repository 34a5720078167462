"""Evaluator files: GT from annotation JSON, ActivityNet predictions, threshold strings."""

from __future__ import annotations

import json

import numpy as np
import pytest

from harness.errors import ConfigError, DataError
from harness.metrics import (
    EvaluationWarning,
    evaluate_detection,
    load_ground_truth,
    load_predictions,
    parse_tiou_thresholds,
    write_predictions,
)

ANN = {
    "version": "test",
    "database": {
        "v1": {"subset": "Validation", "duration": 30, "fps": 30, "annotations": [
            {"label": "run", "label_id": 2, "segment": [1, 5]},
            {"label": "jump", "label_id": 0, "segment": [9, 8]},  # inverted
            {"label": "jump", "label_id": 0, "segment": [10, 12]},
        ]},
        "v2": {"subset": "validation", "duration": 20, "annotations": [
            {"label": "run", "label_id": 2, "segment": [3, 4]},
        ]},
        "t1": {"subset": "training", "duration": 20, "annotations": [
            {"label": "swim", "label_id": 1, "segment": [0, 4]},
        ]},
    },
}


def _write(tmp_path, obj, name):
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return path


def test_load_ground_truth_subset_ids_names_and_inverted_rows(tmp_path):
    path = _write(tmp_path, ANN, "ann.json")
    with pytest.warns(EvaluationWarning, match=r"dropped 1 .*video 'v1' row 1"):
        gt = load_ground_truth(path, "validation")
    assert gt["video_id"].tolist() == ["v1", "v1", "v2"]
    assert gt["label"].tolist() == [2, 0, 2] and gt["label_name"].tolist() == ["run", "jump", "run"]
    assert gt["row"].tolist() == [0, 2, 0]
    assert gt.attrs["num_dropped_gt"] == 1 and gt.attrs["subset"] == "validation"
    pred = load_predictions(_write(tmp_path, {"results": {"v1": [
        {"label": "jump", "score": 0.9, "segment": [10, 12]},
        {"label": 2, "score": 0.8, "segment": [1, 5]},
        {"label": "swim", "score": 0.7, "segment": [1, 5]},  # no GT in this subset
    ]}}, "pred.json"))
    with pytest.warns(EvaluationWarning, match="1 predictions have labels"):
        r = evaluate_detection(gt, pred, [0.5])
    assert r.num_dropped_gt == 1 and r.ground_truth_source == str(path)
    assert r.subset == "validation" and r.class_names == {0: "jump", 2: "run"}
    assert r.ap_per_class == {0: (1.0,), 2: (0.5,)} and r.num_ignored_predictions == 1


def test_load_ground_truth_unknown_subset(tmp_path):
    with pytest.raises(DataError, match=r"no videos in subset 'test'.*training"):
        load_ground_truth(_write(tmp_path, ANN, "ann.json"), "test")


def test_load_ground_truth_without_label_ids_uses_sorted_names(tmp_path):
    ann = {"database": {"v": {"subset": "validation", "duration": 9, "annotations": [
        {"label": "b", "segment": [0, 1]}, {"label": "a", "segment": [2, 3]}]}}}
    gt = load_ground_truth(_write(tmp_path, ann, "ann.json"))
    assert gt["label"].tolist() == [1, 0]


def test_load_predictions_ids_keep_int_dtype_and_order(tmp_path):
    pred = load_predictions(_write(tmp_path, {"results": {
        "b": [{"label": 1, "score": 0.5, "segment": [0, 1]}, {"label": 3.0, "score": 0.7, "segment": [2, 2]}],
        "a": [{"label": 0, "score": 0.1, "segment": [0, 4]}]}}, "p.json"))
    assert pred["video_id"].tolist() == ["b", "b", "a"] and pred["row"].tolist() == [0, 1, 0]
    assert pred["label"].dtype == np.int64 and pred["label"].tolist() == [1, 3, 0]


@pytest.mark.parametrize("text,needle", [
    ("{oops", "malformed JSON"),
    ('{"database": {}}', "'results' object"),
    ('{"results": {"v": {}}}', "video 'v': detections must be a list"),
    ('{"results": {"v": [{"label": 1, "score": 1, "segment": [1]}]}}', "video 'v' row 0: 'segment'"),
    ('{"results": {"v": [{"label": 1, "score": 1, "segment": [0, 1]}, {"label": 1, "score": 1, "segment": [2, 1]}]}}',
     r"video 'v' row 1: end 1\.0 < start 2\.0"),
    ('{"results": {"v": [{"label": 1, "score": NaN, "segment": [0, 1]}]}}', "score is not finite"),
    ('{"results": {"v": [{"label": 1, "score": 1, "segment": [0, Infinity]}]}}', "end is not finite"),
    ('{"results": {"v": [{"label": 1.5, "score": 1, "segment": [0, 1]}]}}', "label must be"),
    ('{"results": {"v": [{"label": true, "score": 1, "segment": [0, 1]}]}}', "label must be"),
    ('{"results": {"v": [{"label": 1, "score": "high", "segment": [0, 1]}]}}', "score is not a number"),
])
def test_load_predictions_bad_files_name_the_file(tmp_path, text, needle):
    path = _write(tmp_path, text, "bad.json")
    with pytest.raises(DataError, match=needle) as info:
        load_predictions(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_load_predictions_missing_file(tmp_path):
    with pytest.raises(DataError, match="predictions file not found"):
        load_predictions(tmp_path / "nope.json")


def test_write_predictions_round_trip(tmp_path):
    pred = load_predictions(_write(tmp_path, {"results": {"v": [
        {"label": 2, "score": 0.25, "segment": [0.5, 1.5]}, {"label": 0, "score": 0.75, "segment": [3, 3]}]}},
        "p.json"))
    out = write_predictions(tmp_path / "sub" / "out.json", pred)
    again = load_predictions(out)
    assert again.equals(pred)


def test_parse_tiou_thresholds_exact_linspace_values():
    assert parse_tiou_thresholds("0.3:0.1:0.7") == tuple(np.linspace(0.3, 0.7, 5).tolist())
    assert parse_tiou_thresholds("0.3:0.1:0.7")[1] == 0.39999999999999997
    assert parse_tiou_thresholds("0.5:0.05:0.95") == tuple(np.linspace(0.5, 0.95, 10).tolist())
    assert parse_tiou_thresholds("0.1:0.1:0.9")[-1] == np.linspace(0.1, 0.9, 9)[-1]
    assert parse_tiou_thresholds("0.3, 0.5,0.7") == (0.3, 0.5, 0.7)
    assert parse_tiou_thresholds("0.5") == (0.5,)


@pytest.mark.parametrize("text", ["0.3:0.15:0.7", "0.7:0.1:0.3", "0.3:0:0.7", "a:b:c", "0.3:0.7", "x"])
def test_parse_tiou_thresholds_rejects(text):
    with pytest.raises(ConfigError):
        parse_tiou_thresholds(text)


def _random_results(rng, labels):
    out = {}
    for v in range(30):
        dets = []
        for _ in range(int(rng.integers(0, 8))):
            s = float(rng.uniform(0, 100))
            seg = [s, s + float(rng.uniform(0, 5))] if rng.random() < 0.9 else [int(s), int(s) + 1]
            score = float(rng.random()) if rng.random() < 0.9 else 1
            dets.append({"label": labels[int(rng.integers(len(labels)))], "score": score, "segment": seg})
        out[f"video_{v}"] = dets
    return out


@pytest.mark.parametrize("labels", [[0, 3, 7], ["Jump", "Run"]])
def test_fast_columns_equal_the_checked_table(labels, tmp_path):
    """The loop-free reading of a clean file gives exactly the checked loop's table."""

    import pandas as pd

    from harness.metrics.formats import _checked_table, _columns_of_clean_file

    results = _random_results(np.random.default_rng(0), labels)
    fast = _columns_of_clean_file(results)
    assert fast is not None
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"results": results}))
    pd.testing.assert_frame_equal(load_predictions(path), _checked_table(results, path))


@pytest.mark.parametrize("bad", [
    {"v": [{"label": 1, "score": True, "segment": [0, 1]}]},
    {"v": [{"label": 1.0, "score": 0.5, "segment": [0, 1]}]},
    {"v": [{"label": 1, "score": 0.5, "segment": [0, 1, 2]}]},
    {"v": [{"label": 1, "score": 0.5, "segment": ["0", 1]}]},
    {"v": [{"label": 1, "score": 0.5, "segment": [2, 1]}]},
    {"v": [{"label": 1, "segment": [0, 1]}]},
    {"v": [[1, 0.5, [0, 1]]]},
    {"v": {"label": 1}},
    {"v": [{"label": 1, "score": 0.5, "segment": [0, 1]}], "w": [{"label": "a", "score": 1, "segment": [0, 1]}]},
])
def test_anything_unusual_goes_through_the_checks(bad):
    from harness.metrics.formats import _columns_of_clean_file

    assert _columns_of_clean_file(bad) is None
