"""1-D Soft-NMS and hard NMS: exact ports of the official ``SoftNMSop`` and ``NMSop``.

Official: happyharrycn/actionformer_release @ 61ea7eb, ``libs/utils/nms.py`` and
``libs/utils/csrc/nms_cpu.cpp`` (byte-identical in TriDet and CLTDR-GMG). Soft-NMS runs the
C++ loop line for line under numba (:mod:`models.postprocess.soft_nms_jit`, all groups in one
call); hard NMS runs vectorised over groups in :mod:`models.postprocess.nms_core`. The public
functions take and return tensors, the ``*_groups`` helpers work on numpy arrays (torch's
multi-threaded indexing of small tensors is slow on busy machines). Behaviour (tests/golden/reference/README.md §E):

* Soft-NMS keeps a score equal to ``min_score`` (strict ``<`` removes); the selected
  maximum is never checked, so a group whose candidates are all below ``min_score``
  keeps exactly one; ties go to the first maximum in the current (swapped) array order.
* Hard NMS first keeps ``score > min_score`` (strict, when ``min_score > 0``), sorts with
  ``torch.sort(descending=True)`` (not stable, as the C++ ``at::sort``) and suppresses
  IoU >= threshold greedily.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from models.postprocess.detections import Detections
from models.postprocess.nms_core import (
    SOFT_NMS_METHODS,
    bucket_groups,
    hard_nms_rows,
    pack_rows,
    soft_nms_method_error,
)


def as_numpy_candidates(
    segments: Tensor, scores: Tensor, labels: Tensor
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check shapes (ValueError unless [N, 2], [N], [N]) and return CPU numpy arrays
    (views of float32 CPU tensors; callers never write into them).

    Returns:
        (segments float32 [N, 2], scores float32 [N], labels [N] in their own dtype).
    """
    n = scores.shape[0] if scores.dim() == 1 else -1
    if segments.shape != (n, 2) or labels.shape != (n,):
        raise ValueError(
            f"NMS input: segments {tuple(segments.shape)}, scores {tuple(scores.shape)} and"
            f" labels {tuple(labels.shape)} are not [N, 2], [N], [N]"
        )
    seg = segments.detach().cpu().to(torch.float32).numpy()  # [N, 2]
    sc = scores.detach().cpu().to(torch.float32).numpy()  # [N]
    return seg, sc, labels.detach().cpu().numpy()


def to_detections(
    seg: np.ndarray, sc: np.ndarray, lab: np.ndarray, idx: np.ndarray, new_sc: np.ndarray | None = None
) -> Detections:
    """Rows ``idx`` of numpy candidates as a Detections (``new_sc`` replaces the scores)."""
    scores = sc[idx] if new_sc is None else new_sc
    return Detections(torch.from_numpy(np.ascontiguousarray(seg[idx])),
                      torch.from_numpy(np.ascontiguousarray(scores, dtype=np.float32)),
                      torch.from_numpy(np.ascontiguousarray(lab[idx])))


def _check_max_num(max_num: int) -> None:
    if int(max_num) < 1:
        raise ValueError(f"NMS max_num / max_seg_num must be >= 1, got {max_num}")


