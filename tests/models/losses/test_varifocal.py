"""Varifocal loss (CLTDR-GMG): hand-computed formula, IoU-weighted wrapper, gradients."""

from __future__ import annotations

import math

import pytest
import torch

from harness.registry import MODELS
from models.losses.iou_weighted import IoUWeightedLoss, iou_weighted_loss, iou_weights
from models.losses.varifocal import VarifocalLoss, varifocal_loss


def _bce(x: float, t: float) -> float:
    p = 1 / (1 + math.exp(-x))
    return -(t * math.log(p) + (1 - t) * math.log(1 - p))


def test_formula_by_hand():
    x = torch.tensor([-2.0, 0.5, 3.0, -0.1, 1.2])
    t = torch.tensor([0.0, 1.0, 1.0, 0.3, 0.0])
    loss = varifocal_loss(x, t)
    plain = varifocal_loss(x, t, iou_weighted=False)
    for xi, ti, li, pi in zip(x.tolist(), t.tolist(), loss.tolist(), plain.tolist()):
        p = 1 / (1 + math.exp(-xi))
        w = ti if ti > 0 else 0.25 * abs(p - ti) ** 2
        w_plain = 1.0 if ti > 0 else 0.25 * abs(p - ti) ** 2
        assert math.isclose(li, _bce(xi, ti) * w, rel_tol=1e-5)
        assert math.isclose(pi, _bce(xi, ti) * w_plain, rel_tol=1e-5)
    # one-hot positives: plain BCE, no alpha; a soft positive is scaled by its target
    assert math.isclose(loss[1].item(), _bce(0.5, 1.0), rel_tol=1e-6)
    assert loss[3].item() < plain[3].item()
    assert math.isclose(VarifocalLoss()(x, t).item(), loss.sum().item(), rel_tol=1e-6)
    assert math.isclose(varifocal_loss(x, t, reduction="mean").item(), loss.mean().item(), rel_tol=1e-6)
    with pytest.raises(ValueError):
        varifocal_loss(x, t, reduction="avg")


def test_label_smoothing_weights_every_entry_by_its_target():
    x = torch.randn(6, 4)
    eps = 0.1
    t = torch.zeros(6, 4)
    t[0, 1] = 1.0
    smooth = t * (1 - eps) + eps / 5
    assert torch.allclose(varifocal_loss(x, smooth),
                          torch.nn.functional.binary_cross_entropy_with_logits(
                              x, smooth, reduction="none") * smooth)


def test_weight_is_not_detached():
    """Negatives' weight α|σ(x) − t|^γ carries gradient (official: no detach)."""
    x = torch.tensor([0.7], requires_grad=True)
    varifocal_loss(x, torch.zeros(1)).sum().backward()
    p = torch.sigmoid(torch.tensor(0.7)).item()
    bce = _bce(0.7, 0.0)
    # d/dx [0.25 p^2 · bce] = 0.25 (2 p · p(1−p) · bce + p^2 · p)
    expected = 0.25 * (2 * p * p * (1 - p) * bce + p * p * p)
    assert math.isclose(x.grad.item(), expected, rel_tol=1e-5)


def test_iou_weighted_variant_scales_positives_only():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(5, 3, generator=g)
    t = torch.zeros(5, 3)
    t[1, 0] = t[3, 2] = 1.0
    positive = t > 0
    pred = torch.tensor([[1.0, 2.0], [0.5, 0.5]])
    target = torch.tensor([[1.5, 2.0], [0.5, 1.0]])
    w = iou_weights(pred, target, 0.2)
    per = iou_weighted_loss(x, t, positive, pred, target, iou_weight_power=0.2,
                            loss="varifocal", reduction="none")
    base = varifocal_loss(x, t)
    assert torch.allclose(per[~positive], base[~positive])
    assert torch.allclose(per[positive], base[positive] * w)
    module = MODELS.build(dict(type="IoUWeightedLoss", loss="varifocal", iou_weight_power=0.2))
    assert isinstance(module, IoUWeightedLoss)
    assert math.isclose(module(x, t, positive, pred, target).item(), per.sum().item(), rel_tol=1e-6)
    assert isinstance(MODELS.build(dict(type="VarifocalLoss")), VarifocalLoss)


def test_detached_iou_weight_stops_the_gradient_to_the_offsets():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(5, 3, generator=g).requires_grad_()
    t = torch.zeros(5, 3)
    t[1, 0] = t[3, 2] = 1.0
    target = torch.tensor([[1.5, 2.0], [0.5, 1.0]])
    out = {}
    for detach in (False, True):
        pred = torch.tensor([[1.0, 2.0], [0.5, 0.5]], requires_grad=True)
        loss = MODELS.build(dict(type="IoUWeightedLoss", loss="varifocal", iou_weight_power=1.0,
                                 detach_iou_weight=detach))(x, t, t > 0, pred, target)
        loss.backward()
        out[detach] = (loss.detach(), pred.grad)
    assert torch.equal(out[False][0], out[True][0])
    assert out[False][1].abs().sum() > 0 and out[True][1] is None
