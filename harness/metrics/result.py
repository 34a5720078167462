"""The evaluator's result record (:class:`MAPResult`) and its JSON form."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


class EvaluationWarning(UserWarning):
    """Something in the inputs was dropped or ignored (and counted in the result)."""


#: Bump when a change to the evaluator can change a number.
EVALUATOR_VERSION = "tal-harness-map/1"


def threshold_key(tiou: float) -> str:
    """Metric name of one threshold: ``mAP@0.30`` (two decimals unless that is lossy)."""
    text = f"{tiou:.2f}"
    if not math.isclose(float(text), tiou, rel_tol=0.0, abs_tol=1e-9):
        text = f"{tiou:.6g}"
    return f"mAP@{text}"


@dataclass(frozen=True)
class MAPResult:
    """Detection mAP at several tIoU thresholds (all values are fractions).

    Attributes:
        tiou: the thresholds, as given (e.g. 0.39999999999999997).
        mAP: per threshold, the mean AP over ``classes_in_mean``.
        average_mAP: mean of ``mAP`` over thresholds.
        ap_per_class: class label -> AP per threshold, for every class in the mean.
        classes_in_mean: the labels with GT in the evaluated subset, sorted.
        class_names: label -> name, where the GT gives names (may be empty).
        num_gt: GT rows evaluated (after every drop below).
        num_gt_videos: videos with at least one evaluated GT.
        num_predictions: predictions evaluated.
        num_ignored_predictions: predictions whose label has no GT (ignored).
        num_predictions_without_gt_video: predictions on videos absent from the evaluated GT:
            counted as false positives (the official rule), reported and warned about.
        num_excluded_predictions: predictions on ``excluded_videos``.
        num_dropped_gt: GT with end < start, dropped.
        num_duplicate_gt: GT removed as duplicates (``gt_dedup``).
        num_zero_length_gt: GT with start == end, dropped (``drop_zero_length_gt``).
        num_excluded_gt: GT on ``excluded_videos``.
        gt_dedup, drop_zero_length_gt, excluded_videos: the options used.
        subset, ground_truth_source: where the GT came from, when known.
        video_set: the evaluated video set, ``<annotation file stem>-<subset>-<videos>``
            (e.g. ``thumos14-test-212``, or ``-211`` without ``video_test_0000270``), when
            the evaluator knows the annotation file (``TemporalMAPMetric``).
        num_videos: videos of the subset evaluated (after ``excluded_videos``), when known.
        num_videos_without_predictions: of those, videos with no prediction at all.
        evaluator_version: :data:`EVALUATOR_VERSION`.
    """

    tiou: tuple[float, ...]
    mAP: tuple[float, ...]
    average_mAP: float
    ap_per_class: dict[Any, tuple[float, ...]]
    classes_in_mean: tuple[Any, ...]
    class_names: dict[Any, str] = field(default_factory=dict)
    num_gt: int = 0
    num_gt_videos: int = 0
    num_predictions: int = 0
    num_ignored_predictions: int = 0
    num_excluded_predictions: int = 0
    num_dropped_gt: int = 0
    num_duplicate_gt: int = 0
    num_zero_length_gt: int = 0
    num_excluded_gt: int = 0
    num_predictions_without_gt_video: int = 0
    gt_dedup: bool = True
    drop_zero_length_gt: bool = True
    excluded_videos: tuple[str, ...] = ()
    subset: str | None = None
    ground_truth_source: str | None = None
    evaluator_version: str = EVALUATOR_VERSION
    video_set: str | None = None
    num_videos: int | None = None
    num_videos_without_predictions: int | None = None

    def metrics(self) -> dict[str, float]:
        """``{'mAP@0.30': ..., 'average_mAP': ...}`` (fractions), for loggers."""
        out = {threshold_key(t): v for t, v in zip(self.tiou, self.mAP)}
        out["average_mAP"] = self.average_mAP
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; the first keys are tiou, mAP, average_mAP, ap_per_class."""
        return {
            "tiou": list(self.tiou),
            "mAP": list(self.mAP),
            "average_mAP": self.average_mAP,
            "ap_per_class": {str(k): list(v) for k, v in self.ap_per_class.items()},
            "classes_in_mean": list(self.classes_in_mean),
            "class_names": {str(k): v for k, v in self.class_names.items()},
            "counts": {
                "gt": self.num_gt,
                "gt_videos": self.num_gt_videos,
                "predictions": self.num_predictions,
                "ignored_predictions": self.num_ignored_predictions,
                "excluded_predictions": self.num_excluded_predictions,
                "dropped_gt": self.num_dropped_gt,
                "duplicate_gt": self.num_duplicate_gt,
                "zero_length_gt": self.num_zero_length_gt,
                "excluded_gt": self.num_excluded_gt,
                "predictions_without_gt_video": self.num_predictions_without_gt_video,
                "videos": self.num_videos,
                "videos_without_predictions": self.num_videos_without_predictions,
            },
            "options": {
                "gt_dedup": self.gt_dedup,
                "drop_zero_length_gt": self.drop_zero_length_gt,
                "excluded_videos": list(self.excluded_videos),
            },
            "subset": self.subset,
            "ground_truth_source": self.ground_truth_source,
            "evaluator_version": self.evaluator_version,
            "video_set": self.video_set,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MAPResult:
        """Inverse of :meth:`to_json` (labels come back as in ``classes_in_mean``)."""
        classes = tuple(data["classes_in_mean"])
        by_str = {str(c): c for c in classes}
        counts, options = data.get("counts", {}), data.get("options", {})
        return cls(
            tiou=tuple(data["tiou"]),
            mAP=tuple(data["mAP"]),
            average_mAP=data["average_mAP"],
            ap_per_class={by_str.get(k, k): tuple(v) for k, v in data["ap_per_class"].items()},
            classes_in_mean=classes,
            class_names={by_str.get(k, k): v for k, v in data.get("class_names", {}).items()},
            num_gt=counts.get("gt", 0),
            num_gt_videos=counts.get("gt_videos", 0),
            num_predictions=counts.get("predictions", 0),
            num_ignored_predictions=counts.get("ignored_predictions", 0),
            num_excluded_predictions=counts.get("excluded_predictions", 0),
            num_dropped_gt=counts.get("dropped_gt", 0),
            num_duplicate_gt=counts.get("duplicate_gt", 0),
            num_zero_length_gt=counts.get("zero_length_gt", 0),
            num_excluded_gt=counts.get("excluded_gt", 0),
            num_predictions_without_gt_video=counts.get("predictions_without_gt_video", 0),
            gt_dedup=options.get("gt_dedup", True),
            drop_zero_length_gt=options.get("drop_zero_length_gt", True),
            excluded_videos=tuple(options.get("excluded_videos", ())),
            subset=data.get("subset"),
            ground_truth_source=data.get("ground_truth_source"),
            evaluator_version=data.get("evaluator_version", EVALUATOR_VERSION),
            video_set=data.get("video_set"),
            num_videos=counts.get("videos"),
            num_videos_without_predictions=counts.get("videos_without_predictions"),
        )
