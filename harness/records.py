"""The record of one run (``record.json``): the result, how it was obtained, and provenance.

The result is always the **last epoch's EMA model on the test split**. When the run recorded a
test curve (``train_cfg.record_test_curve``), the record keeps it beside the result, with the
best epoch on that curve labelled as test-set selection (the CLTDR-GMG ``bestmodel`` protocol);
it is never the result. All mAP values are fractions.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.core.schemas import CURVE_SELECTION, RESULT_SELECTION
from harness.io import atomic_write_json, loads_json
from harness.manifest import RunManifest

SCHEMA_VERSION = 1
STATUSES = ("ok", "failed")


@dataclass(frozen=True)
class CurvePoint:
    """Evaluation of one epoch during training (``epoch`` = completed epochs, 1-based)."""

    epoch: int
    average_mAP: float | None
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BestOnTest:
    """The best epoch of the test curve: reported separately, labelled as test-set selection."""

    epoch: int
    average_mAP: float
    selection: str = CURVE_SELECTION


def best_on_test(curve: tuple[CurvePoint, ...]) -> BestOnTest | None:
    """Highest ``average_mAP`` on the curve (earliest epoch on ties); None if no point has it."""
    points = [p for p in curve if p.average_mAP is not None]
    if not points:
        return None
    best = max(points, key=lambda p: (p.average_mAP, -p.epoch))
    return BestOnTest(epoch=best.epoch, average_mAP=float(best.average_mAP))


@dataclass(frozen=True)
class RunRecord:
    """One run = (model, config, seed) -> result and provenance.

    Attributes:
        model, config_name, config_path, config_hash: what was run (``config_name`` is
            ``<model>/<config>``; the hash excludes the seed and paths of the run itself).
        seed: the run's seed.
        dataset, feature_set, test_split: the data (``test_split`` names the evaluated subset).
        status: 'ok' or 'failed'; ``error`` says why a run failed.
        tiou, mAP, average_mAP, ap_per_class: the result (empty/None when failed).
        epochs, max_epochs: completed and planned training epochs.
        wall_time_s: wall-clock seconds of the whole command.
        manifest: provenance (git, versions, hardware).
        test_curve, best_on_test: per-epoch evaluations during training and the best of them.
        evaluator: evaluator details (classes in the mean, counts, options, version).
        selection: how the result's weights were chosen.
        predictions, checkpoint: files of the run, relative to the record's folder.
        schedule: ``official`` or ``smoke`` (one epoch of a few iterations, harness/schedule.py).
        rehearsal: the data root was written by ``harness rehearse`` (synthetic features on
            real annotations).
    """

    model: str
    config_name: str
    config_path: str
    config_hash: str
    seed: int | None
    dataset: str
    feature_set: str
    status: str
    manifest: RunManifest
    error: str | None = None
    test_split: str | None = None
    tiou: tuple[float, ...] = ()
    mAP: tuple[float, ...] = ()
    average_mAP: float | None = None
    ap_per_class: dict[str, tuple[float, ...]] = field(default_factory=dict)
    epochs: int = 0
    max_epochs: int = 0
    wall_time_s: float = 0.0
    test_curve: tuple[CurvePoint, ...] = ()
    best_on_test: BestOnTest | None = None
    evaluator: dict[str, Any] = field(default_factory=dict)
    selection: str = RESULT_SELECTION
    predictions: str | None = None
    checkpoint: str | None = None
    created: str = ""
    schedule: str = "official"
    rehearsal: bool = False
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"RunRecord.status must be one of {STATUSES}, got {self.status!r}")
        if self.status == "failed" and not self.error:
            raise ValueError("a failed RunRecord needs an error message")
        if len(self.mAP) != len(self.tiou):
            raise ValueError("RunRecord: mAP and tiou differ in length")
        if self.average_mAP is not None and not math.isfinite(self.average_mAP):
            raise ValueError("RunRecord: average_mAP must be finite")

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["manifest"] = self.manifest.to_json()
        d["tiou"], d["mAP"] = list(self.tiou), list(self.mAP)
        d["ap_per_class"] = {str(k): list(v) for k, v in self.ap_per_class.items()}
        d["test_curve"] = [asdict(p) for p in self.test_curve]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RunRecord:
        d = dict(d)
        d["manifest"] = RunManifest.from_json(d["manifest"])
        d["tiou"], d["mAP"] = tuple(d.get("tiou", ())), tuple(d.get("mAP", ()))
        d["ap_per_class"] = {k: tuple(v) for k, v in d.get("ap_per_class", {}).items()}
        d["test_curve"] = tuple(CurvePoint(**p) for p in d.get("test_curve", ()))
        if d.get("best_on_test") is not None:
            d["best_on_test"] = BestOnTest(**d["best_on_test"])
        return cls(**d)

    def with_updates(self, **changes: Any) -> RunRecord:
        return replace(self, **changes)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write atomically (a reader sees the old file or the whole new one)."""
        return atomic_write_json(path, self.to_json())

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> RunRecord:
        return cls.from_json(loads_json(Path(path).read_text()))


def describe_data(cfg) -> tuple[str, str, str | None]:
    """(dataset, feature set, test subset) of a config.

    Reads the leaf's top-level ``dataset_name``/``feature_set`` when present; a synthetic test
    dataset (with ``preset``/``quality``) gives ``synthetic-<preset>`` and its quality level;
    else the dataset type. The subset comes from the test evaluator or dataset.
    """
    test_ds = (cfg.get("test_dataloader") or {}).get("dataset", {}) or {}
    if "preset" in test_ds:
        default_name, default_features = f"synthetic-{test_ds['preset']}", test_ds.get("quality")
    else:
        default_name, default_features = test_ds.get("type", "unknown"), ""
    dataset = cfg.get("dataset_name") or default_name
    features = cfg.get("feature_set") or default_features or ""
    evaluator = cfg.get("test_evaluator") or {}
    if isinstance(evaluator, (list, tuple)):
        evaluator = evaluator[0] if evaluator else {}
    subset = evaluator.get("subset") or test_ds.get("subset")
    if isinstance(subset, (list, tuple)):
        subset = ",".join(map(str, subset))
    return str(dataset), str(features), (str(subset) if subset is not None else None)
