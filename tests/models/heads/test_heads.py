"""ClsHead and RegHead: init, shapes, masking, per-level scale, detached features."""

from __future__ import annotations

import math

import torch

from models.heads.cls_head import ClsHead, prior_bias
from models.heads.reg_head import RegHead


def _pyramid(b=2, c=8, lengths=(16, 8, 4), valid=(16, 5)):
    feats = [torch.randn(b, c, t, requires_grad=True) for t in lengths]
    masks = [(torch.arange(t)[None] < torch.tensor([math.ceil(v * t / lengths[0]) for v in valid])[:, None])[:, None]
             for t in lengths]
    return feats, masks


def test_cls_head_init_and_outputs():
    torch.manual_seed(0)
    head = ClsHead(input_dim=8, feat_dim=6, num_classes=5, empty_cls=[3])
    bias = head.cls_head.conv.bias
    assert math.isclose(prior_bias(0.01), -4.59511985, rel_tol=1e-7)
    assert torch.allclose(bias[[0, 1, 2, 4]], torch.full((4,), prior_bias(0.01)))
    assert math.isclose(bias[3].item(), -13.815510, rel_tol=1e-6)
    assert set(head.state_dict()) == {
        "head.0.conv.weight", "head.1.conv.weight", "norm.0.weight", "norm.0.bias",
        "norm.1.weight", "norm.1.bias", "cls_head.conv.weight", "cls_head.conv.bias"}
    feats, masks = _pyramid()
    logits = head(feats, masks)
    for lg, m, f in zip(logits, masks, feats):
        assert lg.shape == (2, 5, f.shape[-1])
        assert (lg[~m.expand_as(lg)] == 0).all()
    sum(lg.sum() for lg in logits).backward()
    assert feats[0].grad is not None


def test_cls_head_detached_features_get_no_gradient():
    head = ClsHead(input_dim=8, feat_dim=6, num_classes=2, detach_feats=True, with_ln=False,
                   num_layers=2)
    assert "head.0.conv.bias" in head.state_dict()
    feats, masks = _pyramid()
    sum(lg.sum() for lg in head(feats, masks)).backward()
    assert feats[0].grad is None and head.cls_head.conv.weight.grad is not None


def test_reg_head_scales_relu_and_width():
    torch.manual_seed(1)
    head = RegHead(input_dim=8, feat_dim=6, num_levels=3, out_channels=34)
    assert [s.scale.item() for s in head.scale] == [1.0, 1.0, 1.0]
    feats, masks = _pyramid()
    out = head(feats, masks)
    assert [o.shape[1] for o in out] == [34, 34, 34]
    assert all((o >= 0).all() for o in out)
    with torch.no_grad():
        head.scale[1].scale.fill_(0.0)
    assert (head(feats, masks)[1] == 0).all()
