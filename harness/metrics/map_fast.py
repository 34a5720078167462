"""Vectorised ActivityNet detection AP for all classes and thresholds at once.

Same semantics as :func:`harness.metrics.map_1d.compute_average_precision_detection`
(see that module), without process pools and without a Python loop over predictions:

1. predictions are ordered by (class, −score), earlier row first among ties;
2. every prediction gets the GTs of its (video, class) with IoU >= min(θ) as candidates,
   ordered by descending IoU, later GT row first among ties. Candidates below min(θ)
   never change a decision (the first unlocked candidate decides, and one below every
   threshold means FP), so a prediction without candidates is an FP everywhere. Only
   predictions starting in (GT start − GT length/min(θ), GT end] can reach min(θ) > 0;
3. predictions interact only through shared candidates, so GTs are joined into
   *components* (linked by predictions with several candidates); the loop runs over the
   *rank within component* r = 0, 1, …, matching the r-th prediction of every component
   at once, for all thresholds, against one lock table (one step has no conflicts);
   predictions that can no longer be a TP are dropped every few rounds;
4. AP per (threshold, class) uses only TP ranks: precision rises at TPs and falls at
   FPs, so the running max from the right at a TP rank is the max over later TP ranks.
"""

from __future__ import annotations

import numpy as np

from harness.metrics.array_ops import (
    group_starts,
    pair_ranges,
    segment_suffix_max,
    stable_argsort_ints,
    stable_descending_order,
)


