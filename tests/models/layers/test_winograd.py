"""Winograd F(4, 3): transforms, forward and backward against F.conv1d, dispatch rules."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import models.layers.fast_conv as fast_conv
from models.heads.tower import ConvTowerHead
from models.layers.fast_conv import conv1d_fast, is_time_major, to_taps_layout
from models.layers.masked_conv import MaskedConv1d
from models.layers.winograd import (
    WinogradConv1d,
    input_transform,
    input_transform_backward,
    output_transform,
    output_transform_backward,
)

D = torch.float64


def test_transform_backwards_are_adjoints():
    """<T(x), y> = <x, T*(y)> for the input and the output transforms."""
    torch.manual_seed(0)
    x = torch.randn(2, 12, 5, dtype=D)  # [B, T, C], n = 3 tiles
    dv = torch.randn(6, 2, 3, 5, dtype=D)
    lhs = (input_transform(x) * dv).sum()
    rhs = (x * input_transform_backward(dv)).sum()
    torch.testing.assert_close(lhs, rhs)
    m = torch.randn(6, 2, 3, 5, dtype=D)
    dy = torch.randn(2, 12, 5, dtype=D)
    lhs = (output_transform(m.clone(), None) * dy).sum()
    rhs = (m * output_transform_backward(dy)).sum()
    torch.testing.assert_close(lhs, rhs)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(("batch", "t", "c_in", "c_out"), [(1, 4, 3, 2), (2, 24, 5, 7), (3, 16, 8, 8)])
def test_equals_conv1d_forward_and_backward(bias, batch, t, c_in, c_out):
    torch.manual_seed(1)
    x = torch.randn(batch, t, c_in, dtype=D, requires_grad=True)  # [B, T, C]
    w = torch.nn.Parameter(to_taps_layout(torch.randn(c_out, c_in, 3, dtype=D)))
    b = torch.nn.Parameter(torch.randn(c_out, dtype=D)) if bias else None
    out = WinogradConv1d.apply(x, w, b)  # [B, T, C_out]
    ref = F.conv1d(x.transpose(1, 2), w, b, padding=1).transpose(1, 2)
    torch.testing.assert_close(out, ref, rtol=1e-12, atol=1e-12)
    g = torch.randn_like(out)
    params = [x, w] + ([b] if bias else [])
    grads = torch.autograd.grad((out * g).sum(), params)
    ref_grads = torch.autograd.grad((ref * g).sum(), params)
    for got, exp in zip(grads, ref_grads):
        torch.testing.assert_close(got, exp, rtol=1e-12, atol=1e-12)
    assert grads[1].stride() == w.stride()  # weight gradient arrives in the taps layout


def test_float32_error_is_a_few_times_the_direct_sum():
    torch.manual_seed(2)
    x = torch.randn(2, 64, 96)  # [B, T, C]
    w = torch.randn(96, 96, 3) / 17
    ref = F.conv1d(x.double().transpose(1, 2), w.double(), padding=1).transpose(1, 2)
    direct = F.conv1d(x.transpose(1, 2), w, padding=1).transpose(1, 2)
    wino = WinogradConv1d.apply(x, w, None)
    err_direct = (direct.double() - ref).pow(2).mean().sqrt()
    err_wino = (wino.double() - ref).pow(2).mean().sqrt()
    assert err_wino < 6 * err_direct
    assert err_wino < 2e-6 * ref.abs().max()


def _conv(c_in: int, c_out: int, k: int = 3, stride: int = 1) -> torch.nn.Conv1d:
    conv = torch.nn.Conv1d(c_in, c_out, k, stride=stride, padding=k // 2).double()
    conv.weight = torch.nn.Parameter(to_taps_layout(conv.weight.detach()))
    return conv


def _spy(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = WinogradConv1d.apply

    def apply(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(fast_conv.WinogradConv1d, "apply", apply)
    return calls


@pytest.mark.parametrize("time_major", [True, False])
def test_conv1d_fast_uses_winograd_only_when_asked_and_eligible(monkeypatch, time_major):
    monkeypatch.setattr(fast_conv, "WINOGRAD_MIN_CHANNELS", 4)
    calls = _spy(monkeypatch)
    conv = _conv(6, 5)
    store = torch.randn(2, 12, 6, dtype=D)
    x = store.transpose(1, 2) if time_major else store.transpose(1, 2).contiguous()
    out = conv1d_fast(x, conv, winograd=True)
    torch.testing.assert_close(out, conv(x.contiguous()))
    assert calls == [1] and is_time_major(out)
    conv1d_fast(x, conv)  # not asked
    conv1d_fast(x[..., :10], conv, winograd=True)  # T not a multiple of 4
    conv1d_fast(x, _conv(6, 3), winograd=True)  # too few output channels
    conv1d_fast(x, _conv(6, 5, k=5), winograd=True)  # kernel 5
    conv1d_fast(x, _conv(6, 5, stride=2), winograd=True)  # strided
    assert calls == [1]


def test_masked_conv_winograd_flag_and_heads_opt_in(monkeypatch):
    monkeypatch.setattr(fast_conv, "WINOGRAD_MIN_CHANNELS", 4)
    torch.manual_seed(3)
    plain = MaskedConv1d(8, 8, 3).double()
    fast = MaskedConv1d(8, 8, 3, winograd=True).double()
    fast.load_state_dict(plain.state_dict())
    x = torch.randn(2, 16, 8, dtype=D).transpose(1, 2)  # time-major
    mask = (torch.arange(16)[None] < torch.tensor([16, 9])[:, None])[:, None]
    torch.testing.assert_close(fast(x, mask)[0], plain(x, mask)[0])
    head = ConvTowerHead(input_dim=8, feat_dim=8, num_layers=3)
    assert all(conv.winograd for conv in head.head)
