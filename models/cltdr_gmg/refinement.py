"""The CLTDR refinement of the TriDet outputs (reference README §D.3), as pure functions."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor


def refine_logits(cls_logits: Sequence[Tensor], prob_logits: Sequence[Tensor]) -> list[Tensor]:
    """Refined classification logits = cls logit × refinement logit (a product of *raw* logits).

    No sigmoid, no sum: two negative logits give a positive one (official).

    Args:
        cls_logits, prob_logits: lists over levels of float [B, K, T_l].

    Returns:
        list over levels of float [B, K, T_l].
    """
    assert len(cls_logits) == len(prob_logits)
    return [c * p for c, p in zip(cls_logits, prob_logits)]


def refine_offsets(
    offsets: Tensor, t: Tensor, stride: Tensor, start_shift: Tensor, end_shift: Tensor
) -> Tensor:
    """Shift the decoded edges by the class-wise refinement (grid units, no stride scaling).

        left  = t − d_l·s + Δs,   right = t + d_r·s + Δe
        d'_l  = max((t − left)/s, 0),   d'_r = max((right − t)/s, 0)

    Args:
        offsets: float [..., 2] Trident distances (d_l, d_r) in stride units.
        t, stride: float [...] point position (grid units) and level stride, broadcastable.
        start_shift, end_shift: float [...] Δs, Δe in grid units.

    Returns:
        float [..., 2] refined distances in stride units, >= 0.
    """
    left = t - offsets[..., 0] * stride + start_shift  # [...]
    right = t + offsets[..., 1] * stride + end_shift  # [...]
    d_left = torch.clamp((t - left) / stride, min=0)
    d_right = torch.clamp((right - t) / stride, min=0)
    return torch.stack((d_left, d_right), dim=-1)  # [..., 2]


def refine_offsets_dense(
    offsets: Tensor, points: Tensor, start_shift: Tensor, end_shift: Tensor
) -> Tensor:
    """:func:`refine_offsets` of every (point, class) of one or all levels.

    Args:
        offsets: float [B, T, K, 2] decoded Trident distances (stride units).
        points: float [T, 4] rows (t, lo, hi, stride).
        start_shift, end_shift: float [B, K, T] refine-head outputs.

    Returns:
        float [B, T, K, 2].
    """
    t = points[None, :, None, 0]  # [1, T, 1]
    s = points[None, :, None, 3]  # [1, T, 1]
    return refine_offsets(
        offsets, t, s, start_shift.permute(0, 2, 1), end_shift.permute(0, 2, 1)
    )
