"""IoU-weighted classification loss (TriDet; CLTDR-GMG weights its refined term the same way).

Every positive (point, class) entry of a per-entry classification loss is multiplied by
IoU^p, the IoU of that pair's decoded offsets with its target (``1 − ctr_giou_loss_1d``). As
in the official code the weight is not detached by default, so the regression branch also
receives gradient through it: d(IoU·L)/d IoU = L > 0 pushes the IoU *down* while L is large
(``detach_iou_weight=True`` stops that gradient; a harness switch, models/cltdr_gmg/README.md).
"""

from __future__ import annotations

from torch import Tensor, nn

from harness.registry import MODELS
from models.losses.focal import reduce_loss, sigmoid_focal_loss
from models.losses.iou_1d import ctr_giou_loss_1d


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


def iou_weighted_focal_loss(
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
    """Sigmoid focal loss whose positive entries are scaled by IoU^p (TriDet ``losses``).

    Args:
        inputs: float [N, K] logits of the valid points; targets: float [N, K] (smoothed).
        positive: bool [N, K], the GT entries (one per pair, row-major = pair order).
        pred_offsets, target_offsets: float [M, 2] decoded offsets of the pairs and targets.
        iou_weight_power: p.
        alpha, gamma: focal parameters.
        reduction: 'none' | 'mean' | 'sum'.
        detach_iou_weight: no gradient through IoU^p (official: False).

    Returns:
        float [N, K] or 0-dim.
    """
    loss = sigmoid_focal_loss(inputs, targets, alpha=alpha, gamma=gamma, reduction="none")
    return iou_weight_positives(loss, positive, pred_offsets, target_offsets,
                                power=iou_weight_power, reduction=reduction,
                                detach=detach_iou_weight)


class IoUWeightedLoss(nn.Module):
    """Base of the registered IoU-weighted classification losses (default: summed).

    A subclass gives the unweighted per-entry loss (:meth:`per_entry`); the call multiplies its
    positive entries by IoU^p (:func:`iou_weight_positives`). Call: (logits [N, K], smoothed
    targets [N, K], positive bool [N, K], predicted and target offsets [M, 2] of the pairs).
    """

    def __init__(
        self,
        *,
        iou_weight_power: float = 1.0,
        alpha: float = 0.25,
        gamma: float = 2.0,
        reduction: str = "sum",
        detach_iou_weight: bool = False,
    ) -> None:
        super().__init__()
        self.iou_weight_power = iou_weight_power
        self.alpha = alpha
        self.gamma = gamma
        self.reduction = reduction
        self.detach_iou_weight = detach_iou_weight

    def per_entry(self, inputs: Tensor, targets: Tensor) -> Tensor:
        """Unweighted loss [N, K]."""
        raise NotImplementedError

    def forward(
        self, inputs: Tensor, targets: Tensor, positive: Tensor, pred_offsets: Tensor,
        target_offsets: Tensor,
    ) -> Tensor:
        return iou_weight_positives(
            self.per_entry(inputs, targets), positive, pred_offsets, target_offsets,
            power=self.iou_weight_power, reduction=self.reduction,
            detach=self.detach_iou_weight,
        )


@MODELS.register_module()
class IoUWeightedFocalLoss(IoUWeightedLoss):
    """:func:`iou_weighted_focal_loss` as a registered module (TriDet's ``cls_loss``)."""

    def per_entry(self, inputs: Tensor, targets: Tensor) -> Tensor:
        return sigmoid_focal_loss(inputs, targets, alpha=self.alpha, gamma=self.gamma,
                                  reduction="none")
