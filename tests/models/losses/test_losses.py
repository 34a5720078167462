"""Focal, DIoU/GIoU losses and the loss normaliser."""

from __future__ import annotations

import math

import pytest
import torch

from models.losses import (
    DIoULoss1d,
    GIoULoss1d,
    LossNormalizer,
    SigmoidFocalLoss,
    ctr_diou_loss_1d,
    ctr_giou_loss_1d,
    sigmoid_focal_loss,
)


def test_focal_loss_formula():
    x = torch.tensor([-2.0, 0.5, 3.0, -0.1])
    y = torch.tensor([0.0, 1.0, 1.0, 0.3])
    loss = sigmoid_focal_loss(x, y)
    for xi, yi, li in zip(x.tolist(), y.tolist(), loss.tolist()):
        p = 1 / (1 + math.exp(-xi))
        ce = -(yi * math.log(p) + (1 - yi) * math.log(1 - p))
        p_t = p * yi + (1 - p) * (1 - yi)
        a_t = 0.25 * yi + 0.75 * (1 - yi)
        assert math.isclose(li, a_t * ce * (1 - p_t) ** 2, rel_tol=1e-5)
    no_alpha = sigmoid_focal_loss(x, y, alpha=-1)
    assert no_alpha[1] > loss[1]
    assert math.isclose(SigmoidFocalLoss()(x, y).item(), loss.sum().item(), rel_tol=1e-6)
    with pytest.raises(ValueError):
        sigmoid_focal_loss(x, y, reduction="avg")


def test_diou_and_giou_hand_computed():
    pred = torch.tensor([[1.0, 3.0], [2.0, 2.0]], requires_grad=True)
    target = torch.tensor([[2.0, 2.0], [2.0, 2.0]])
    # row 0: I = 2 + 1 = 3, U = 4 + 4 - 3 = 5, E = 2 + 3 = 5, rho = 0.5 (3 - 1 - 2 + 2) = 1
    diou = ctr_diou_loss_1d(pred, target)
    assert torch.allclose(diou, torch.tensor([1 - 0.6 + 0.04, 0.0]))
    assert torch.allclose(ctr_giou_loss_1d(pred, target), torch.tensor([0.4, 0.0]))
    DIoULoss1d()(pred, target).backward()
    assert pred.grad is not None and torch.isfinite(pred.grad).all()
    assert math.isclose(GIoULoss1d()(pred, target).item(), 0.4, rel_tol=1e-6)
    with pytest.raises(AssertionError):
        ctr_diou_loss_1d(torch.tensor([[-1.0, 1.0]]), target[:1])


def test_loss_normalizer_updates_before_use():
    norm = LossNormalizer(100)
    assert norm.update(23) == pytest.approx(92.3) and norm.value == pytest.approx(92.3)
    assert norm.update(0) == pytest.approx(0.9 * 92.3 + 0.1)  # max(num_pos, 1)
    two = LossNormalizer(100, updates_per_iter=2)
    n1, n2 = two.step(23)
    assert n1 == pytest.approx(92.3) and n2 == pytest.approx(85.37)  # CLTDR-GMG: twice per iter
    two.reset()
    assert two.value == 100.0
