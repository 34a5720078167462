"""Segment voting after class-agnostic NMS (official ``seg_voting``)."""

from __future__ import annotations

import torch
from torch import Tensor

VOTING_WEIGHTS = ("score_iou", "score")
# torch runs element-wise ops of fewer elements than its grain size (32768) on the calling
# thread; voting in row chunks below it avoids waking the intra-op thread pool, which costs
# tens of milliseconds on a busy machine, and gives the same values (rows are independent)
_CHUNK_ELEMENTS = 32768


def seg_voting(
    nms_segments: Tensor,
    all_segments: Tensor,
    all_scores: Tensor,
    *,
    voting_thresh: float,
    voting_weight: str = "score_iou",
) -> Tensor:
    """Replace every kept segment by the weighted mean of the input segments overlapping it.

    ``iou_kj = inter / (len_k + len_j - inter)`` (no +1e-6, lengths not clamped) against
    **all** pre-NMS candidates j with their original scores; weights
    ``[iou >= thr]·score_j·iou_kj`` (``'score_iou'``, ActionFormer) or ``[iou >= thr]·score_j``
    (``'score'``, TriDet/CLTDR-GMG), normalised per row and then multiplied with the segments,
    in that order, as the official code. A zero-length kept segment gives 0/0, i.e. a NaN row.

    Args:
        nms_segments: float32 [K, 2] kept segments.
        all_segments: float32 [N, 2] all candidates given to NMS.
        all_scores: float32 [N] their scores before any decay.
        voting_thresh: IoU threshold.
        voting_weight: 'score_iou' or 'score'.

    Returns:
        float32 [K, 2] voted segments.
    """
    if voting_weight not in VOTING_WEIGHTS:
        raise ValueError(f"voting_weight must be one of {VOTING_WEIGHTS}, got {voting_weight!r}")
    rows = max(1, _CHUNK_ELEMENTS // max(all_segments.shape[0], 1))
    return torch.cat([
        _vote_rows(nms_segments[k : k + rows], all_segments, all_scores, voting_thresh,
                   voting_weight)
        for k in range(0, nms_segments.shape[0], rows)
    ]) if nms_segments.shape[0] else nms_segments.clone()


def _vote_rows(
    nms_segments: Tensor, all_segments: Tensor, all_scores: Tensor, voting_thresh: float,
    voting_weight: str,
) -> Tensor:
    """Voting for a chunk of kept segments [k, 2] → [k, 2] (the official expressions)."""
    kept = nms_segments[:, None, :]  # [K, 1, 2]
    cand = all_segments[None, :, :]  # [1, N, 2]
    left = torch.maximum(kept[..., 0], cand[..., 0])  # [K, N]
    right = torch.minimum(kept[..., 1], cand[..., 1])  # [K, N]
    inter = (right - left).clamp(min=0)  # [K, N]
    kept_len = kept[..., 1] - kept[..., 0]  # [K, 1]
    cand_len = cand[..., 1] - cand[..., 0]  # [1, N]
    iou = inter / (kept_len + cand_len - inter)  # [K, N]
    weights = (iou >= voting_thresh).to(all_scores.dtype) * all_scores[None, :]  # [K, N]
    if voting_weight == "score_iou":
        weights = weights * iou
    weights = weights / torch.sum(weights, dim=1, keepdim=True)  # [K, N]
    return weights @ all_segments  # [K, 2]
