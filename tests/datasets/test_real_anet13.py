"""ActivityNet-1.3 in its real formats: ``v_<id>.npy`` TSP features, class-agnostic training,
CUHK video-level score fusion, features shorter than the annotated video, duplicated GT.

Leaves: ``tridet/anet13_tsp`` (padding to 768, TriDet's GT filter and de-duplication) and
``actionformer/anet13_tsp`` (resize to 192 bins); mAP at 0.5:0.05:0.95.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from real_e2e import (
    assert_check_data_clean,
    assert_problems_reported,
    assert_result,
    build_dataset,
    check_data,
    leaf,
    train_one_step,
)
from real_fixtures import write_anet13

from harness.metrics import load_predictions

TRIDET = leaf("tridet/anet13_tsp")
AF = leaf("actionformer/anet13_tsp")
THRESHOLDS = np.linspace(0.5, 0.95, 10)
VIDEO_SET = "anet1.3_tsp_filtered-validation-2"
pytestmark = pytest.mark.filterwarnings("ignore::harness.metrics.EvaluationWarning")


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


def test_check_data_clean_then_injected_problems(tmp_path, capsys):
    rr = write_anet13(tmp_path / "data")
    assert rr.feature_file("sJFgo9H6zNo").name == "v_sJFgo9H6zNo.npy"
    out = " ".join(assert_check_data_clean(TRIDET, rr.root, capsys, VIDEO_SET).split())
    assert "video '0AjYz-s4Rek': 33 feature steps" in out  # features stop before the video ends
    assert_problems_reported(TRIDET, rr, capsys, missing="V1zhqaGFY2A", short="-0CB8ZHzTUU",
                             past_end="sJFgo9H6zNo")


def test_score_file_problems_are_reported(tmp_path, capsys):
    rr = write_anet13(tmp_path / "data")
    path = rr.extra["scores"]
    blob = json.loads(path.read_text())
    del blob["results"]["V1zhqaGFY2A"]
    blob["class"][3], blob["class"][17] = blob["class"][17], blob["class"][3]
    path.write_text(json.dumps(blob))
    code, out = check_data(AF, rr.root, capsys, "--split", "test")
    text = " ".join(out.split())
    assert code == 1
    assert "no class scores for 1 of 2 evaluated videos" in text and "V1zhqaGFY2A" in text
    assert "class order differs from the annotation label ids at 2 of 200 positions" in text


def test_dedup_and_training_gt_filter(tmp_path):
    write_anet13(tmp_path / "data")
    ds = build_dataset(TRIDET, tmp_path / "data", crop_ratio=None)
    ids = [ds.get_data_info(i)["video_id"] for i in range(len(ds))]
    assert ds.metainfo["num_duplicates_dropped"] == 1  # '--1DO2V4K74' listed its GT twice
    assert len(ds[ids.index("--1DO2V4K74")]["labels"]) == 1
    item = ds[ids.index("0AjYz-s4Rek")]  # features cover ~35.7 s of 44 s
    assert item["feats"].shape == (512, 33) and item["labels"].tolist() == [0]  # class-agnostic
    assert len(item["segments"]) == 1  # the GT starting after the last feature is dropped
    af = build_dataset(AF, tmp_path / "data", crop_ratio=None)
    assert af[0]["feats"].shape == (512, 192)  # ActionFormer: resized to 192 bins


@pytest.mark.slow  # a training run (about a second of CPU)
@pytest.mark.parametrize("config", [TRIDET, AF], ids=["tridet", "actionformer"])
def test_one_training_step_and_fused_evaluation(config, tmp_path):
    rr = write_anet13(tmp_path / "data")
    preds = tmp_path / "predictions.json"
    _, outcome, loss = train_one_step(config, rr.root, tmp_path / "work", batch_size=3,
                                      overrides={"test_evaluator.predictions_out": str(preds)})
    assert np.isfinite(loss)
    assert_result(outcome, THRESHOLDS, VIDEO_SET)
    assert outcome.result.classes_in_mean == (3, 17, 42)
    scores = json.loads(rr.extra["scores"].read_text())["results"]
    table = load_predictions(preds)
    for vid, rows in table.groupby("video_id"):  # labels = the video's two best classes
        assert set(rows["label"]) == set(np.argsort(scores[vid])[::-1][:2].tolist())
