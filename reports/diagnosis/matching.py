"""One DETAD evaluation (ranking, matching, optional cut, AP_N) and the false-positive types."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reports.diagnosis.inputs import GroundTruth, Predictions
from reports.diagnosis.ranking import (
    ap_n,
    argsort_desc,
    cut_low_precision,
    greedy_match,
    pair_ranges,
    tiou,
)

ERROR_TYPES = ("true_positive", "double_detection", "wrong_label", "localization",
               "confusion", "background")
TP, DOUBLE, WRONG_LABEL, LOCALIZATION, CONFUSION, BACKGROUND = range(6)


@dataclass(frozen=True)
class Pairs:
    """(prediction, GT) pairs of the same video with tIoU >= a floor, by prediction then GT row.

    pred, gt [S] int64; iou [S] float64; same_label [S] bool.
    """

    pred: np.ndarray
    gt: np.ndarray
    iou: np.ndarray
    same_label: np.ndarray


def video_pairs(preds: Predictions, gt: GroundTruth, floor: float) -> Pairs:
    """Every (prediction, GT of its video) pair with tIoU >= floor > 0.

    A prediction reaches tIoU θ with a GT only if its start lies in
    [GT start − GT length·(1/θ − 1), GT end], so each GT scans that window among the
    predictions of its video sorted by start (a small slack absorbs rounding).
    """
    assert floor > 0
    width = len(preds) + 1
    by_start = np.argsort(preds.start, kind="stable")  # [P]
    srank = np.empty(len(preds), dtype=np.int64)
    srank[by_start] = np.arange(len(preds))
    key = preds.video * width + srank  # [P] (video, start rank), distinct
    by_key = np.argsort(key)
    key_sorted = key[by_key]
    starts = preds.start[by_start]
    glen = gt.end - gt.start  # [G]
    slack = 1e-9 * (1.0 + np.abs(gt.start) + np.abs(gt.end) + glen / floor)
    low = gt.start - glen * (1.0 / floor - 1.0) - slack
    high = gt.end + slack
    lo = np.searchsorted(key_sorted, gt.video * width + np.searchsorted(starts, low, "left"))
    hi = np.searchsorted(key_sorted, gt.video * width + np.searchsorted(starts, high, "right"))
    g, pos = pair_ranges(lo, hi - lo)  # [S]
    p = by_key[pos]
    iou = tiou(preds.start[p], preds.end[p], gt.start[g], gt.end[g])
    keep = iou >= floor
    p, g, iou = p[keep], g[keep], iou[keep]
    order = np.argsort(p * (len(gt.gt_id) + 1) + g)  # by prediction, then GT row (keys distinct)
    p, g, iou = p[order], g[order], iou[order]
    return Pairs(p, g, iou, preds.label[p] == gt.label[g])


def restrict(pairs: Pairs, member: np.ndarray) -> Pairs:
    """Pairs whose prediction is a member ([P] bool)."""
    k = member[pairs.pred]
    return Pairs(pairs.pred[k], pairs.gt[k], pairs.iou[k], pairs.same_label[k])


@dataclass(frozen=True)
class Evaluation:
    """One evaluation of a prediction set.

    Attributes:
        order: per class, prediction indices in ranked (evaluation) order.
        matched: [K, P] matched GT row of each prediction at each threshold, -1 if none
            (predictions outside the set: -1).
        ap: [K, C] AP_N.
        average_mAP: mean over thresholds of the mean over classes.
        member: [P] bool, predictions in the set.
    """

    order: list[np.ndarray]
    matched: np.ndarray
    ap: np.ndarray
    average_mAP: float
    member: np.ndarray


def evaluate(
    preds: Predictions, gt: GroundTruth, pairs: Pairs, frame: np.ndarray,
    thresholds: tuple[float, ...], tau: float = 0.0, stable_ties: bool = False,
    later_gt_first: bool = True,
) -> Evaluation:
    """DETAD's ``evaluate()`` with normalised AP.

    Args:
        frame: prediction indices in DETAD's frame order (file order, or the limited
            concatenation); only these predictions take part.
        tau: minimum normalised precision (positions at or below it become FPs).
    """
    num_classes = len(gt.classes)
    nbar = gt.average_num_instances
    npos = np.bincount(gt.label, minlength=num_classes).astype(float)  # [C]
    frame_label = preds.label[frame]
    order = []
    for c in range(num_classes):
        idx = frame[frame_label == c]
        order.append(idx[argsort_desc(preds.score[idx], stable_ties)])
    ranked = np.concatenate(order) if order else np.zeros(0, dtype=np.int64)
    rank = np.full(len(preds), len(preds), dtype=np.int64)
    rank[ranked] = np.arange(len(ranked))
    member = np.zeros(len(preds), dtype=bool)
    member[ranked] = True
    group = preds.video * num_classes + preds.label  # [P]
    cls = restrict(pairs, member)
    same = cls.same_label
    matched = np.full((len(thresholds), len(preds)), -1, dtype=np.int64)
    ap = np.zeros((len(thresholds), num_classes))
    for k, thr in enumerate(thresholds):
        matched[k] = greedy_match(rank, group, cls.pred[same], cls.gt[same], cls.iou[same],
                                  thr, len(gt.gt_id), later_gt_first)
        for c in range(num_classes):
            if npos[c] == 0:
                continue
            tp = matched[k, order[c]] >= 0
            kept = cut_low_precision(tp, npos[c], nbar, tau)
            if tau > 0:
                matched[k, order[c][tp & ~kept]] = -1
            ap[k, c] = ap_n(kept, npos[c], nbar)
    average = float(ap.mean(axis=1).mean())
    return Evaluation(order, matched, ap, average, member)


def with_cut(ev: Evaluation, gt: GroundTruth, tau: float) -> Evaluation:
    """``ev`` re-scored with the minimum normalised precision ``tau`` (same frame and order:
    DETAD's cut evaluation matches exactly as the uncut one, then cuts)."""
    num_classes = len(gt.classes)
    nbar = gt.average_num_instances
    npos = np.bincount(gt.label, minlength=num_classes).astype(float)
    matched = ev.matched.copy()
    ap = np.zeros(ev.ap.shape)
    for k in range(len(matched)):
        for c in range(num_classes):
            if npos[c] == 0:
                continue
            tp = matched[k, ev.order[c]] >= 0
            kept = cut_low_precision(tp, npos[c], nbar, tau)
            matched[k, ev.order[c][tp & ~kept]] = -1
            ap[k, c] = ap_n(kept, npos[c], nbar)
    return Evaluation(ev.order, matched, ap, float(ap.mean(axis=1).mean()), ev.member)


def error_types(
    preds: Predictions, gt: GroundTruth, pairs: Pairs, matched: np.ndarray,
    thresholds: tuple[float, ...], min_tiou: float, prefer_same_label: bool = False,
) -> np.ndarray:
    """[K, P] DETAD error type of each prediction at each threshold (:data:`ERROR_TYPES`).

    An unmatched prediction is typed against g*, the first GT of its video (file order,
    any class) with the largest tIoU; ``prefer_same_label`` takes a same-label GT among
    those tied at the largest tIoU (DETAD quirk 3). A prediction in a video without GT
    is background (DETAD quirk 4 is not reproduced).
    """
    out = np.full((len(thresholds), len(preds)), BACKGROUND, dtype=np.int8)
    top = np.full(len(preds), -1.0)
    same = np.zeros(len(preds), dtype=bool)
    if len(pairs.pred):
        np.maximum.at(top, pairs.pred, pairs.iou)
        at_top = np.flatnonzero(pairs.iou == top[pairs.pred])
        if prefer_same_label:
            at_top = at_top[np.lexsort((pairs.gt[at_top], ~pairs.same_label[at_top],
                                        pairs.pred[at_top]))]
        p = pairs.pred[at_top]
        first = at_top[np.r_[True, p[1:] != p[:-1]]]  # g* of each prediction with a pair
        same[pairs.pred[first]] = pairs.same_label[first]
    near = top >= min_tiou
    for k, thr in enumerate(thresholds):
        row = out[k]
        hit = top >= thr
        row[hit & same] = DOUBLE
        row[hit & ~same] = WRONG_LABEL
        row[near & ~hit & same] = LOCALIZATION
        row[near & ~hit & ~same] = CONFUSION
        row[matched[k] >= 0] = TP
    return out
