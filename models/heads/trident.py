"""The Trident head (TriDet; reused by CLTDR-GMG): boundary heads + centre offsets → distributions.

The head itself is three ordinary dense heads, kept as top-level children of the detector so
that the official state-dict keys hold (``start_head``, ``end_head``, ``reg_head``):

* ``start_head`` / ``end_head``: :class:`~models.heads.cls_head.ClsHead` (K logits, kernel
  ``boudary_kernel_size``, prior bias) on **detached** features;
* ``reg_head``: :class:`~models.heads.reg_head.RegHead` with 2·(nb+1) channels (→ Scale → ReLU).

:func:`trident_head_configs` builds their configs; :func:`trident_offsets` turns their outputs
into class-specific boundary distances of every (point, class) (models.md §3):

    P_left(b)  = softmax_b(start[t − b] + off_left[nb − b])
    P_right(b) = softmax_b(end[t + b] + off_right[b]),        b = 0..nb
    offset     = Σ_b b·P(b)   (stride units)

with boundary logits read as 0 outside the (padded) sequence. The official code decodes every
(point, class) and then indexes; :func:`trident_offsets_at` / :func:`pyramid_offsets_at` decode
only the pairs a caller uses (the positive pairs of the losses, the pre-NMS candidates), with
the same values; :func:`positive_pairs` lists the positive pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

SIDES = ("start", "end")


def trident_head_configs(
    *,
    input_dim: int,
    feat_dim: int,
    num_classes: int,
    num_levels: int,
    num_bins: int,
    prior_prob: float = 0.01,
    empty_cls: Sequence[int] = (),
    num_layers: int = 3,
    kernel_size: int = 3,
    boundary_kernel_size: int = 3,
    with_ln: bool = True,
) -> dict[str, dict[str, Any]]:
    """Registry configs of the three Trident sub-heads, keyed by their official names.

    Args:
        input_dim, feat_dim: FPN and head widths.
        num_classes: K (one boundary logit per class).
        num_levels: pyramid levels (one ``Scale`` each in ``reg_head``).
        num_bins: nb; the centre-offset head outputs 2·(nb+1) channels.
        prior_prob, empty_cls: classifier-bias init of the boundary heads (as ``cls_head``).
        num_layers, kernel_size: tower depth and kernel of ``reg_head``.
        boundary_kernel_size: kernel of the boundary heads (official ``boudary_kernel_size``).
        with_ln: LayerNorm in the towers.

    Returns:
        {'start_head': cfg, 'end_head': cfg, 'reg_head': cfg} in the official build order.
    """
    boundary = dict(
        type="ClsHead", input_dim=input_dim, feat_dim=feat_dim, num_classes=num_classes,
        prior_prob=prior_prob, num_layers=num_layers, kernel_size=boundary_kernel_size,
        with_ln=with_ln, empty_cls=list(empty_cls), detach_feats=True,
    )
    return {
        "start_head": boundary,
        "end_head": dict(boundary),
        "reg_head": dict(
            type="RegHead", input_dim=input_dim, feat_dim=feat_dim, num_levels=num_levels,
            out_channels=2 * (num_bins + 1), num_layers=num_layers, kernel_size=kernel_size,
            with_ln=with_ln,
        ),
    }


def boundary_windows(logits: Tensor, num_bins: int, side: str) -> Tensor:
    """The nb+1 boundary logits each point looks at, zero outside the sequence.

    Args:
        logits: float [B, K, T] boundary-head output of one level.
        num_bins: nb.
        side: 'start' (window j holds logits[t − nb + j]) or 'end' (logits[t + j]).

    Returns:
        float [B, T, K, nb+1] (a strided view of the padded logits, permuted).
    """
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, got {side!r}")
    pad = (num_bins, 0) if side == "start" else (0, num_bins)
    windows = F.pad(logits, pad).unfold(-1, num_bins + 1, 1)  # [B, K, T, nb+1]
    return windows.permute(0, 2, 1, 3)  # [B, T, K, nb+1]


def expected_distances(left_logits: Tensor, right_logits: Tensor) -> Tensor:
    """Expected (left, right) distance of the two boundary distributions, any leading shape.

    As the official ``decode_offset``: softmax over the last axis; where the end-side
    distribution is NaN both sides are zeroed; the expectations are matrix products with the
    bin distances (nb..0 on the start side, whose window runs from t − nb to t; 0..nb on the
    end side).

    Args:
        left_logits, right_logits: float [..., nb+1] start-window and end-window logits
            (boundary logits + centre-offset logits).

    Returns:
        float [..., 2] distances in units of the level stride.
    """
    left = torch.softmax(left_logits, dim=-1)  # [..., nb+1]
    right = torch.softmax(right_logits, dim=-1)  # [..., nb+1]
    nan = torch.isnan(right)
    left = left.masked_fill(nan, 0.0)
    right = right.masked_fill(nan, 0.0)
    bins = torch.arange(left.shape[-1], dtype=left.dtype, device=left.device)  # [nb+1]
    dist_left = torch.matmul(left, bins.flip(0).unsqueeze(-1))  # [..., 1]
    dist_right = torch.matmul(right, bins.unsqueeze(-1))  # [..., 1]
    return torch.cat((dist_left, dist_right), dim=-1)  # [..., 2]


def _center_bins(center_offsets: Tensor, num_bins: int) -> Tensor:
    """[B, 2·(nb+1), T] → [B, T, 2, nb+1] (row 0 start side, row 1 end side)."""
    B, R, T = center_offsets.shape
    assert R == 2 * (num_bins + 1), f"expected {2 * (num_bins + 1)} offset channels, got {R}"
    return center_offsets.permute(0, 2, 1).reshape(B, T, 2, num_bins + 1)


def trident_offsets(
    center_offsets: Tensor, start_logits: Tensor, end_logits: Tensor, *, num_bins: int
) -> Tensor:
    """Expected start/end distances of every (point, class) of one level (official layout).

    Args:
        center_offsets: float [B, 2·(nb+1), T] centre-offset head output of one level
            (channels 0..nb: start side, nb+1..2nb+1: end side).
        start_logits, end_logits: float [B, K, T] boundary-head outputs of the same level.
        num_bins: nb.

    Returns:
        float [B, T, K, 2] (left, right) distances in units of the level stride.
    """
    off = _center_bins(center_offsets, num_bins)  # [B, T, 2, nb+1]
    left = boundary_windows(start_logits, num_bins, "start") + off[:, :, None, 0]  # [B, T, K, nb+1]
    right = boundary_windows(end_logits, num_bins, "end") + off[:, :, None, 1]  # [B, T, K, nb+1]
    return expected_distances(left, right)  # [B, T, K, 2]


def trident_offsets_at(
    center_offsets: Tensor,
    start_logits: Tensor,
    end_logits: Tensor,
    batch_idx: Tensor,
    point_idx: Tensor,
    cls_idx: Tensor,
    *,
    num_bins: int,
) -> Tensor:
    """:func:`trident_offsets` of selected (video, point, class) triples of one level only.

    Each triple's distributions use the same nb+1 logits as the full decode, so the values
    are those of ``trident_offsets(...)[b, t, k]`` (up to float rounding); gradients reach
    only the logits the triples read.

    Args:
        center_offsets: float [B, 2·(nb+1), T]; start_logits, end_logits: float [B, K, T].
        batch_idx, point_idx, cls_idx: int64 [M] indices into B, T, K.
        num_bins: nb.

    Returns:
        float [M, 2] distances in stride units.
    """
    off = _center_bins(center_offsets, num_bins)[batch_idx, point_idx]  # [M, 2, nb+1]
    start = boundary_windows(start_logits, num_bins, "start")  # [B, T, K, nb+1] (view)
    end = boundary_windows(end_logits, num_bins, "end")  # [B, T, K, nb+1] (view)
    left = start[batch_idx, point_idx, cls_idx] + off[:, 0]  # [M, nb+1]
    right = end[batch_idx, point_idx, cls_idx] + off[:, 1]  # [M, nb+1]
    return expected_distances(left, right)  # [M, 2]


def positive_pairs(
    gt_cls: Tensor, gt_offsets: Tensor, pos_mask: Tensor
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Every positive (video, point, class) entry, point-major, with its regression target.

    Args:
        gt_cls: float [B, P, K] multi-hot class targets.
        gt_offsets: float [B, P, 2] regression targets of the assigned GT.
        pos_mask: bool [B, P] positive (and valid) points.

    Returns:
        (batch_idx [M], point_idx [M] (into P, all levels), cls_idx [M], target float [M, 2]);
        M = number of positive entries of ``gt_cls[pos_mask]``; a point with two labels gives
        two rows with the same target.
    """
    batch_idx, point_idx = pos_mask.nonzero(as_tuple=True)  # [N_pos]
    pair_point, cls_idx = gt_cls[pos_mask].nonzero(as_tuple=True)  # [M]
    target = gt_offsets[pos_mask][pair_point]  # [M, 2]
    return batch_idx[pair_point], point_idx[pair_point], cls_idx, target


