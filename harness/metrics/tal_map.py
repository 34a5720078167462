"""``TemporalMAPMetric``: the evaluator as an mmengine metric (thin wrapper)."""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from mmengine.evaluator import BaseMetric

from datasets.annotations import video_set_label
from harness.errors import DataError
from harness.metrics.detection import evaluate_detection
from harness.metrics.formats import load_ground_truth, parse_tiou_thresholds, write_predictions
from harness.metrics.result import EvaluationWarning, MAPResult
from harness.metrics.tables import check_thresholds
from harness.registry import METRICS


def _numpy(value: Any) -> np.ndarray:
    """A tensor or array-like as a numpy array (on the CPU)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _one_prediction(sample: Any) -> dict[str, Any]:
    """Numpy copy of one model output: video_id, segments [M, 2] s, scores [M], labels [M]."""
    try:
        vid = str(sample["video_id"])
        segments = _numpy(sample["segments"]).astype(np.float64).reshape(-1, 2)  # [M, 2]
        scores = _numpy(sample["scores"]).astype(np.float64).reshape(-1)  # [M]
        labels = _numpy(sample["labels"]).astype(np.int64).reshape(-1)  # [M]
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(
            f"TemporalMAPMetric: a model output needs video_id, segments [M, 2], scores [M], "
            f"labels [M] ({exc})"
        ) from None
    if not len(segments) == len(scores) == len(labels):
        raise DataError(
            f"TemporalMAPMetric: video {vid!r}: {len(segments)} segments, {len(scores)} scores, "
            f"{len(labels)} labels"
        )
    return {"video_id": vid, "segments": segments, "scores": scores, "labels": labels}


def prediction_table(outputs: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Prediction table (video_id, t_start, t_end, label, score, row) in output order."""
    counts = [len(o["scores"]) for o in outputs]
    segs = np.concatenate([o["segments"] for o in outputs]) if outputs else np.zeros((0, 2))
    return pd.DataFrame(
        {
            "video_id": np.repeat([o["video_id"] for o in outputs], counts).astype(object),
            "t_start": segs[:, 0],
            "t_end": segs[:, 1],
            "label": np.concatenate([o["labels"] for o in outputs] or [np.zeros(0, np.int64)]),
            "score": np.concatenate([o["scores"] for o in outputs] or [np.zeros(0)]),
            "row": np.concatenate([np.arange(c) for c in counts] or [np.zeros(0, np.int64)]),
        }
    )


def subset_video_ids(ann_file: str | os.PathLike[str], subset: str) -> tuple[str, ...]:
    """Every video of a subset of the annotation file, with or without GT, in file order."""
    from datasets.annotations import load_annotations

    return tuple(v.video_id for v in load_annotations(ann_file) if v.subset == subset.lower())


