"""TemporalMAPMetric with external video-level score fusion (ActivityNet, data-and-eval.md §5)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from harness.errors import DataError
from harness.registry import METRICS

ANN = {"database": {
    "v1": {"subset": "validation", "duration": 30, "annotations": [
        {"label": "a", "label_id": 0, "segment": [1.0, 5.0]}]},
    "v2": {"subset": "validation", "duration": 30, "annotations": [
        {"label": "b", "label_id": 1, "segment": [3.0, 9.0]}]},
}}
SCORES = {"results": {"v1": [0.9, 0.1, 0.0], "v2": [0.2, 0.7, 0.1]}, "class": ["a", "b", "c"]}


def _agnostic_outputs():
    """Class-agnostic detections (label 0 everywhere), as an ANet model returns them."""
    return [
        {"video_id": "v1", "segments": torch.tensor([[1.0, 5.0], [20.0, 25.0]]),
         "scores": torch.tensor([0.8, 0.3]), "labels": torch.tensor([0, 0])},
        {"video_id": "v2", "segments": torch.tensor([[3.0, 9.0]]), "scores": torch.tensor([0.6]),
         "labels": torch.tensor([0])},
    ]


def _metric(tmp_path, **kwargs):
    ann = tmp_path / "ann.json"
    ann.write_text(json.dumps(ANN))
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps(SCORES))
    return METRICS.build(dict(type="TemporalMAPMetric", ann_file=str(ann), subset="validation",
                              tiou_thresholds=[0.5], video_scores_file=str(scores), **kwargs))


def test_fusion_relabels_class_agnostic_detections(tmp_path):
    metric = _metric(tmp_path)
    metric.process({}, _agnostic_outputs())
    fused = metric.fuse_scores(metric.results)
    # v1: top-2 classes a (0.9) then b (0.1); every detection once per class, class-major
    assert fused[0]["labels"].tolist() == [0, 0, 1, 1]
    assert np.allclose(fused[0]["scores"], np.sqrt([0.9 * 0.8, 0.9 * 0.3, 0.1 * 0.8, 0.1 * 0.3]))
    assert fused[1]["labels"].tolist() == [1, 0]
    assert metric.compute_metrics(metric.results)["average_mAP"] == pytest.approx(1.0)
    plain = METRICS.build(dict(type="TemporalMAPMetric", ann_file=str(tmp_path / "ann.json"),
                               subset="validation", tiou_thresholds=[0.5]))
    plain.process({}, _agnostic_outputs())
    assert plain.compute_metrics(plain.results)["average_mAP"] == pytest.approx(0.5)  # v2 missed


def test_fusion_options_and_missing_video(tmp_path):
    metric = _metric(tmp_path, fusion_topk_classes=1, fusion_num_pred=1,
                     fusion_combine="product")
    metric.process({}, _agnostic_outputs())
    fused = metric.fuse_scores(metric.results)
    assert fused[0]["labels"].tolist() == [0] and np.allclose(fused[0]["scores"], [0.9 * 0.8])
    metric.results.append({"video_id": "v9", "segments": np.zeros((0, 2)), "scores": np.zeros(0),
                           "labels": np.zeros(0, np.int64)})
    with pytest.raises(DataError, match="v9"):
        metric.fuse_scores(metric.results)
