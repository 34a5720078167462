"""Varifocal loss (CLTDR-GMG's classification loss; α 0.25, γ 2, IoU-weighted form).

    loss = BCE(x, t) · w,   w = t·[t > 0] + α·|σ(x) − t|^γ·[t ≤ 0]     (iou_weighted)
                            w = [t > 0]   + α·|σ(x) − t|^γ·[t ≤ 0]     (otherwise)

With one-hot targets positives get the plain BCE (no α) and negatives α·σ(x)^γ·BCE; with
label smoothing every target is > 0, so every entry is weighted by its smoothed target.
The weight is not detached (gradients flow through σ(x)), as in the official code.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from harness.registry import MODELS
from models.losses.focal import reduce_loss
from models.losses.iou_weighted import IoUWeightedLoss, iou_weight_positives


def varifocal_loss(
    inputs: Tensor,
    targets: Tensor,
    *,
    alpha: float = 0.25,
    gamma: float = 2.0,
    iou_weighted: bool = True,
    reduction: str = "none",
) -> Tensor:
    """Per-entry varifocal loss (formula in the module docstring). Computed in float32.

    Args:
        inputs: logits, any shape; targets: same shape, in [0, 1].
        alpha, gamma: weight and exponent of the negative entries.
        iou_weighted: weight positives by their target (True) or by 1.
        reduction: 'none' | 'mean' | 'sum'.

    Returns:
        per-element loss (same shape) or a 0-dim tensor.
    """
    inputs = inputs.float()
    targets = targets.float()
    positive = (targets > 0).float()
    pos_weight = targets * positive if iou_weighted else positive
    neg_weight = alpha * (inputs.sigmoid() - targets).abs().pow(gamma) * (1.0 - positive)
    bce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    return reduce_loss(bce * (pos_weight + neg_weight), reduction)


def iou_weighted_varifocal_loss(
    inputs: Tensor,
    targets: Tensor,
    positive: Tensor,
    pred_offsets: Tensor,
    target_offsets: Tensor,
    *,
    iou_weight_power: float,
    alpha: float = 0.25,
    gamma: float = 2.0,
    reduction: str = "sum",
    detach_iou_weight: bool = False,
) -> Tensor:
    """Varifocal loss whose positive entries are scaled by IoU^p (CLTDR-GMG refined term).

    Args:
        inputs: float [N, K] logits of the valid points; targets: float [N, K] (smoothed).
        positive: bool [N, K], the GT entries (one per pair, row-major = pair order).
        pred_offsets, target_offsets: float [M, 2] decoded offsets of the pairs and targets.
        iou_weight_power: p.
        alpha, gamma: varifocal parameters.
        reduction: 'none' | 'mean' | 'sum'.
        detach_iou_weight: no gradient through IoU^p (official: False).

    Returns:
        float [N, K] or 0-dim.
    """
    loss = varifocal_loss(inputs, targets, alpha=alpha, gamma=gamma, reduction="none")
    return iou_weight_positives(loss, positive, pred_offsets, target_offsets,
                                power=iou_weight_power, reduction=reduction,
                                detach=detach_iou_weight)


@MODELS.register_module()
class VarifocalLoss(nn.Module):
    """Registered wrapper of :func:`varifocal_loss` (default: summed)."""

    def __init__(
        self,
        *,
        alpha: float = 0.25,
        gamma: float = 2.0,
        iou_weighted: bool = True,
        reduction: str = "sum",
    ) -> None:
        super().__init__()
        self.alpha = alpha
        self.gamma = gamma
        self.iou_weighted = iou_weighted
        self.reduction = reduction

    def forward(self, inputs: Tensor, targets: Tensor) -> Tensor:
        return varifocal_loss(
            inputs, targets, alpha=self.alpha, gamma=self.gamma,
            iou_weighted=self.iou_weighted, reduction=self.reduction,
        )


@MODELS.register_module()
class IoUWeightedVarifocalLoss(IoUWeightedLoss):
    """:func:`iou_weighted_varifocal_loss` as a registered module (CLTDR-GMG's refined term);
    same call as ``IoUWeightedFocalLoss``."""

    def per_entry(self, inputs: Tensor, targets: Tensor) -> Tensor:
        return varifocal_loss(inputs, targets, alpha=self.alpha, gamma=self.gamma,
                              reduction="none")


__all__ = [
    "IoUWeightedVarifocalLoss", "VarifocalLoss", "iou_weighted_varifocal_loss", "varifocal_loss",
]
