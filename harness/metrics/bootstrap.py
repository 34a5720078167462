"""Video-level bootstrap of detection mAP (test-set uncertainty, data-and-eval.md §8).

Matching never crosses videos: a prediction's TP/FP flag depends only on the predictions and
GT of its own video. So the flags are computed **once** per prediction and threshold (the
exact greedy matching of :mod:`harness.metrics.map_fast`), and a bootstrap replicate — test
videos drawn with replacement, duplicates kept — is a *weighting* of those predictions by how
often their video was drawn:

- the replicate's prediction list is the sampled videos' predictions concatenated, sorted by
  score with the stable rule; copies of one prediction are adjacent and share its flag;
- with weights w (draw counts), cumTP and cumTP+cumFP become weighted cumulative sums; the
  all-points AP integrates only at TP ranks (precision rises at TPs and falls at FPs), where
  every copy of a TP shares the envelope value of its last copy, so
  AP_c = Σ_TP w·env / G_c with G_c the class's GT count summed over the sample;
- classes without GT in the sample leave the mean; videos without GT are resampled too.

With all weights 1 this is exactly :func:`harness.metrics.evaluate_detection` (tested).
With several seeds of one configuration the same resamples are applied to every seed and
the seeds' mAPs are averaged inside each replicate.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from harness.errors import DataError
from harness.metrics.array_ops import stable_argsort_ints, stable_descending_order
from harness.metrics.detection import _check_predictions, _class_set, _clean_gt, _resolve_labels
from harness.metrics.map_fast import _candidates, _match
from harness.metrics.tables import check_thresholds, read_rows

DEFAULT_NUM_SAMPLES = 1000


@dataclass(frozen=True)
class VideoFlags:
    """TP flags of one prediction set, ready for resampling by video.

    Attributes:
        videos: [V] the resampling units (GT videos of the subset plus any predicted video).
        tiou: [K] thresholds.
        pred_video: [P] video index of each prediction, predictions sorted by (class, −score,
            row); pred_class: [P] class index (non-decreasing); tp: [K, P] bool flags.
        gt_count: [V, C] GT count per video and class (after dedup / drops).
    """

    videos: tuple[str, ...]
    tiou: tuple[float, ...]
    pred_video: np.ndarray
    pred_class: np.ndarray
    tp: np.ndarray
    gt_count: np.ndarray

    @property
    def num_classes(self) -> int:
        return int(self.gt_count.shape[1])

    def aligned(self, videos: Sequence[str]) -> VideoFlags:
        """The same flags indexed by another video list (a superset of ``self.videos``)."""
        index = {v: i for i, v in enumerate(videos)}
        missing = [v for v in self.videos if v not in index]
        if missing:
            raise DataError(f"bootstrap: videos {missing[:3]} are not in the shared video list")
        remap = np.array([index[v] for v in self.videos], dtype=np.int64)
        gt = np.zeros((len(videos), self.num_classes), dtype=np.int64)
        gt[remap] = self.gt_count
        return VideoFlags(tuple(videos), self.tiou, remap[self.pred_video] if len(remap) else
                          self.pred_video, self.pred_class, self.tp, gt)


def detection_flags(
    ground_truth: pd.DataFrame,
    predictions: pd.DataFrame,
    tiou_thresholds: Sequence[float] | np.ndarray,
    *,
    videos: Iterable[str] = (),
    gt_dedup: bool = True,
    drop_zero_length_gt: bool = True,
) -> VideoFlags:
    """TP flags of every prediction at every threshold, with the evaluator's input rules.

    Args:
        ground_truth: GT table (``load_ground_truth``): video_id, t_start, t_end, label.
        predictions: prediction table (``load_predictions``), row order breaks score ties.
        tiou_thresholds: [K].
        videos: extra resampling units, e.g. the subset's videos without GT.
        gt_dedup, drop_zero_length_gt: as :func:`harness.metrics.evaluate_detection`.

    Returns:
        :class:`VideoFlags`.
    """
    thresholds = check_thresholds(tiou_thresholds)
    source = str(dict(getattr(ground_truth, "attrs", {}) or {}).get("source", "ground truth"))
    gt = read_rows(ground_truth, source, with_score=False)
    pred = read_rows(predictions, "predictions", with_score=True)
    _check_predictions(pred)
    gt, _ = _clean_gt(gt, gt_dedup, drop_zero_length_gt, source)
    classes = _class_set(gt, source)
    pred_class = _resolve_labels(pred, classes, gt)
    pred = pred.take(pred_class >= 0)  # labels without GT are ignored, as the evaluator does
    pred_class = pred_class[pred_class >= 0]
    names = list(dict.fromkeys([*map(str, videos), *map(str, gt.video), *map(str, pred.video)]))
    index = {v: i for i, v in enumerate(names)}
    g_video = np.array([index[str(v)] for v in gt.video], dtype=np.int64)
    p_video = np.array([index[str(v)] for v in pred.video], dtype=np.int64)
    g_class = np.searchsorted(classes, gt.label).astype(np.int64)
    num_classes = len(classes)
    order = stable_descending_order(np.asarray(pred.score, dtype=np.float64))
    order = order[stable_argsort_ints(pred_class[order])]  # class, −score, row
    p_class, p_seg = pred_class[order].astype(np.int64), np.stack([pred.start, pred.end], 1)[order]
    p_key = p_video[order] * num_classes + p_class
    g_key = g_video * num_classes + g_class
    g_seg = np.stack([gt.start, gt.end], 1).astype(np.float64)
    near = np.flatnonzero(np.isin(p_key, g_key))
    owner, cand_gt, cand_iou = _candidates(
        p_key[near], p_seg[near].astype(np.float64), g_key, g_seg, float(thresholds.min())
    )
    tp = _match(near[owner], cand_gt, cand_iou, len(order), len(g_key), thresholds)  # [K, P]
    gt_count = np.zeros((len(names), num_classes), dtype=np.int64)
    np.add.at(gt_count, (g_video, g_class), 1)
    return VideoFlags(tuple(names), tuple(thresholds.tolist()), p_video[order], p_class, tp, gt_count)


def weighted_map(flags: VideoFlags, weights: np.ndarray) -> np.ndarray:
    """mAP per threshold when video v counts ``weights[v]`` times.

    Args:
        flags: :class:`VideoFlags`.
        weights: [V] non-negative integer draw counts (all ones = the plain evaluation).

    Returns:
        [K] mAP (fractions); NaN where no class has GT in the sample.
    """
    w_video = np.asarray(weights, dtype=np.float64)
    npos = w_video @ flags.gt_count  # [C]
    present = npos > 0
    k_thr, num_classes = flags.tp.shape[0], flags.num_classes
    if not present.any():
        return np.full(k_thr, np.nan)
    w = w_video[flags.pred_video]  # [P]
    cls = flags.pred_class
    cum_all = np.cumsum(w)  # [P] global; made per class below
    class_start = np.searchsorted(cls, np.arange(num_classes), side="left")  # [C]
    before = np.concatenate([[0.0], cum_all])[class_start]  # [C] weight before each class
    out = np.empty(k_thr)
    for k in range(k_thr):
        pos = np.flatnonzero(flags.tp[k] & (w > 0))  # [T] TP ranks present in the sample
        c = cls[pos]
        wt = w[pos]
        cum_tp = np.cumsum(wt)  # [T] global, made per class below
        tp_before = np.concatenate([[0.0], cum_tp])[np.searchsorted(c, c, side="left")]
        prec = (cum_tp - tp_before) / (cum_all[pos] - before[c])  # [T]
        # suffix max of precision within each class: offset classes so maxima never leak
        shifted = prec + 2.0 * (num_classes - 1 - c)
        env = np.maximum.accumulate(shifted[::-1])[::-1] - 2.0 * (num_classes - 1 - c)
        ap = np.bincount(c, weights=wt * env, minlength=num_classes)  # [C] Σ w·env
        out[k] = float((ap[present] / npos[present]).mean())
    return out


def resample_counts(
    num_videos: int, num_samples: int, random_state: int | np.random.Generator | None
) -> np.ndarray:
    """[B, V] draw counts: each replicate draws V videos uniformly with replacement."""
    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    draws = rng.integers(0, num_videos, size=(num_samples, num_videos))  # [B, V]
    offsets = (np.arange(num_samples) * num_videos)[:, None]
    return np.bincount((draws + offsets).ravel(), minlength=num_samples * num_videos).reshape(
        num_samples, num_videos
    )


def key_seed(seed: int, key: str) -> list[int]:
    """A seed sequence entropy for (seed, key): one resample set per test set, stable across
    runs and independent of which other cells an aggregation contains."""
    return [int(seed), zlib.crc32(key.encode("utf-8"))]


@dataclass(frozen=True)
class BootstrapResult:
    """Replicates of the seed-averaged mAP.

    Attributes:
        estimate: [K + 1] mAP per threshold and their mean (the last entry) on the full test set,
            averaged over the flag sets (seeds).
        replicates: [B, K + 1] the same per replicate.
        num_samples, seed: B and the seed that drew the resamples.
    """

    estimate: np.ndarray
    replicates: np.ndarray
    num_samples: int
    seed: int | None

    def interval(self, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Percentile bounds [K + 1] each (NaN replicates ignored)."""
        alpha = (1.0 - confidence) / 2.0
        low = np.nanquantile(self.replicates, alpha, axis=0)
        high = np.nanquantile(self.replicates, 1.0 - alpha, axis=0)
        return low, high


