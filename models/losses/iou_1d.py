"""1-D IoU-family losses on centre offsets (left, right distances from the same point)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from harness.registry import MODELS
from models.losses.focal import reduce_loss


def _iou_terms(pred: Tensor, target: Tensor, eps: float) -> tuple[Tensor, ...]:
    pred, target = pred.float(), target.float()
    assert (pred >= 0.0).all(), "predicted offsets must be non-negative"
    assert (target >= 0.0).all(), "GT offsets must be non-negative"
    lp, rp = pred[:, 0], pred[:, 1]
    lg, rg = target[:, 0], target[:, 1]
    inter = torch.min(rp, rg) + torch.min(lp, lg)  # [N]
    union = (lp + rp) + (lg + rg) - inter  # [N]
    iou = inter / union.clamp(min=eps)  # [N]
    return iou, lp, rp, lg, rg


def ctr_giou_loss_1d(
    pred: Tensor, target: Tensor, *, reduction: str = "none", eps: float = 1e-8
) -> Tensor:
    """1 − IoU (1-D GIoU reduces to IoU for segments sharing a point).

    Args:
        pred, target: float [N, 2] non-negative (left, right) offsets.
        reduction: 'none' | 'mean' | 'sum'.
        eps: clamp of the union.

    Returns:
        float [N] or 0-dim.
    """
    iou = _iou_terms(pred, target, eps)[0]
    return reduce_loss(1.0 - iou, reduction)


def ctr_diou_loss_1d(
    pred: Tensor, target: Tensor, *, reduction: str = "none", eps: float = 1e-8
) -> Tensor:
    """1 − IoU + (ρ / E)², ρ = ½(r − l − r* + l*) the centre distance, E the enclosing length.

    Args:
        pred, target: float [N, 2] non-negative (left, right) offsets.
        reduction: 'none' | 'mean' | 'sum'.
        eps: clamp of the union and of the enclosing length.

    Returns:
        float [N] or 0-dim.
    """
    iou, lp, rp, lg, rg = _iou_terms(pred, target, eps)
    enclose = torch.max(lp, lg) + torch.max(rp, rg)  # [N]
    rho = 0.5 * (rp - lp - rg + lg)  # [N]
    loss = 1.0 - iou + torch.square(rho / enclose.clamp(min=eps))
    return reduce_loss(loss, reduction)


@MODELS.register_module()
class DIoULoss1d(nn.Module):
    """Registered wrapper of :func:`ctr_diou_loss_1d` (default: summed)."""

    def __init__(self, *, reduction: str = "sum", eps: float = 1e-8) -> None:
        super().__init__()
        self.reduction = reduction
        self.eps = eps

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return ctr_diou_loss_1d(pred, target, reduction=self.reduction, eps=self.eps)


@MODELS.register_module()
class GIoULoss1d(nn.Module):
    """Registered wrapper of :func:`ctr_giou_loss_1d` (default: summed)."""

    def __init__(self, *, reduction: str = "sum", eps: float = 1e-8) -> None:
        super().__init__()
        self.reduction = reduction
        self.eps = eps

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return ctr_giou_loss_1d(pred, target, reduction=self.reduction, eps=self.eps)