def pyramid_offsets_at(
    center_offsets: Sequence[Tensor],
    start_logits: Sequence[Tensor],
    end_logits: Sequence[Tensor],
    batch_idx: Tensor,
    point_idx: Tensor,
    cls_idx: Tensor,
    *,
    num_bins: int,
) -> Tensor:
    """:func:`trident_offsets_at` for points indexed over all levels (levels concatenated).

    Args:
        center_offsets, start_logits, end_logits: per level [B, 2·(nb+1), T_l] / [B, K, T_l].
        batch_idx, point_idx, cls_idx: int64 [M]; ``point_idx`` runs over Σ T_l.
        num_bins: nb.

    Returns:
        float [M, 2] distances in stride units of each point's level, in the input order.
    """
    out = center_offsets[0].new_zeros((point_idx.numel(), 2))  # [M, 2]
    begin = 0
    for center, start, end in zip(center_offsets, start_logits, end_logits):
        length = center.shape[-1]
        sel = ((point_idx >= begin) & (point_idx < begin + length)).nonzero(as_tuple=True)[0]
        # also when ``sel`` is empty: the official code decodes every point and then indexes
        # the positives, so a level without positives stays in the graph and its parameters
        # (``reg_head.scale.<l>``) get an exact-zero gradient, not None; AdamW steps them
        out = out.index_put((sel,), trident_offsets_at(
            center, start, end, batch_idx[sel], point_idx[sel] - begin, cls_idx[sel],
            num_bins=num_bins,
        ))
        begin += length
    return out
