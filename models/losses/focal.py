"""Sigmoid focal loss (the fvcore form used by all three detectors)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from harness.registry import MODELS


def reduce_loss(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be none|mean|sum, got {reduction!r}")


def sigmoid_focal_loss(
    inputs: Tensor,
    targets: Tensor,
    *,
    alpha: float = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
) -> Tensor:
    """loss = α_t · (1 − p_t)^γ · BCE(x, y), p_t = p·y + (1−p)(1−y), α_t = α·y + (1−α)(1−y).

    ``alpha < 0`` disables the α weighting. Computed in float32.

    Args:
        inputs: logits, any shape; targets: same shape, in [0, 1].
        alpha, gamma: focal parameters.
        reduction: 'none' | 'mean' | 'sum'.

    Returns:
        per-element loss (same shape) or a 0-dim tensor.
    """
    inputs = inputs.float()
    targets = targets.float()
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return reduce_loss(loss, reduction)


@MODELS.register_module()
class SigmoidFocalLoss(nn.Module):
    """Registered wrapper of :func:`sigmoid_focal_loss` (default: summed)."""

    def __init__(self, *, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "sum") -> None:
        super().__init__()
        self.alpha = alpha
        self.gamma = gamma
        self.reduction = reduction

    def forward(self, inputs: Tensor, targets: Tensor) -> Tensor:
        return sigmoid_focal_loss(
            inputs, targets, alpha=self.alpha, gamma=self.gamma, reduction=self.reduction
        )