def shared_videos(flag_sets: Sequence[VideoFlags]) -> tuple[str, ...]:
    """Union of the flag sets' videos, in first-seen order."""
    return tuple(dict.fromkeys(v for f in flag_sets for v in f.videos))


def video_bootstrap(
    flag_sets: Sequence[VideoFlags],
    counts: np.ndarray,
    *,
    videos: Sequence[str] | None = None,
    seed: int | None = None,
) -> BootstrapResult:
    """Seed-averaged mAP over given resamples (the same ``counts`` for every flag set).

    Args:
        flag_sets: one :class:`VideoFlags` per seed (same test set and thresholds).
        counts: [B, V] draw counts over ``videos``.
        videos: the video list ``counts`` refers to (default :func:`shared_videos`).
        seed: recorded in the result.

    Returns:
        :class:`BootstrapResult`.
    """
    if not flag_sets:
        raise ValueError("video_bootstrap: no flag sets")
    videos = tuple(videos) if videos is not None else shared_videos(flag_sets)
    if counts.shape[1] != len(videos):
        raise ValueError("video_bootstrap: counts do not match the video list")
    aligned = [f.aligned(videos) for f in flag_sets]
    k_thr = len(aligned[0].tiou)
    if any(len(f.tiou) != k_thr for f in aligned):
        raise DataError("bootstrap: flag sets use different thresholds")

    def one(weights: np.ndarray) -> np.ndarray:
        per_seed = np.stack([weighted_map(f, weights) for f in aligned])  # [S, K]
        per_k = per_seed.mean(axis=0)
        return np.concatenate([per_k, [per_k.mean()]])  # [K + 1]

    estimate = one(np.ones(len(videos)))
    replicates = np.stack([one(c) for c in counts]) if len(counts) else np.empty((0, k_thr + 1))
    return BootstrapResult(estimate, replicates, int(len(counts)), seed)


