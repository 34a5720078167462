"""The test-pass helpers (harness.evaluation) and the data description of a record."""

from __future__ import annotations

from harness.evaluation import metric_value, set_predictions_out
from harness.records import describe_data
from harness.runner import load_config

SYNTHETIC = "harness/configs/actionformer/synthetic_thumos_like.py"


def test_metric_value_finds_prefixed_names():
    assert metric_value({"test/average_mAP": 0.25, "x": 1.0}, "average_mAP") == 0.25
    assert metric_value({"average_mAP_extra": 0.5}, "average_mAP") is None


def test_set_predictions_out_only_touches_temporal_map_metrics():
    cfg = {"test_evaluator": [{"type": "TemporalMAPMetric"}, {"type": "Other"}]}
    assert set_predictions_out(cfg, "p.json")
    assert cfg["test_evaluator"] == [{"type": "TemporalMAPMetric", "predictions_out": "p.json"},
                                     {"type": "Other"}]
    assert not set_predictions_out({"test_evaluator": {"type": "Other"}}, "p.json")


def test_describe_data_of_a_synthetic_config():
    dataset, features, subset = describe_data(load_config(SYNTHETIC))
    assert dataset == "synthetic-thumos-like" and features == "mid" and subset == "validation"