@METRICS.register_module()
class TemporalMAPMetric(BaseMetric):
    """ActivityNet detection mAP of the model's predictions on one annotation subset.

    Args:
        ann_file: annotation JSON (ActionFormer family), relative to the working folder.
        subset: subset evaluated (``validation`` for the synthetic and most sets).
        tiou_thresholds: thresholds, a list or ``'a:step:b'`` (np.linspace values).
        gt_dedup: remove duplicate GT (same label, bounds within 1e-3 s).
        drop_zero_length_gt: drop GT with start == end.
        exclude_videos: videos removed from GT and predictions (e.g.
            ``['video_test_0000270']``: THUMOS14's 211-video protocol). The result records
            the evaluated set as ``video_set`` (``thumos14-test-212`` / ``-211``).
        predictions_out: if set, the predictions are written there (ActivityNet JSON).
        video_scores_file: external video-level classifier scores (``{results: {video_id:
            [K scores]}, class: [K names]}``); when set, each video's class-agnostic
            detections are relabelled with :func:`models.postprocess.fuse_video_scores` before
            evaluation (ActivityNet, data-and-eval.md §5), with ``fusion_topk_classes``,
            ``fusion_num_pred`` and ``fusion_combine`` ('sqrt' official, 'product' OpenTAD).
        collect_device: mmengine's result collection device.
        prefix: metric-name prefix (none by default).

    ``compute_metrics`` returns ``{'mAP@0.30': ..., 'average_mAP': ...}`` (fractions)
    and keeps the full :class:`MAPResult` in ``last_result``.
    """

    default_prefix = ""  # unprefixed keys; '' also stops mmengine's missing-prefix warning

    def __init__(
        self,
        *,
        ann_file: str,
        subset: str = "validation",
        tiou_thresholds: Sequence[float] | str,
        gt_dedup: bool = True,
        drop_zero_length_gt: bool = True,
        exclude_videos: Sequence[str] = (),
        predictions_out: str | None = None,
        video_scores_file: str | None = None,
        fusion_topk_classes: int = 2,
        fusion_num_pred: int = 200,
        fusion_combine: str = "sqrt",
        collect_device: str = "cpu",
        prefix: str | None = None,
    ) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(tiou_thresholds, str):
            tiou_thresholds = parse_tiou_thresholds(tiou_thresholds)
        self.tiou_thresholds = tuple(check_thresholds(tiou_thresholds).tolist())
        self.ann_file = ann_file
        self.subset = subset
        self.gt_dedup = gt_dedup
        self.drop_zero_length_gt = drop_zero_length_gt
        self.exclude_videos = tuple(exclude_videos)
        self.predictions_out = predictions_out
        self.video_scores_file = video_scores_file
        self.fusion = dict(topk_classes=fusion_topk_classes, num_pred=fusion_num_pred,
                           combine=fusion_combine)
        self.last_result: MAPResult | None = None
        self._ground_truth: pd.DataFrame | None = None
        self._videos: tuple[str, ...] | None = None

    def ground_truth(self) -> pd.DataFrame:
        """The GT table, read once."""
        if self._ground_truth is None:
            self._ground_truth = load_ground_truth(self.ann_file, self.subset)
        return self._ground_truth

    def evaluated_videos(self) -> tuple[str, ...]:
        """Videos of the subset (with or without GT) minus ``exclude_videos``, read once."""
        if self._videos is None:
            excluded = set(self.exclude_videos)
            self._videos = tuple(
                v for v in subset_video_ids(self.ann_file, self.subset) if v not in excluded)
        return self._videos

    def _with_video_set(self, result: MAPResult, table: pd.DataFrame) -> MAPResult:
        """The result plus the evaluated video set; warns about videos without predictions."""
        videos = self.evaluated_videos()
        predicted = set(table["video_id"].tolist())
        silent = [v for v in videos if v not in predicted]
        if silent:
            shown = ", ".join(silent[:5]) + (f" (+{len(silent) - 5} more)" if len(silent) > 5 else "")
            warnings.warn(f"{self.ann_file}: {len(silent)} of {len(videos)} evaluated videos have no "
                          f"prediction: {shown}", EvaluationWarning, stacklevel=2)
        return dataclasses.replace(
            result, video_set=video_set_label(self.ann_file, self.subset, len(videos)),
            num_videos=len(videos), num_videos_without_predictions=len(silent))

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Keep a numpy copy of each video's predictions (one result per video)."""
        for sample in data_samples:
            self.results.append(_one_prediction(sample))

    def fuse_scores(self, results: list) -> list:
        """Relabel every video's detections with the external classifier (score fusion)."""
        import torch

        from models.postprocess import Detections, fuse_video_scores, load_external_scores

        assert self.video_scores_file is not None
        scores, _ = load_external_scores(self.video_scores_file)
        fused = []
        for r in results:
            if r["video_id"] not in scores:
                raise DataError(f"{self.video_scores_file}: no class scores for video {r['video_id']!r}")
            det = fuse_video_scores(Detections(
                torch.from_numpy(r["segments"]), torch.from_numpy(r["scores"]),
                torch.from_numpy(r["labels"]),
            ), scores[r["video_id"]], **self.fusion)
            fused.append({"video_id": r["video_id"], "segments": det.segments.numpy(),
                          "scores": det.scores.numpy(), "labels": det.labels.numpy()})
        return fused

    def compute_metrics(self, results: list) -> dict[str, float]:
        """mAP per threshold and average (fractions); the full result in ``last_result``."""
        if self.video_scores_file:
            results = self.fuse_scores(results)
        table = prediction_table(results)
        if self.predictions_out:
            write_predictions(self.predictions_out, table)
        result = evaluate_detection(
            self.ground_truth(), table, self.tiou_thresholds, gt_dedup=self.gt_dedup,
            drop_zero_length_gt=self.drop_zero_length_gt, exclude_videos=self.exclude_videos,
        )
        self.last_result = self._with_video_set(result, table)
        return self.last_result.metrics()