def flags_from_files(
    ann_file: str | Path,
    subset: str,
    predictions_file: str | Path,
    tiou_thresholds: Sequence[float],
    *,
    exclude_videos: Iterable[str] = (),
    gt_dedup: bool = True,
    drop_zero_length_gt: bool = True,
    cache: dict | None = None,
) -> VideoFlags:
    """:func:`detection_flags` of a saved prediction file against an annotation file.

    The resampling units are every video of ``subset`` in the annotation file (also those
    without GT) minus ``exclude_videos``, plus any other predicted video.

    Args:
        ann_file: annotation JSON; subset: the evaluated subset.
        predictions_file: ActivityNet prediction JSON of the run.
        tiou_thresholds: the run's thresholds.
        exclude_videos, gt_dedup, drop_zero_length_gt: the run's evaluator options.
        cache: optional dict reused across calls (ground truth per file and subset).
    """
    from datasets.annotations import load_annotations
    from harness.metrics.formats import load_ground_truth, load_predictions

    cache = {} if cache is None else cache
    key = (str(ann_file), subset.lower())
    if key not in cache:
        videos = [v.video_id for v in load_annotations(ann_file) if v.subset == subset.lower()]
        cache[key] = (load_ground_truth(ann_file, subset), videos)
    gt, videos = cache[key]
    pred = load_predictions(predictions_file)
    excluded = set(map(str, exclude_videos))
    if excluded:
        gt = gt[~gt["video_id"].astype(str).isin(excluded)].reset_index(drop=True)
        pred = pred[~pred["video_id"].astype(str).isin(excluded)].reset_index(drop=True)
        videos = [v for v in videos if v not in excluded]
    return detection_flags(gt, pred, tiou_thresholds, videos=videos, gt_dedup=gt_dedup,
                           drop_zero_length_gt=drop_zero_length_gt)
