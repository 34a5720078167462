"""Varifocal loss (CLTDR-GMG's classification loss; α 0.25, γ 2; IoU^p-weighted in
``models.losses.iou_weighted``).

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


__all__ = ["VarifocalLoss", "varifocal_loss"]
