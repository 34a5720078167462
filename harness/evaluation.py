"""The test pass of a built runner: ask the metric to save predictions, run the test loop (EMA
weights swapped in by ``ModelEMAHook``), collect the metrics and the full ``MAPResult``.

Used by ``train`` (after the last epoch) and ``test`` (a checkpoint).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TestOutcome:
    """What ``runner.test()`` produced.

    Attributes:
        metrics: the evaluator's flat metrics (prefixes kept).
        result: the full ``MAPResult`` when the metric keeps one (``last_result``), else None.
    """

    __test__ = False  # not a pytest test class
    metrics: dict[str, float]
    result: Any | None


def _metric_objects(loop) -> list:
    evaluator = getattr(loop, "evaluator", None)
    return list(getattr(evaluator, "metrics", []) or [])


def run_test(runner) -> TestOutcome:
    """Run the test loop (EMA weights swapped in by ``ModelEMAHook``) and collect the result."""
    metrics = runner.test() or {}
    result = None
    for metric in _metric_objects(runner.test_loop):
        result = getattr(metric, "last_result", None) or result
    return TestOutcome(metrics={k: float(v) for k, v in metrics.items()}, result=result)


def metric_value(metrics: dict[str, float], name: str) -> float | None:
    """``metrics[name]``, also when the evaluator prefixed it (``prefix/name``)."""
    for key, value in metrics.items():
        if key == name or key.endswith("/" + name):
            return float(value)
    return None


def set_predictions_out(cfg, path: str | os.PathLike[str]) -> bool:
    """Ask a ``TemporalMAPMetric`` test evaluator to save its predictions to ``path``."""
    evaluator = cfg.get("test_evaluator")
    metrics = evaluator if isinstance(evaluator, (list, tuple)) else [evaluator]
    done = False
    for metric in metrics:
        if isinstance(metric, dict) and metric.get("type") == "TemporalMAPMetric":
            metric["predictions_out"] = str(path)
            done = True
    return done
