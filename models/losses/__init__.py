"""Losses: pure functions plus thin registered wrappers."""

from models.losses.focal import SigmoidFocalLoss, reduce_loss, sigmoid_focal_loss
from models.losses.iou_1d import DIoULoss1d, GIoULoss1d, ctr_diou_loss_1d, ctr_giou_loss_1d
from models.losses.iou_weighted import (
    IoUWeightedLoss,
    iou_weight_positives,
    iou_weighted_loss,
    iou_weights,
    weight_positive_entries,
)
from models.losses.normalizer import LossNormalizer
from models.losses.varifocal import VarifocalLoss, varifocal_loss

__all__ = [
    "DIoULoss1d", "GIoULoss1d", "IoUWeightedLoss", "LossNormalizer", "SigmoidFocalLoss",
    "VarifocalLoss", "ctr_diou_loss_1d", "ctr_giou_loss_1d", "iou_weight_positives",
    "iou_weighted_loss", "iou_weights", "reduce_loss", "sigmoid_focal_loss", "varifocal_loss",
    "weight_positive_entries",
]
