"""ActivityNet detection AP, per class: the reference semantics as pure functions.

The names follow activitynet/ActivityNet ``Evaluation/eval_detection.py`` so that TAL
readers find them; the code is the harness's own. Semantics (data-and-eval.md §6.1)
plus the harness's corner-case rules (§6.4):

* predictions are visited by a *stable* sort on descending score (earlier row first
  among ties);
* GT candidates of one prediction are visited by descending IoU, the *later* GT row
  first among equal IoUs (what the official ``argsort()[::-1]`` yields);
* at threshold θ a prediction is a TP if the first unlocked candidate in that order has
  IoU >= θ (it then locks that GT); a candidate with IoU < θ ends the visit (FP);
* IoU 0/0 (two zero-length segments at the same instant) is 0, not NaN;
* AP is the VOC-2011 all-points interpolated AP.

:func:`compute_average_precision_detection` loops over predictions in Python and is the
readable reference. :func:`harness.metrics.map_fast.average_precision_per_class` is the
vectorised path used in practice; tests check that both agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def segment_iou(target_segment: np.ndarray, candidate_segments: np.ndarray) -> np.ndarray:
    """Temporal IoU of one segment with many.

    Args:
        target_segment: [2] (start, end).
        candidate_segments: [N, 2] (start, end).

    Returns:
        [N] float64 IoU; 0 where the union is 0 (two zero-length segments).
    """
    target = np.asarray(target_segment, dtype=np.float64)
    cands = np.asarray(candidate_segments, dtype=np.float64).reshape(-1, 2)
    left = np.maximum(target[0], cands[:, 0])  # [N]
    right = np.minimum(target[1], cands[:, 1])  # [N]
    inter = np.clip(right - left, 0.0, None)  # [N]
    # same operation order as the official code, so the floats are identical
    union = (cands[:, 1] - cands[:, 0]) + (target[1] - target[0]) - inter  # [N]
    out = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union != 0)
    return out


def interpolated_prec_rec(prec: np.ndarray, rec: np.ndarray) -> float:
    """VOC-2011 all-points interpolated average precision.

    Args:
        prec: [P] precision after each ranked prediction.
        rec: [P] recall after each ranked prediction.

    Returns:
        AP: sum over recall changes of Δrecall × (max precision at or after that rank).
    """
    mprec = np.concatenate([[0.0], np.asarray(prec, dtype=np.float64), [0.0]])
    mrec = np.concatenate([[0.0], np.asarray(rec, dtype=np.float64), [1.0]])
    mprec = np.maximum.accumulate(mprec[::-1])[::-1]  # running max from the right
    idx = np.flatnonzero(mrec[1:] != mrec[:-1]) + 1
    return float(np.sum((mrec[idx] - mrec[idx - 1]) * mprec[idx]))


def _match_one(
    iou: np.ndarray, gt_rows: np.ndarray, locked: np.ndarray, thresholds: np.ndarray
) -> np.ndarray:
    """TP flags at every threshold for one prediction; locks the GTs it takes.

    Args:
        iou: [n] IoU with the GT candidates of its video.
        gt_rows: [n] their rows in ``locked``.
        locked: [K, G] bool, updated in place.
        thresholds: [K].

    Returns:
        [K] bool TP flags.
    """
    order = np.argsort(iou, kind="stable")[::-1]  # descending IoU, later row first on ties
    hit = np.zeros(len(thresholds), dtype=bool)
    for k, thr in enumerate(thresholds):
        for j in order:
            if iou[j] < thr:
                break
            if locked[k, gt_rows[j]]:
                continue
            locked[k, gt_rows[j]] = True
            hit[k] = True
            break
    return hit


def compute_average_precision_detection(
    ground_truth: pd.DataFrame,
    prediction: pd.DataFrame,
    tiou_thresholds: Sequence[float] | np.ndarray,
) -> np.ndarray:
    """AP of one class at each threshold (reference implementation, one Python loop).

    Args:
        ground_truth: the class's GT, columns ``video_id``, ``t_start``, ``t_end``;
            at least one row.
        prediction: the class's predictions, columns ``video_id``, ``t_start``,
            ``t_end``, ``score``; row order breaks score ties.
        tiou_thresholds: [K] thresholds.

    Returns:
        [K] float64 AP; zeros when there are no predictions.
    """
    thresholds = np.asarray(tiou_thresholds, dtype=np.float64).reshape(-1)
    ap = np.zeros(len(thresholds))
    if len(prediction) == 0:
        return ap
    npos = len(ground_truth)
    if npos == 0:
        raise ValueError("compute_average_precision_detection needs at least one GT row")
    gt_seg = ground_truth[["t_start", "t_end"]].to_numpy(np.float64)  # [G, 2]
    gt_rows_by_video: dict[object, list[int]] = {}
    for row, vid in enumerate(ground_truth["video_id"].tolist()):
        gt_rows_by_video.setdefault(vid, []).append(row)

    order = np.argsort(-prediction["score"].to_numpy(np.float64), kind="stable")
    pred_seg = prediction[["t_start", "t_end"]].to_numpy(np.float64)[order]  # [P, 2]
    pred_vid = prediction["video_id"].to_numpy()[order]
    locked = np.zeros((len(thresholds), npos), dtype=bool)  # [K, G]
    tp = np.zeros((len(thresholds), len(order)))  # [K, P]
    for rank in range(len(order)):
        rows = gt_rows_by_video.get(pred_vid[rank])
        if rows is None:
            continue  # no GT of this class in the video: FP at every threshold
        rows_arr = np.asarray(rows)
        iou = segment_iou(pred_seg[rank], gt_seg[rows_arr])
        tp[:, rank] = _match_one(iou, rows_arr, locked, thresholds)

    tp_cum = np.cumsum(tp, axis=1)  # [K, P]
    fp_cum = np.cumsum(1.0 - tp, axis=1)  # [K, P]
    recall = tp_cum / npos
    precision = tp_cum / (tp_cum + fp_cum)
    for k in range(len(thresholds)):
        ap[k] = interpolated_prec_rec(precision[k], recall[k])
    return ap


def average_precision_per_class_reference(
    gt: pd.DataFrame, pred: pd.DataFrame, classes: Sequence[object], tiou_thresholds: np.ndarray
) -> np.ndarray:
    """Per-class loop over :func:`compute_average_precision_detection`.

    Args:
        gt: GT rows with ``label`` (already cleaned), in file order.
        pred: prediction rows with ``label`` and ``score``, in output order.
        classes: [C] the class set (labels with GT).
        tiou_thresholds: [K].

    Returns:
        [C, K] AP.
    """
    out = np.zeros((len(classes), len(tiou_thresholds)))
    gt_groups = dict(tuple(gt.groupby("label", sort=False)))
    pred_groups = dict(tuple(pred.groupby("label", sort=False)))
    empty = pred.iloc[:0]
    for c, label in enumerate(classes):
        out[c] = compute_average_precision_detection(
            gt_groups[label], pred_groups.get(label, empty), tiou_thresholds
        )
    return out
