"""IoU-weighted classification loss (TriDet; CLTDR-GMG weights its refined term the same way).

Every positive (point, class) entry of a per-entry classification loss is multiplied by
IoU^p, the IoU of that pair's decoded offsets with its target (``1 − ctr_giou_loss_1d``). As
in the official code the weight is not detached by default, so the regression branch also
receives gradient through it: d(IoU·L)/d IoU = L > 0 pushes the IoU *down* while L is large
(``detach_iou_weight=True`` stops that gradient; a harness switch, models/cltdr_gmg/README.md).
"""

from __future__ import annotations

from torch import Tensor, nn

from harness.errors import ConfigError
from harness.registry import MODELS
from models.losses.focal import reduce_loss, sigmoid_focal_loss
from models.losses.iou_1d import ctr_giou_loss_1d
from models.losses.varifocal import varifocal_loss


def iou_weights(
    pred_offsets: Tensor, target_offsets: Tensor, power: float, *, detach: bool = False
) -> Tensor:
    """(1 − GIoU loss)^power = IoU^power of each pair.

    Args:
        pred_offsets, target_offsets: float [M, 2] non-negative (left, right) offsets.
        power: exponent p (official ``iou_weight_power``).
        detach: no gradient through the weight (official: False).

    Returns:
        float [M].
    """
    if detach:
        pred_offsets = pred_offsets.detach()
    return (1 - ctr_giou_loss_1d(pred_offsets, target_offsets, reduction="none")) ** power


def weight_positive_entries(loss: Tensor, positive: Tensor, weights: Tensor) -> Tensor:
    """Multiply the positive entries of ``loss`` by ``weights`` (row-major order).

    Args:
        loss: float [N, K] per-entry loss.
        positive: bool [N, K] with exactly M True entries.
        weights: float [M], one per True entry of ``positive`` in row-major order.

    Returns:
        float [N, K].
    """
    assert int(positive.sum()) == weights.numel(), (
        f"{int(positive.sum())} positive entries but {weights.numel()} weights"
    )
    factor = loss.new_ones(loss.shape).masked_scatter(positive, weights.to(loss.dtype))
    return loss * factor  # [N, K]


def iou_weight_positives(
    loss: Tensor, positive: Tensor, pred_offsets: Tensor, target_offsets: Tensor, *,
    power: float, reduction: str, detach: bool = False,
) -> Tensor:
    """A per-entry loss [N, K] with its positive entries × IoU^``power``, then reduced.

    Args:
        loss: float [N, K]; positive: bool [N, K] (one True per pair, row-major = pair order).
        pred_offsets, target_offsets: float [M, 2] of the pairs.
        power: p; reduction: 'none' | 'mean' | 'sum'; detach: no gradient through IoU^p.
    """
    weights = iou_weights(pred_offsets, target_offsets, power, detach=detach)  # [M]
    return reduce_loss(weight_positive_entries(loss, positive, weights), reduction)


PER_ENTRY_LOSSES = ("focal", "varifocal")


def per_entry_loss(inputs: Tensor, targets: Tensor, loss: str, *, alpha: float, gamma: float) -> Tensor:
    """The unweighted per-entry loss [N, K]: sigmoid focal or varifocal (summed by the caller)."""
    if loss == "focal":
        return sigmoid_focal_loss(inputs, targets, alpha=alpha, gamma=gamma, reduction="none")
    if loss == "varifocal":
        return varifocal_loss(inputs, targets, alpha=alpha, gamma=gamma, reduction="none")
    raise ConfigError(f"IoUWeightedLoss loss must be one of {PER_ENTRY_LOSSES}, got {loss!r}")


def iou_weighted_loss(
    inputs: Tensor,
    targets: Tensor,
    positive: Tensor,
    pred_offsets: Tensor,
    target_offsets: Tensor,
    *,
    iou_weight_power: float,
    loss: str = "focal",
    alpha: float = 0.25,
    gamma: float = 2.0,
    reduction: str = "sum",
    detach_iou_weight: bool = False,
) -> Tensor:
    """Focal (TriDet ``losses``) or varifocal loss (CLTDR-GMG refined term) × IoU^p on positives.

    Args:
        inputs: float [N, K] logits of the valid points; targets: float [N, K] (smoothed).
        positive: bool [N, K], the GT entries (one per pair, row-major = pair order).
        pred_offsets, target_offsets: float [M, 2] decoded offsets of the pairs and targets.
        iou_weight_power: p.
        loss: 'focal' | 'varifocal', the per-entry loss.
        alpha, gamma: its parameters.
        reduction: 'none' | 'mean' | 'sum'.
        detach_iou_weight: no gradient through IoU^p (official: False).

    Returns:
        float [N, K] or 0-dim.
    """
    per_entry = per_entry_loss(inputs, targets, loss, alpha=alpha, gamma=gamma)  # [N, K]
    return iou_weight_positives(per_entry, positive, pred_offsets, target_offsets,
                                power=iou_weight_power, reduction=reduction,
                                detach=detach_iou_weight)


@MODELS.register_module()
class IoUWeightedLoss(nn.Module):
    """:func:`iou_weighted_loss` as a registered module (default: focal, summed).

    TriDet's ``cls_loss`` (``loss='focal'``) and CLTDR-GMG's refined term (``'focal'`` or
    ``'varifocal'``). Call: (logits [N, K], smoothed targets [N, K], positive bool [N, K],
    predicted and target offsets [M, 2] of the pairs).
    """

    def __init__(
        self,
        *,
        iou_weight_power: float = 1.0,
        loss: str = "focal",
        alpha: float = 0.25,
        gamma: float = 2.0,
        reduction: str = "sum",
        detach_iou_weight: bool = False,
    ) -> None:
        super().__init__()
        if loss not in PER_ENTRY_LOSSES:
            raise ConfigError(f"IoUWeightedLoss loss must be one of {PER_ENTRY_LOSSES}, got {loss!r}")
        self.iou_weight_power = iou_weight_power
        self.loss = loss
        self.alpha = alpha
        self.gamma = gamma
        self.reduction = reduction
        self.detach_iou_weight = detach_iou_weight

    def forward(
        self, inputs: Tensor, targets: Tensor, positive: Tensor, pred_offsets: Tensor,
        target_offsets: Tensor,
    ) -> Tensor:
        return iou_weighted_loss(
            inputs, targets, positive, pred_offsets, target_offsets,
            iou_weight_power=self.iou_weight_power, loss=self.loss, alpha=self.alpha,
            gamma=self.gamma, reduction=self.reduction, detach_iou_weight=self.detach_iou_weight,
        )
