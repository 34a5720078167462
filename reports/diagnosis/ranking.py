"""Score orders, tIoU, greedy matching and normalised AP, vectorised with numpy.

Score ties (DETAD quirk 1). DETAD sorts scores in three ways, reproduced here by default:
``argsort_desc`` is numpy's default (non-stable) ``argsort()[::-1]`` (AP and removal),
``sort_values_desc`` is pandas' descending ``sort_values`` (false-positive profile,
sensitivity: numpy's default argsort of the reversed array, mapped back and reversed), and
``nlargest_desc`` is pandas' ``DataFrame.nlargest(n, 'score')`` (the limit: a stable top-n,
which the final mergesort of pandas' frame selection makes it). With ``stable=True`` all three are one stable descending order
(earlier row first among equal scores). The default orders follow numpy's sort of the same
array, so, as in DETAD, they may differ between numpy versions and CPUs on exact ties.
"""

from __future__ import annotations

import numpy as np


def stable_desc(scores: np.ndarray) -> np.ndarray:
    """[n] positions by descending score, earlier first among ties."""
    return np.argsort(-scores, kind="stable")


def argsort_desc(scores: np.ndarray, stable: bool = False) -> np.ndarray:
    """DETAD's ``scores.argsort()[::-1]``."""
    return stable_desc(scores) if stable else np.argsort(scores)[::-1]


def sort_values_desc(scores: np.ndarray, stable: bool = False) -> np.ndarray:
    """pandas ``Series.sort_values(ascending=False)`` (default quicksort)."""
    if stable:
        return stable_desc(scores)
    rev = np.arange(len(scores))[::-1]
    return rev[scores[::-1].argsort()][::-1]


def nlargest_desc(scores: np.ndarray, n: int, stable: bool = False) -> np.ndarray:
    """pandas ``DataFrame.nlargest(n, 'score')`` (keep='first'): the stable top n."""
    return stable_desc(scores)[:n]


def tiou(ps: np.ndarray, pe: np.ndarray, gs: np.ndarray, ge: np.ndarray) -> np.ndarray:
    """Elementwise tIoU with DETAD's operation order; 0 where the union is 0."""
    inter = (np.minimum(pe, ge) - np.maximum(ps, gs)).clip(0)
    union = (ge - gs) + (pe - ps) - inter
    out = np.zeros(np.broadcast(inter, union).shape)
    np.divide(inter, union, out=out, where=union != 0)
    return out


def pair_ranges(lo: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand ranges: (owner [S], position [S]) with position in [lo[i], lo[i] + counts[i])."""
    owner = np.repeat(np.arange(len(lo)), counts)
    first = np.cumsum(counts) - counts
    pos = np.arange(int(counts.sum())) - np.repeat(first, counts) + np.repeat(lo, counts)
    return owner, pos


def group_pairs(pred_key: np.ndarray, gt_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (prediction, GT) pair with equal keys.

    Returns:
        pred [S] (ascending), gt [S] (GT row; within a prediction in ascending row order).
    """
    by_key = np.argsort(gt_key, kind="stable")
    sorted_keys = gt_key[by_key]
    lo = np.searchsorted(sorted_keys, pred_key, "left")
    hi = np.searchsorted(sorted_keys, pred_key, "right")
    pred, pos = pair_ranges(lo, hi - lo)
    return pred, by_key[pos]


def greedy_match(
    rank: np.ndarray, group: np.ndarray, pair_pred: np.ndarray, pair_gt: np.ndarray,
    pair_iou: np.ndarray, threshold: float, num_gt: int, later_gt_first: bool = True,
) -> np.ndarray:
    """DETAD's matching at one threshold, for all classes and videos at once.

    Each prediction, in ``rank`` order, visits its candidate GTs by descending tIoU (ties:
    later GT row first by default, DETAD quirk 2), stops as FP at the first one below the
    threshold, skips locked ones, and locks the first free one. Equivalently it takes the
    first free candidate with tIoU >= threshold. Predictions interact only within their
    ``group`` (video, class), so every round decides the first undecided prediction of
    every group that still has a free candidate; one without any is an FP.

    Args:
        rank: [P] processing position of each prediction (a permutation).
        group: [P] (video, class) key of each prediction.
        pair_pred, pair_gt, pair_iou: [S] candidate pairs (same video and class).
        threshold: tIoU threshold.
        num_gt: G.
        later_gt_first: tIoU-tie order (False: earlier GT row first).

    Returns:
        [P] matched GT row, -1 for FPs.
    """
    matched = np.full(len(rank), -1, dtype=np.int64)
    keep = pair_iou >= threshold
    pp, pg, pi = pair_pred[keep], pair_gt[keep], pair_iou[keep]
    tie = -pg if later_gt_first else pg
    order = np.lexsort((tie, -pi, rank[pp]))  # by processing rank, then visiting order
    pp, pg = pp[order], pg[order]
    locked = np.zeros(num_gt, dtype=bool)
    while len(pp):
        free = ~locked[pg]
        pp, pg = pp[free], pg[free]
        if not len(pp):
            break
        firsts = np.flatnonzero(np.r_[True, pp[1:] != pp[:-1]])  # first free pair of each pred
        _, first_in_group = np.unique(group[pp[firsts]], return_index=True)
        win = firsts[first_in_group]  # the earliest-ranked undecided prediction per group
        matched[pp[win]] = pg[win]
        locked[pg[win]] = True
        done = np.zeros(len(rank), dtype=bool)
        done[pp[win]] = True
        rest = ~done[pp]
        pp, pg = pp[rest], pg[rest]
    return matched


def interpolated_ap(prec: np.ndarray, rec: np.ndarray) -> float:
    """VOC2011 interpolated AP (the ActivityNet evaluator's), vectorised, same float ops."""
    mprec = np.hstack([[0], prec, [0]])
    mrec = np.hstack([[0], rec, [1]])
    mprec = np.maximum.accumulate(mprec[::-1])[::-1]
    idx = np.where(mrec[1::] != mrec[0:-1])[0] + 1
    return float(np.sum((mrec[idx] - mrec[idx - 1]) * mprec[idx]))


def normalised_curve(tp: np.ndarray, npos: float, nbar: float) -> tuple[np.ndarray, np.ndarray]:
    """(precision_N [n], recall [n]) of ranked TP flags: P_N = R·N̄ / (R·N̄ + cumFP)."""
    tp_c = np.cumsum(tp).astype(float)
    fp_c = np.cumsum(~tp).astype(float)
    rec = tp_c / npos
    with np.errstate(invalid="ignore", divide="ignore"):
        prec = rec * nbar / (rec * nbar + fp_c)
    return prec, rec


def ap_n(tp: np.ndarray, npos: float, nbar: float) -> float:
    """Normalised AP of ranked TP flags (0 for an empty list, as DETAD)."""
    if len(tp) == 0:
        return 0.0
    prec, rec = normalised_curve(tp, npos, nbar)
    return interpolated_ap(prec, rec)


def cut_low_precision(tp: np.ndarray, npos: float, nbar: float, tau: float) -> np.ndarray:
    """[n] positions kept as TP after the cut: P_N <= tau (from the uncut sums) -> FP."""
    if tau <= 0 or len(tp) == 0:
        return tp
    prec, _ = normalised_curve(tp, npos, nbar)
    return tp & ~(prec <= tau)
