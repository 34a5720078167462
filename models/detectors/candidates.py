"""Pre-NMS candidate selection of one video (models.md §1 "Inference", steps 1–4)."""

from __future__ import annotations

import torch
from torch import Tensor


def top_candidates(
    cls_logits: Tensor, mask: Tensor, *, pre_nms_thresh: float, pre_nms_topk: int
) -> tuple[Tensor, Tensor, Tensor]:
    """Scores above the threshold, the top k of them, as (point, class) pairs.

    Args:
        cls_logits: float [T_l, K] logits of one level (point-major).
        mask: bool [T_l].
        pre_nms_thresh: keep sigmoid(logit)·mask > this.
        pre_nms_topk: then keep the k highest (descending sort, as the official).

    Returns:
        (scores float [n], point indices int64 [n], class indices int64 [n]).
    """
    num_classes = cls_logits.shape[-1]
    probs = (cls_logits.sigmoid() * mask.unsqueeze(-1)).flatten()  # [T_l·K]
    keep = probs > pre_nms_thresh
    probs = probs[keep]
    flat_idx = keep.nonzero(as_tuple=True)[0]  # [n0]
    k = min(pre_nms_topk, flat_idx.numel())
    probs, order = probs.sort(descending=True)
    probs = probs[:k].clone()
    flat_idx = flat_idx[order[:k]].clone()
    pt_idx = torch.div(flat_idx, num_classes, rounding_mode="floor")  # [n]
    cls_idx = torch.fmod(flat_idx, num_classes)  # [n]
    return probs, pt_idx, cls_idx


def decode_center_offsets(points: Tensor, offsets: Tensor) -> Tensor:
    """[t − d_l·s, t + d_r·s] in grid units.

    Args:
        points: float [n, 4] (t, lo, hi, s); offsets: float [n, 2] in stride units.

    Returns:
        float [n, 2] segments.
    """
    left = points[:, 0] - offsets[:, 0] * points[:, 3]
    right = points[:, 0] + offsets[:, 1] * points[:, 3]
    return torch.stack((left, right), -1)
