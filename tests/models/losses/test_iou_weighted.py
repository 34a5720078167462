"""IoU-weighted focal loss: positives × IoU^p in pair order, not detached; p = 0 is focal."""

from __future__ import annotations

import torch

from models.losses.focal import sigmoid_focal_loss
from models.losses.iou_weighted import (
    IoUWeightedLoss,
    iou_weighted_loss,
    iou_weights,
    weight_positive_entries,
)


def test_iou_weights_hand_computed():
    pred = torch.tensor([[1.0, 1.0], [2.0, 0.0]])
    target = torch.tensor([[1.0, 3.0], [1.0, 1.0]])
    # IoU: 2/4 = 0.5 and 1/3
    assert torch.allclose(iou_weights(pred, target, 1.0), torch.tensor([0.5, 1 / 3]))
    assert torch.allclose(iou_weights(pred, target, 0.5), torch.tensor([0.5, 1 / 3]).sqrt())


def test_weights_go_to_positive_entries_in_row_major_order():
    loss = torch.ones(3, 2)
    positive = torch.tensor([[False, True], [True, True], [False, False]])
    out = weight_positive_entries(loss, positive, torch.tensor([2.0, 3.0, 4.0]))
    assert out.tolist() == [[1.0, 2.0], [3.0, 4.0], [1.0, 1.0]]


def test_loss_value_and_gradient_through_the_iou():
    torch.manual_seed(0)
    logits = torch.randn(4, 3)
    targets = torch.zeros(4, 3)
    targets[1, 2] = 1.0
    targets[3, 0] = 1.0
    positive = targets > 0
    pred = torch.tensor([[1.0, 2.0], [0.5, 0.5]], requires_grad=True)
    tgt = torch.tensor([[1.0, 1.0], [1.0, 1.0]])
    loss = iou_weighted_loss(logits, targets, positive, pred, tgt, iou_weight_power=0.2)
    focal = sigmoid_focal_loss(logits, targets)  # [4, 3]
    iou = torch.tensor([2 / 3, 0.5])
    expected = focal.sum() - focal[1, 2] - focal[3, 0] + focal[1, 2] * iou[0] ** 0.2 \
        + focal[3, 0] * iou[1] ** 0.2
    assert torch.allclose(loss, expected)
    loss.backward()
    assert pred.grad is not None and pred.grad.abs().sum() > 0  # the IoU is not detached
    plain = IoUWeightedLoss(iou_weight_power=0.0)(logits, targets, positive, pred, tgt)
    assert torch.allclose(plain, focal.sum())


def test_detached_weight_same_value_no_gradient_to_the_offsets():
    """``detach_iou_weight``: same loss, but the offsets get no gradient through IoU^p."""
    torch.manual_seed(1)
    logits = torch.randn(4, 3, requires_grad=True)
    targets = torch.zeros(4, 3)
    targets[0, 1] = targets[2, 0] = 1.0
    positive = targets > 0
    tgt = torch.tensor([[1.0, 2.0], [0.5, 1.5]])
    grads, values = {}, {}
    for detach in (False, True):
        pred = torch.tensor([[0.5, 1.0], [1.0, 0.5]], requires_grad=True)
        loss = IoUWeightedLoss(iou_weight_power=1.0, detach_iou_weight=detach)(
            logits, targets, positive, pred, tgt)
        loss.backward()
        grads[detach], values[detach] = pred.grad, loss.detach()
    assert torch.equal(values[False], values[True])
    assert grads[False].abs().sum() > 0  # official: d(IoU·L)/d offsets ≠ 0
    assert grads[True] is None


def test_unknown_per_entry_loss_is_one_line_error():
    import pytest

    from harness.errors import ConfigError

    with pytest.raises(ConfigError, match="focal"):
        IoUWeightedLoss(loss="bce")