def soft_nms_groups(
    seg: np.ndarray,
    sc: np.ndarray,
    groups: np.ndarray,
    num_groups: int,
    *,
    iou_threshold: float,
    sigma: float,
    min_score: float,
    method: int,
    max_num: int,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``SoftNMSop.apply`` on each group of candidates (input order inside a group).

    Args:
        seg: float32 [N, 2]; sc: float32 [N].
        groups: int64 [N] group index in [0, num_groups) per candidate.
        num_groups: number of groups G (every group gets an entry, maybe empty).
        iou_threshold, sigma, min_score, method, max_num: as :func:`soft_nms_1d`.

    Returns:
        Per group (input indices int64 [M_g] in selection order, decayed scores float32
        [M_g]); M_g = min(survivors, max_num).
    """
    _check_max_num(max_num)
    if method not in SOFT_NMS_METHODS:
        raise soft_nms_method_error(method)
    # numba (and its JIT cache) load on the first Soft-NMS call, not when models is imported
    from models.postprocess.soft_nms_jit import soft_nms_packed

    order = np.argsort(groups, kind="stable")  # [N] group after group, input order inside
    counts = np.bincount(groups, minlength=num_groups)  # [G]
    idx, out_sc, kept = soft_nms_packed(
        seg[order, 0], seg[order, 1], sc[order], order, counts, iou_threshold=iou_threshold,
        sigma=sigma, min_score=min_score, method=method, max_num=max_num,
    )  # [N] selections of each group at the start of its range, [N], [G]
    starts = (np.cumsum(counts) - counts).tolist()
    return [(idx[s : s + k].copy(), out_sc[s : s + k].copy()) for s, k in zip(starts, kept.tolist())]


def hard_nms_groups(
    seg: np.ndarray,
    sc: np.ndarray,
    groups: np.ndarray,
    num_groups: int,
    *,
    iou_threshold: float,
    min_score: float,
    max_num: int,
) -> list[np.ndarray]:
    """``NMSop.apply`` on each group of candidates (see :func:`nms_1d`).

    Returns:
        Per group, input indices int64 [M_g <= max_num] in descending score order.
    """
    _check_max_num(max_num)
    idx = np.arange(sc.size)
    if min_score > 0:
        idx = idx[sc > np.float32(min_score)]  # strict, in float32 as the official mask
    grp = groups[idx]
    members = np.split(idx[np.argsort(grp, kind="stable")],
                       np.cumsum(np.bincount(grp, minlength=num_groups))[:-1])
    ranked = []  # per group: input indices in descending score order (the C++ at::sort)
    for m in members:
        order = torch.sort(torch.from_numpy(sc[m]), descending=True)[1].numpy()
        ranked.append(m[order])
    flat = np.concatenate(ranked) if ranked else np.zeros(0, dtype=np.int64)
    kept = [np.zeros(0, dtype=np.int64)] * num_groups
    for bucket in bucket_groups(np.bincount(groups[flat], minlength=num_groups)):
        data, counts = pack_rows(
            [seg[flat, 0], seg[flat, 1]], groups[flat], bucket, pads=[0.0, 0.0]
        )  # [2, R_b, W_b] in descending score order per row
        cols, num = hard_nms_rows(data, counts, iou_threshold=iou_threshold, max_num=max_num)
        for r, g in enumerate(bucket.tolist()):
            kept[g] = ranked[g][cols[r, : num[r]]]  # [M_g]
    return kept


def soft_nms_1d(
    segments: Tensor,
    scores: Tensor,
    labels: Tensor,
    *,
    iou_threshold: float,
    sigma: float,
    min_score: float,
    method: int,
    max_num: int,
) -> Detections:
    """Official ``SoftNMSop.apply`` over all candidates (one group).

    Args:
        segments: float [N, 2] (start, end); scores: float [N]; labels: int [N].
        iou_threshold: used by method 0 (drop IoU >= thr) and 1 (scale by 1-IoU if >= thr).
        sigma: Gaussian width of method 2, weight exp(-IoU^2 / sigma).
        min_score: entries whose decayed score falls below it are removed.
        method: 0 hard, 1 linear, 2 Gaussian.
        max_num: keep the first min(survivors, max_num) selections (>= 1).

    Returns:
        Detections in selection order (scores non-increasing, decayed).
    """
    seg, sc, lab = as_numpy_candidates(segments, scores, labels)
    ((idx, new_sc),) = soft_nms_groups(
        seg, sc, np.zeros(sc.size, dtype=np.int64), 1, iou_threshold=iou_threshold,
        sigma=sigma, min_score=min_score, method=method, max_num=max_num,
    )
    return to_detections(seg, sc, lab, idx, new_sc)


def nms_1d(
    segments: Tensor,
    scores: Tensor,
    labels: Tensor,
    *,
    iou_threshold: float,
    min_score: float,
    max_num: int,
) -> Detections:
    """Official ``NMSop.apply``: greedy hard NMS over all candidates (one group).

    Args:
        segments: float [N, 2]; scores: float [N]; labels: int [N].
        iou_threshold: a kept segment suppresses later ones with IoU >= thr (+1e-6 lengths).
        min_score: if > 0, only candidates with score > min_score (strict) take part.
        max_num: keep at most max_num (>= 1).

    Returns:
        Detections in descending score order; scores unchanged.
    """
    seg, sc, lab = as_numpy_candidates(segments, scores, labels)
    (idx,) = hard_nms_groups(
        seg, sc, np.zeros(sc.size, dtype=np.int64), 1, iou_threshold=iou_threshold,
        min_score=min_score, max_num=max_num,
    )
    return to_detections(seg, sc, lab, idx)
