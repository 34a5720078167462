"""THUMOS14 in its real formats: check-data, the quirks, one training step and the evaluation.

Leaves: ``tridet/thumos14_i3d`` (I3D ``.npy``) and ``actionformer/thumos14_internvideo2_6b``
(InternVideo2-6B ``<id>_spatial_feature.pt``, float16). Test set variants: 212 videos
(``thumos14-test-<n>``) and OpenTAD's without ``video_test_0000270``.
"""

from __future__ import annotations

import numpy as np
import pytest
from real_e2e import (
    assert_check_data_clean,
    assert_problems_reported,
    assert_result,
    build_dataset,
    leaf,
    train_one_step,
)
from real_fixtures import THUMOS_CLASSES, write_thumos14

from harness.metrics import load_predictions
from harness.metrics.tal_map import TemporalMAPMetric

I3D = leaf("tridet/thumos14_i3d")
IV2 = leaf("actionformer/thumos14_internvideo2_6b")
THRESHOLDS = np.linspace(0.3, 0.7, 5)
CLIFF, DIVING = THUMOS_CLASSES.index("CliffDiving"), THUMOS_CLASSES.index("Diving")
# an untrained model predicts classes absent from the tiny test split: expected, counted
pytestmark = pytest.mark.filterwarnings("ignore::harness.metrics.EvaluationWarning")


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


def test_check_data_clean_then_injected_problems(tmp_path, capsys):
    rr = write_thumos14(tmp_path / "data")
    out = " ".join(assert_check_data_clean(I3D, rr.root, capsys, "thumos14-test-4").split())
    # the public file's out-of-range GT: reported with the videos, not errors
    assert "video_test_0000270 (2)" in out and "video_validation_0000364 (1)" in out
    assert_problems_reported(I3D, rr, capsys, missing="video_test_0000293",
                             short="video_validation_0000051", past_end="video_validation_0000856")


def test_internvideo2_pt_files_check_clean(tmp_path, capsys):
    rr = write_thumos14(tmp_path / "data", "internvideo2_6b")
    assert rr.feature_file("video_test_0000004").name == "video_test_0000004_spatial_feature.pt"
    assert_check_data_clean(IV2, rr.root, capsys, "thumos14-test-4")


def test_quirks_per_video_fps_and_cliffdiving_diving(tmp_path):
    write_thumos14(tmp_path / "data")
    ds = build_dataset(I3D, tmp_path / "data", "test_dataloader")
    items = {it["video_id"]: it for it in (ds[i] for i in range(len(ds)))}
    assert {v: it["fps"] for v, it in items.items()}["video_test_0000293"] == 29.97
    assert items["video_test_0001496"]["fps"] == 25.0
    # every CliffDiving GT is also a Diving GT with the identical interval: both kept
    it = items["video_test_0000293"]
    labels, segs = it["labels"].tolist(), it["segments"]
    assert labels.count(CLIFF) == 1 and labels.count(DIVING) == 1
    assert segs[labels.index(CLIFF)].tolist() == segs[labels.index(DIVING)].tolist()
    # video_test_0000270: the two GT starting after its end are dropped, the valid one kept
    assert len(items["video_test_0000270"]["labels"]) == 1
    assert items["video_test_0000004"]["feats"].shape == (2048, 87)  # (12 s·30 − 16)//4 + 1


@pytest.mark.slow  # a training run (about a second of CPU)
def test_one_training_step_and_both_test_sets(tmp_path):
    write_thumos14(tmp_path / "data")
    preds = tmp_path / "predictions.json"
    _, outcome, loss = train_one_step(
        I3D, tmp_path / "data", tmp_path / "work", batch_size=4,
        overrides={"test_evaluator.predictions_out": str(preds)})
    assert np.isfinite(loss)
    assert_result(outcome, THRESHOLDS, "thumos14-test-4")
    res = outcome.result
    assert res.num_duplicate_gt == 0 and {CLIFF, DIVING} <= set(res.classes_in_mean)
    # the same predictions under OpenTAD's protocol: the result names the other video set
    table = load_predictions(preds)
    gt_file = tmp_path / "data/thumos14/annotations/thumos14.json"
    results = []
    for exclude in ((), ("video_test_0000270",)):
        metric = TemporalMAPMetric(ann_file=str(gt_file), subset="test", tiou_thresholds=THRESHOLDS,
                                   exclude_videos=exclude)
        metric.process({}, [{"video_id": v, "segments": g[["t_start", "t_end"]].to_numpy(),
                             "scores": g["score"].to_numpy(), "labels": g["label"].to_numpy()}
                            for v, g in table.groupby("video_id", sort=False)])
        metric.compute_metrics(metric.results)
        results.append(metric.last_result)
    full, dropped = results
    assert full.mAP == res.mAP and full.video_set == "thumos14-test-4"
    assert dropped.video_set == "thumos14-test-3" and dropped.num_videos == 3
    assert dropped.num_excluded_gt == 3 and dropped.num_gt == full.num_gt - 3
    assert dropped.to_json()["video_set"] == "thumos14-test-3"


@pytest.mark.slow  # a training run (about a second of CPU)
def test_one_training_step_actionformer_on_pt_features(tmp_path):
    write_thumos14(tmp_path / "data", "internvideo2_6b")
    _, outcome, loss = train_one_step(IV2, tmp_path / "data", tmp_path / "work", batch_size=4)
    assert np.isfinite(loss)
    assert_result(outcome, THRESHOLDS, "thumos14-test-4")