def _candidates(
    pred_key: np.ndarray, pred_seg: np.ndarray, gt_key: np.ndarray, gt_seg: np.ndarray,
    min_thr: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GT candidates of every prediction, in visiting order.

    A prediction reaches IoU θ > 0 with a GT only if its start lies in
    (GT start − GT length/θ, GT end], so each GT searches its window among the
    predictions of its (video, class) sorted by start.

    Args:
        pred_key: [P] (video, class) key of each sorted prediction.
        pred_seg: [P, 2].
        gt_key: [G] key of each GT (file order).
        gt_seg: [G, 2].
        min_thr: smallest threshold; candidates below it are dropped.

    Returns:
        owner [S] prediction index (ascending), cand_gt [S] GT row, cand_iou [S] IoU;
        each prediction's candidates are contiguous, by IoU desc then later row first.
    """
    by_start = np.argsort(pred_seg[:, 0])  # [P]
    starts = pred_seg[by_start, 0]  # [P] sorted
    width = len(starts) + 1
    rank = np.empty(len(starts), dtype=np.int64)
    rank[by_start] = np.arange(len(starts))
    comp = pred_key * width + rank  # [P] (key, start) as one int, all distinct
    by_comp = np.argsort(comp)  # [P] by key, then start
    comp, seg_by_comp = comp[by_comp], pred_seg[by_comp]  # [P], [P, 2]
    g_len = gt_seg[:, 1] - gt_seg[:, 0]  # [G]
    if min_thr > 0:
        slack = 1e-9 * (1.0 + np.abs(gt_seg).max(axis=1) + g_len / min_thr)  # float rounding
        low, high = gt_seg[:, 0] - g_len / min_thr - slack, gt_seg[:, 1] + slack
    else:  # IoU 0 reaches min(θ) = 0: every prediction of the group is a candidate
        low, high = np.full(len(g_len), -np.inf), np.full(len(g_len), np.inf)
    lo = np.searchsorted(comp, gt_key * width + np.searchsorted(starts, low, "left"))
    hi = np.searchsorted(comp, gt_key * width + np.searchsorted(starts, high, "right"))
    gt_row, pos = pair_ranges(lo, hi - lo)  # [S]
    owner = by_comp[pos]  # [S] prediction index
    ps, pe = seg_by_comp[pos, 0], seg_by_comp[pos, 1]
    gs, ge = gt_seg[gt_row, 0], gt_seg[gt_row, 1]
    inter = np.clip(np.minimum(pe, ge) - np.maximum(ps, gs), 0.0, None)  # [S]
    union = (ge - gs) + (pe - ps) - inter  # [S], the official operation order
    iou = np.zeros_like(inter)
    np.divide(inter, union, out=iou, where=union != 0)  # 0/0 -> 0
    keep = np.flatnonzero(iou >= min_thr)
    keep = keep[np.argsort(owner[keep])]  # group by prediction (order fixed below)
    owner, gt_row, iou = owner[keep], gt_row[keep], iou[keep]
    first = group_starts(owner)
    counts = np.diff(np.concatenate([first, [len(owner)]]))
    multi = np.flatnonzero(np.repeat(counts > 1, counts))  # pairs of multi-candidate owners
    if len(multi):
        sub = np.lexsort((-gt_row[multi], -iou[multi], owner[multi]))
        gt_row[multi], iou[multi] = gt_row[multi][sub], iou[multi][sub]
    return owner, gt_row, iou


def _components(owner: np.ndarray, cand_gt: np.ndarray, num_gt: int) -> np.ndarray:
    """[G] component label of each GT: GTs sharing a prediction are joined."""
    label = np.arange(num_gt)
    linked = owner[1:] == owner[:-1]  # consecutive candidates of one prediction
    a, b = cand_gt[:-1][linked], cand_gt[1:][linked]
    while len(a):
        m = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, m)
        np.minimum.at(new, b, m)
        new = new[new]  # pointer jumping
        if np.array_equal(new, label):
            break
        label = new
    return label


def _dense(
    owner: np.ndarray, cand_gt: np.ndarray, cand_iou: np.ndarray, num_gt: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate lists as padded rows, plus a dummy column (never locked, IoU −inf).

    Returns:
        preds [Pc] (ascending: score order), dense_gt [Pc, W], dense_iou [Pc, W].
    """
    first = group_starts(owner)
    preds = owner[first]  # [Pc] predictions with candidates
    counts = np.diff(np.concatenate([first, [len(owner)]]))  # [Pc]
    slot = np.repeat(np.arange(len(preds)), counts)  # [S]
    col = np.arange(len(owner)) - first[slot]  # [S] position in the visiting order
    dense_gt = np.full((len(preds), int(counts.max()) + 1), num_gt, dtype=np.int64)  # [Pc, W]
    dense_iou = np.full(dense_gt.shape, -np.inf)  # [Pc, W]
    dense_gt[slot, col] = cand_gt
    dense_iou[slot, col] = cand_iou
    return preds, dense_gt, dense_iou


def _rounds(comp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order by rank within component (score order kept) and the bounds of each rank.

    Args:
        comp: [n] component of each prediction, predictions in score order.

    Returns:
        by_rank [n] positions, bounds [R + 1]: rank r is by_rank[bounds[r]:bounds[r + 1]].
    """
    by_comp = stable_argsort_ints(comp)
    starts = group_starts(comp[by_comp])
    sizes = np.diff(np.concatenate([starts, [len(comp)]]))
    rank = np.empty(len(comp), dtype=np.int64)
    rank[by_comp] = np.arange(len(comp)) - np.repeat(starts, sizes)
    return stable_argsort_ints(rank), np.concatenate([[0], np.cumsum(np.bincount(rank))])


def _match(
    owner: np.ndarray, cand_gt: np.ndarray, cand_iou: np.ndarray, num_pred: int,
    num_gt: int, thresholds: np.ndarray,
) -> np.ndarray:
    """Greedy matching of all predictions, processed by rank within component.

    Every few rounds, predictions that can no longer be a TP (each candidate with
    IoU >= θ is locked at θ, for every θ; locks are never released) are dropped as
    FPs and the ranks of the rest are recomputed, so long lists behind saturated GTs
    cost no rounds.

    Args:
        owner, cand_gt, cand_iou: [S] output of :func:`_candidates`.
        num_pred: P (sorted predictions).
        num_gt: G.
        thresholds: [K].

    Returns:
        [K, P] bool TP flags (sorted prediction order).
    """
    tp = np.zeros((len(thresholds), num_pred), dtype=bool)
    if len(owner) == 0:
        return tp
    preds, dense_gt, dense_iou = _dense(owner, cand_gt, cand_iou, num_gt)
    comp = _components(owner, cand_gt, num_gt)[dense_gt[:, 0]]  # [Pc]
    locked = np.zeros((num_gt + 1, len(thresholds)), dtype=bool)  # [G + 1, K], last = dummy
    hits = np.zeros((len(preds), len(thresholds)), dtype=bool)  # [Pc, K]
    alive = np.arange(len(preds))  # undecided predictions, score order
    budget = 8
    while len(alive):
        by_rank, bounds = _rounds(comp[alive])
        for r in range(min(budget, len(bounds) - 1)):
            idx = alive[by_rank[bounds[r] : bounds[r + 1]]]  # [n] one per component
            cg = dense_gt[idx]  # [n, W]
            pick = (~locked[cg]).argmax(axis=1)  # [n, K] first unlocked candidate
            hit = np.take_along_axis(dense_iou[idx], pick, axis=1) >= thresholds  # [n, K]
            nn, kk = np.nonzero(hit)
            locked[cg[nn, pick[nn, kk]], kk] = True
            hits[idx] = hit
        if budget >= len(bounds) - 1:
            break
        rest = alive[by_rank[bounds[budget] :]]  # [m] not processed yet
        # alive iff some candidate reaches the lowest threshold its GT is still free at
        lowest_free = np.where(locked, np.inf, thresholds).min(axis=1)  # [G + 1]
        reach = dense_iou[rest] >= lowest_free[dense_gt[rest]]  # [m, W]
        alive = np.sort(rest[reach.any(axis=1)])
        budget *= 2
    tp[:, preds] = hits.T
    return tp


def _ap_from_tp(
    tp: np.ndarray, pred_class: np.ndarray, num_classes: int, npos: np.ndarray
) -> np.ndarray:
    """All-points AP per (class, threshold) from TP flags of class-sorted predictions.

    Args:
        tp: [K, P] bool, predictions sorted by (class, −score).
        pred_class: [P] class of each sorted prediction (non-decreasing).
        num_classes: C.
        npos: [C] GT count per class (>= 1 for every class).

    Returns:
        [C, K] AP.
    """
    k_thr = tp.shape[0]
    class_start = np.searchsorted(pred_class, np.arange(num_classes), side="left")  # [C]
    kk, pp = np.nonzero(tp)  # ordered by (k, p): segments (k, class) are contiguous
    cls = pred_class[pp]
    seg = kk * num_classes + cls  # [T]
    seg_first = np.searchsorted(seg, seg, side="left")
    seg_last = np.searchsorted(seg, seg, side="right") - 1
    cum_tp = (np.arange(len(seg)) - seg_first + 1).astype(np.float64)  # [T]
    rank_in_class = (pp - class_start[cls] + 1).astype(np.float64)  # cumTP + cumFP
    precision = cum_tp / rank_in_class  # [T]
    n = npos[cls].astype(np.float64)
    delta_recall = cum_tp / n - (cum_tp - 1.0) / n  # [T], the official difference
    best = segment_suffix_max(precision, seg_last)
    ap = np.bincount(seg, weights=delta_recall * best, minlength=k_thr * num_classes)
    return ap.reshape(k_thr, num_classes).T.copy()


def average_precision_per_class(
    gt_video: np.ndarray,
    gt_segments: np.ndarray,
    gt_class: np.ndarray,
    pred_video: np.ndarray,
    pred_segments: np.ndarray,
    pred_class: np.ndarray,
    pred_score: np.ndarray,
    num_classes: int,
    tiou_thresholds: np.ndarray,
) -> np.ndarray:
    """Detection AP of every class at every threshold (vectorised path).

    Args:
        gt_video: [G] int video codes (shared with ``pred_video``), file order.
        gt_segments: [G, 2] seconds, end >= start.
        gt_class: [G] int in [0, C); every class has at least one GT.
        pred_video: [P] int video codes.
        pred_segments: [P, 2] seconds, end >= start.
        pred_class: [P] int in [0, C).
        pred_score: [P] finite floats; row order breaks ties (earlier first).
        num_classes: C.
        tiou_thresholds: [K] thresholds in [0, 1].

    Returns:
        [C, K] float64 AP.
    """
    thresholds = np.asarray(tiou_thresholds, dtype=np.float64).reshape(-1)
    gt_class = np.asarray(gt_class, dtype=np.int64)
    npos = np.bincount(gt_class, minlength=num_classes)  # [C]
    order = stable_descending_order(np.asarray(pred_score, dtype=np.float64))  # [P]
    order = order[stable_argsort_ints(np.asarray(pred_class)[order])]  # class, score, row
    p_class = np.asarray(pred_class, dtype=np.int64)[order]  # [P]
    p_seg = np.asarray(pred_segments, dtype=np.float64)[order]  # [P, 2]
    p_key = np.asarray(pred_video, dtype=np.int64)[order] * num_classes + p_class  # [P]
    g_key = np.asarray(gt_video, dtype=np.int64) * num_classes + gt_class  # [G]
    g_seg = np.asarray(gt_segments, dtype=np.float64)  # [G, 2]

    # only predictions whose (video, class) has GT can be TPs; the others are FPs
    near = np.flatnonzero(np.isin(p_key, g_key))  # [P'] ascending
    owner, cand_gt, cand_iou = _candidates(
        p_key[near], p_seg[near], g_key, g_seg, float(thresholds.min())
    )
    tp = _match(near[owner], cand_gt, cand_iou, len(order), len(g_key), thresholds)  # [K, P]
    return _ap_from_tp(tp, p_class, num_classes, npos)
