"""TemporalMAPMetric through mmengine: registry build, process + compute_metrics, Evaluator."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch

from harness.errors import DataError
from harness.metrics import evaluate_detection, load_ground_truth, load_predictions
from harness.registry import METRICS

ANN = {"database": {
    "v1": {"subset": "validation", "duration": 30, "annotations": [
        {"label": "a", "label_id": 0, "segment": [1.0, 5.0]},
        {"label": "b", "label_id": 1, "segment": [10.0, 12.0]}]},
    "v2": {"subset": "validation", "duration": 30, "annotations": [
        {"label": "a", "label_id": 0, "segment": [3.0, 9.0]}]},
    "t1": {"subset": "training", "duration": 30, "annotations": [
        {"label": "b", "label_id": 1, "segment": [0.0, 2.0]}]},
}}


def _outputs():
    """Model outputs as the detectors return them (tensors, seconds, 0-based ids)."""
    return [
        {"video_id": "v1", "segments": torch.tensor([[1.0, 5.5], [10.5, 12.0], [20.0, 22.0]]),
         "scores": torch.tensor([0.9, 0.6, 0.8]), "labels": torch.tensor([0, 1, 0])},
        {"video_id": "v2", "segments": torch.tensor([[2.0, 8.0]]), "scores": torch.tensor([0.7]),
         "labels": torch.tensor([0])},
        {"video_id": "v3", "segments": torch.zeros((0, 2)), "scores": torch.zeros(0),
         "labels": torch.zeros(0, dtype=torch.long)},
    ]


@pytest.fixture()
def ann_file(tmp_path):
    path = tmp_path / "ann.json"
    path.write_text(json.dumps(ANN))
    return path


def _build(ann_file, **kw):
    cfg = dict(type="TemporalMAPMetric", ann_file=str(ann_file), tiou_thresholds="0.3:0.1:0.7")
    return METRICS.build({**cfg, **kw})


def test_process_and_compute_metrics_match_evaluate_detection(ann_file, tmp_path):
    out_file = tmp_path / "preds" / "val.json"
    metric = _build(ann_file, predictions_out=str(out_file))
    outs = _outputs()
    metric.process({}, outs[:2])
    metric.process({}, outs[2:])
    metrics = metric.compute_metrics(metric.results)
    assert list(metrics) == ["mAP@0.30", "mAP@0.40", "mAP@0.50", "mAP@0.60", "mAP@0.70", "average_mAP"]

    # the same predictions evaluated directly
    rows = [(o["video_id"], *s, int(lab), float(sc)) for o in outs
            for s, sc, lab in zip(o["segments"].tolist(), o["scores"], o["labels"])]
    pred = pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label", "score"])
    direct = evaluate_detection(load_ground_truth(ann_file, "validation"), pred,
                                np.linspace(0.3, 0.7, 5))
    assert metrics["average_mAP"] == pytest.approx(direct.average_mAP, abs=1e-12)
    assert metric.last_result.ap_per_class == direct.ap_per_class
    assert metric.last_result.classes_in_mean == (0, 1) and metric.last_result.num_predictions == 4
    # hand value at 0.7: class 0 preds 0.9 (IoU 4/4.5 TP), 0.8 (FP), 0.7 (IoU 5/7 TP) -> 1/2 + 1/2*2/3
    assert metric.last_result.ap_per_class[0][4] == pytest.approx(0.5 + 0.5 * 2 / 3)

    dumped = load_predictions(out_file)  # written in ActivityNet format, re-readable
    assert len(dumped) == 4 and dumped["video_id"].tolist() == ["v1", "v1", "v1", "v2"]
    again = evaluate_detection(load_ground_truth(ann_file, "validation"), dumped, metric.tiou_thresholds)
    assert again.mAP == metric.last_result.mAP


def test_metric_options_reach_the_evaluator(ann_file):
    metric = _build(ann_file, tiou_thresholds=[0.5], exclude_videos=["v2"], gt_dedup=False)
    metric.process({}, _outputs())
    metric.compute_metrics(metric.results)
    r = metric.last_result
    assert r.excluded_videos == ("v2",) and r.num_excluded_gt == 1 and not r.gt_dedup
    assert r.tiou == (0.5,)


def test_malformed_model_output_is_a_data_error(ann_file):
    metric = _build(ann_file)
    bad = dict(_outputs()[0], scores=torch.tensor([0.1]))
    with pytest.raises(DataError, match="video 'v1': 3 segments, 1 scores"):
        metric.process({}, [bad])
    with pytest.raises(DataError, match="needs video_id"):
        metric.process({}, [{"video_id": "v1"}])


def test_through_mmengine_evaluator(ann_file):
    from mmengine.evaluator import Evaluator

    evaluator = Evaluator(dict(type="harness.TemporalMAPMetric", ann_file=str(ann_file),
                               tiou_thresholds=[0.3, 0.5], prefix="val"))
    evaluator.process(data_samples=_outputs(), data_batch={})
    metrics = evaluator.evaluate(3)
    assert set(metrics) == {"val/mAP@0.30", "val/mAP@0.50", "val/average_mAP"}
    assert 0 < metrics["val/average_mAP"] <= 1
