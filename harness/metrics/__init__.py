"""Evaluation: ActivityNet-style detection mAP (pure functions) and its mmengine metric.

``evaluate_detection`` (tables in, :class:`MAPResult` out), the file readers
``load_ground_truth`` / ``load_predictions`` and the per-class reference functions of
:mod:`harness.metrics.map_1d`. The registered ``TemporalMAPMetric`` lives in
:mod:`harness.metrics.tal_map` and is not imported here, so that ``python -m harness evaluate``
imports neither torch nor mmengine.
"""

from harness.metrics.detection import evaluate_detection
from harness.metrics.formats import (
    load_ground_truth,
    load_predictions,
    parse_tiou_thresholds,
    predictions_to_json,
    write_predictions,
)
from harness.metrics.map_1d import (
    compute_average_precision_detection,
    interpolated_prec_rec,
    segment_iou,
)
from harness.metrics.map_fast import average_precision_per_class
from harness.metrics.result import EVALUATOR_VERSION, EvaluationWarning, MAPResult, threshold_key
from harness.metrics.tables import check_thresholds

__all__ = [
    "EVALUATOR_VERSION",
    "EvaluationWarning",
    "MAPResult",
    "average_precision_per_class",
    "check_thresholds",
    "compute_average_precision_detection",
    "evaluate_detection",
    "interpolated_prec_rec",
    "load_ground_truth",
    "load_predictions",
    "parse_tiou_thresholds",
    "predictions_to_json",
    "segment_iou",
    "threshold_key",
    "write_predictions",
]
