"""Official ``batched_nms``: per-class or class-agnostic NMS, voting, final sort and cut.

Official: happyharrycn/actionformer_release @ 61ea7eb ``libs/utils/nms.py`` (TriDet and
CLTDR-GMG copies differ only in the voting weight, ``voting_weight='score'``).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from models.postprocess.detections import Detections
from models.postprocess.nms_1d import (
    as_numpy_candidates,
    hard_nms_groups,
    soft_nms_groups,
    to_detections,
)
from models.postprocess.voting import VOTING_WEIGHTS, seg_voting

GAUSSIAN = 2  # batched_nms always runs Soft-NMS with the Gaussian method


def _run_groups(
    seg: np.ndarray, sc: np.ndarray, groups: np.ndarray, num_groups: int, *,
    use_soft_nms: bool, iou_threshold: float, min_score: float, max_seg_num: int, sigma: float,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(input indices [M_g], scores [M_g]) per group from the Gaussian soft op or the hard op."""
    if use_soft_nms:
        return soft_nms_groups(
            seg, sc, groups, num_groups, iou_threshold=iou_threshold, sigma=sigma,
            min_score=min_score, method=GAUSSIAN, max_num=max_seg_num,
        )
    kept = hard_nms_groups(seg, sc, groups, num_groups, iou_threshold=iou_threshold,
                           min_score=min_score, max_num=max_seg_num)
    return [(k, sc[k]) for k in kept]


def _class_groups(lab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Classes in ``torch.unique`` order (ascending) and each candidate's class position."""
    classes, groups = np.unique(lab, return_inverse=True)  # [G], [N]
    return classes, groups.reshape(-1).astype(np.int64)


def per_class_nms(
    segments: Tensor,
    scores: Tensor,
    labels: Tensor,
    *,
    iou_threshold: float,
    min_score: float,
    max_seg_num: int,
    use_soft_nms: bool = True,
    sigma: float = 0.5,
) -> list[tuple[int, Detections]]:
    """The op calls of multiclass ``batched_nms``, one per class in ``torch.unique`` order.

    Each class's candidates, in input order, go through Gaussian ``SoftNMSop`` (max_num =
    max_seg_num) or ``NMSop``; all classes run together in one vectorised loop.

    Args:
        segments: float [N, 2]; scores: float [N]; labels: int64 [N].
        iou_threshold, min_score, max_seg_num, use_soft_nms, sigma: as :func:`batched_nms`.

    Returns:
        (class_id, Detections) per class present, classes ascending.
    """
    seg, sc, lab = as_numpy_candidates(segments, scores, labels)
    classes, groups = _class_groups(lab)
    parts = _run_groups(seg, sc, groups, classes.size, use_soft_nms=use_soft_nms,
                        iou_threshold=iou_threshold, min_score=min_score,
                        max_seg_num=max_seg_num, sigma=sigma)
    return [(int(c), to_detections(seg, sc, lab, idx, new_sc))
            for c, (idx, new_sc) in zip(classes.tolist(), parts)]


def batched_nms(
    segments: Tensor,
    scores: Tensor,
    labels: Tensor,
    *,
    iou_threshold: float,
    min_score: float,
    max_seg_num: int,
    use_soft_nms: bool = True,
    multiclass: bool = True,
    sigma: float = 0.5,
    voting_thresh: float = 0.75,
    voting_weight: str = "score_iou",
) -> Detections:
    """NMS of one video's candidates, exactly as the official ``batched_nms``.

    1. Empty input → empty Detections (labels keep their dtype).
    2. ``multiclass``: :func:`per_class_nms`, concatenated in class order, no voting.
       Otherwise one op call over all candidates, then :func:`seg_voting` against all
       inputs if ``voting_thresh > 0``.
    3. ``scores.sort(descending=True)`` (torch's unstable sort, as the official code) and
       keep the first ``min(max_seg_num, M)`` rows.

    Args:
        segments: float32 [N, 2] candidates (grid units in the official pipelines).
        scores: float32 [N]; labels: int64 [N].
        iou_threshold: used by hard NMS only (Gaussian Soft-NMS ignores it).
        min_score: removal threshold (Soft-NMS: decayed score < min; hard: keeps > min).
        max_seg_num: cap per op call and after the final sort (>= 1).
        use_soft_nms: Gaussian Soft-NMS (True) or hard NMS.
        multiclass: per class (True) or class-agnostic.
        sigma: Gaussian Soft-NMS width, weight exp(-IoU^2/sigma).
        voting_thresh: IoU threshold of voting (class-agnostic only; <= 0 disables).
        voting_weight: 'score_iou' (ActionFormer) or 'score' (TriDet, CLTDR-GMG).

    Returns:
        Detections [M <= max_seg_num], scores descending.
    """
    seg, sc, lab = as_numpy_candidates(segments, scores, labels)
    if voting_weight not in VOTING_WEIGHTS:
        raise ValueError(f"voting_weight must be one of {VOTING_WEIGHTS}, got {voting_weight!r}")
    if sc.size == 0:
        return Detections.empty(labels.dtype)
    if multiclass:
        classes, groups = _class_groups(lab)
    else:
        classes, groups = np.zeros(1), np.zeros(sc.size, dtype=np.int64)
    parts = _run_groups(seg, sc, groups, classes.size, use_soft_nms=use_soft_nms,
                        iou_threshold=iou_threshold, min_score=min_score,
                        max_seg_num=max_seg_num, sigma=sigma)  # class order = unique order
    idx = np.concatenate([p[0] for p in parts])  # [M] input rows, class after class
    new_sc = np.concatenate([p[1] for p in parts])  # [M] decayed (soft) or original scores
    kept_seg = seg[idx]  # [M, 2]
    if not multiclass and voting_thresh > 0:
        kept_seg = seg_voting(
            torch.from_numpy(kept_seg), torch.from_numpy(seg), torch.from_numpy(sc),
            voting_thresh=voting_thresh, voting_weight=voting_weight,
        ).numpy()  # [M, 2]
    order = torch.sort(torch.from_numpy(new_sc), descending=True)[1].numpy()  # not stable
    order = order[: min(max_seg_num, order.size)]  # [M']
    return Detections(torch.from_numpy(kept_seg[order]), torch.from_numpy(new_sc[order]),
                      torch.from_numpy(lab[idx][order]))
