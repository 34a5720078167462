"""Trident head: boundary windows, distribution decode (vs a loop over the formula), pairs."""

from __future__ import annotations

import pytest
import torch

from harness.registry import MODELS
from models.heads.trident import (
    boundary_windows,
    positive_pairs,
    pyramid_offsets_at,
    trident_head_configs,
    trident_offsets,
    trident_offsets_at,
)


def test_boundary_windows_read_neighbours_and_zero_outside():
    logits = torch.arange(1.0, 7.0).view(1, 1, 6)  # values 1..6 at t = 0..5
    start = boundary_windows(logits, 2, "start")  # [1, 6, 1, 3]
    end = boundary_windows(logits, 2, "end")
    assert start.shape == end.shape == (1, 6, 1, 3)
    # start window j holds logits[t - 2 + j]; end window j holds logits[t + j]
    assert start[0, 0, 0].tolist() == [0.0, 0.0, 1.0]
    assert start[0, 3, 0].tolist() == [2.0, 3.0, 4.0]
    assert end[0, 4, 0].tolist() == [5.0, 6.0, 0.0]
    with pytest.raises(ValueError):
        boundary_windows(logits, 2, "middle")


def _loop_decode(center, start, end, nb):
    """models.md §3 written out: P_left(b) ∝ exp(start[t−b] + off_left[nb−b]), etc."""
    B, K, T = start.shape
    out = torch.zeros(B, T, K, 2, dtype=torch.float64)
    for b_ in range(B):
        for t in range(T):
            for k in range(K):
                sl, sr = [], []
                for b in range(nb + 1):
                    s = start[b_, k, t - b] if t - b >= 0 else 0.0
                    e = end[b_, k, t + b] if t + b < T else 0.0
                    sl.append(float(s) + float(center[b_, nb - b, t]))
                    sr.append(float(e) + float(center[b_, nb + 1 + b, t]))
                pl = torch.softmax(torch.tensor(sl, dtype=torch.float64), 0)
                pr = torch.softmax(torch.tensor(sr, dtype=torch.float64), 0)
                bins = torch.arange(nb + 1, dtype=torch.float64)
                out[b_, t, k, 0] = (pl * bins).sum()
                out[b_, t, k, 1] = (pr * bins).sum()
    return out


def test_trident_offsets_equal_the_formula():
    torch.manual_seed(0)
    nb, B, K, T = 4, 2, 3, 9
    center = torch.randn(B, 2 * (nb + 1), T)
    start, end = torch.randn(B, K, T), torch.randn(B, K, T)
    got = trident_offsets(center, start, end, num_bins=nb)
    assert got.shape == (B, T, K, 2)
    assert torch.allclose(got.double(), _loop_decode(center, start, end, nb), atol=1e-5)
    assert (got >= 0).all() and (got <= nb).all()


def test_trident_offsets_peaked_distribution_gives_the_bin():
    nb, T = 3, 8
    center = torch.zeros(1, 2 * (nb + 1), T)
    start = torch.full((1, 1, T), -50.0)
    end = torch.full((1, 1, T), -50.0)
    start[0, 0, 2] = 50.0  # the start boundary at t = 2
    end[0, 0, 6] = 50.0  # the end boundary at t = 6
    got = trident_offsets(center, start, end, num_bins=nb)  # [1, T, 1, 2]
    assert torch.allclose(got[0, 4, 0], torch.tensor([2.0, 2.0]), atol=1e-4)
    assert torch.allclose(got[0, 3, 0], torch.tensor([1.0, 3.0]), atol=1e-4)


def test_trident_offsets_gradients_reach_all_three_inputs():
    nb = 2
    center = torch.randn(1, 2 * (nb + 1), 5, requires_grad=True)
    start = torch.randn(1, 2, 5, requires_grad=True)
    end = torch.randn(1, 2, 5, requires_grad=True)
    trident_offsets(center, start, end, num_bins=nb).sum().backward()
    assert all(t.grad is not None and t.grad.abs().sum() > 0 for t in (center, start, end))


def test_positive_pairs_one_row_per_positive_point_class():
    gt_cls = torch.zeros(2, 3, 2)
    gt_cls[0, 1] = torch.tensor([1.0, 1.0])  # a point with two labels
    gt_cls[1, 2, 1] = 1.0
    gt_cls[1, 0, 0] = 1.0  # positive label but an invalid point
    gt_offsets = torch.arange(12, dtype=torch.float32).view(2, 3, 2)
    pos = (gt_cls.sum(-1) > 0) & torch.tensor([[True] * 3, [False, True, True]])
    b, p, k, target = positive_pairs(gt_cls, gt_offsets, pos)
    assert list(zip(b.tolist(), p.tolist(), k.tolist())) == [(0, 1, 0), (0, 1, 1), (1, 2, 1)]
    assert target.tolist() == [gt_offsets[0, 1].tolist()] * 2 + [gt_offsets[1, 2].tolist()]


def test_selected_pairs_equal_the_full_decode_on_every_level():
    torch.manual_seed(1)
    nb, B, K, lens = 3, 2, 4, (12, 6, 3)
    center = [torch.randn(B, 2 * (nb + 1), t, requires_grad=True) for t in lens]
    start = [torch.randn(B, K, t, requires_grad=True) for t in lens]
    end = [torch.randn(B, K, t) for t in lens]
    full = torch.cat([trident_offsets(c, s, e, num_bins=nb)
                      for c, s, e in zip(center, start, end)], 1)  # [B, 21, K, 2]
    b = torch.tensor([1, 0, 0, 1, 1])
    p = torch.tensor([20, 0, 11, 12, 17])  # across all three levels, edges included
    k = torch.tensor([3, 0, 2, 1, 1])
    got = pyramid_offsets_at(center, start, end, b, p, k, num_bins=nb)
    assert torch.allclose(got, full[b, p, k], atol=1e-6)
    one = trident_offsets_at(center[0], start[0], end[0], b[:3] * 0, p[1:4] % 12, k[:3],
                             num_bins=nb)
    assert torch.allclose(one, full[0, p[1:4] % 12, k[:3]], atol=1e-6)
    got.sum().backward()  # only the logits the selected windows read receive gradient
    grad = start[0].grad
    assert grad[0, 2, :12].abs().sum() > 0 and grad[0, 1].abs().sum() == 0
    # level 2 (points 18..20) holds one pair, of video 1: video 0 gets no gradient there
    assert center[2].grad[1].abs().sum() > 0 and center[2].grad[0].abs().sum() == 0
def test_head_configs_build_official_keys():
    cfgs = trident_head_configs(input_dim=8, feat_dim=8, num_classes=3, num_levels=2,
                                num_bins=4, boundary_kernel_size=1, empty_cls=[2])
    assert list(cfgs) == ["start_head", "end_head", "reg_head"]
    start = MODELS.build(cfgs["start_head"])
    reg = MODELS.build(cfgs["reg_head"])
    assert start.detach_feats and start.cls_head.conv.kernel_size == (1,)
    assert start.cls_head.conv.bias[2].item() < -13.8
    assert reg.offset_head.conv.out_channels == 10 and len(reg.scale) == 2
