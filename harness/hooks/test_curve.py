"""Record the evaluation metrics of every validated epoch (the CLTDR-GMG "test curve").

With ``train_cfg.record_test_curve=True`` (:class:`harness.loops.TALTrainLoop`) the EMA model
is evaluated on the validation loader, which for THUMOS-type datasets is the test split,
every epoch from ``(max_epochs - 5) // 2`` (0-based) on, as the official CLTDR-GMG
``train.py`` does to keep ``bestmodel.pth.tar``. This hook keeps those numbers: it never picks
the result (the result is the last epoch's test evaluation); a best-on-test epoch derived
from the curve is labelled as test-set selection in the run record.

The curve is written to ``<work_dir>/test_curve.json`` after every evaluation and stored in
checkpoints, so that a resumed run keeps the epochs before the interruption.
"""

from __future__ import annotations

import math
from pathlib import Path

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop

from harness.io import atomic_write_json
from harness.registry import HOOKS

CURVE_KEY = "harness_test_curve"
CURVE_FILE = "test_curve.json"


def _plain(metrics: dict) -> dict[str, float]:
    out = {}
    for key, value in metrics.items():
        try:
            value = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(value):
            out[key] = value
    return out


@HOOKS.register_module()
class TestCurveHook(Hook):
    """Keep ``[{epoch, metrics}]`` for every validation run during training.

    ``epoch`` is the number of completed training epochs (1-based, as in mmengine's
    ``epoch_<k>.pth`` names).
    """

    __test__ = False  # not a pytest test class
    priority = "LOW"

    def __init__(self) -> None:
        self.curve: list[dict] = []

    def after_val_epoch(self, runner, metrics=None) -> None:
        if not isinstance(getattr(runner, "_train_loop", None), BaseLoop) or metrics is None:
            return
        self.add_point(runner, int(runner.epoch), metrics)

    def add_point(self, runner, epoch: int, metrics: dict) -> None:
        """Record ``metrics`` as the evaluation after ``epoch`` (also used for the last
        epoch's test result when its validation was skipped, see :mod:`harness.loops`)."""
        self.curve = [p for p in self.curve if p["epoch"] != epoch]
        self.curve.append({"epoch": epoch, "metrics": _plain(metrics)})
        self.curve.sort(key=lambda p: p["epoch"])
        if is_main_process():
            atomic_write_json(Path(runner.work_dir) / CURVE_FILE, {"curve": self.curve})

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[CURVE_KEY] = [dict(p) for p in self.curve]

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if getattr(runner, "_resume", False) and CURVE_KEY in checkpoint:
            self.curve = [dict(p) for p in checkpoint[CURVE_KEY]]
