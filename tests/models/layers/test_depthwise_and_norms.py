"""Depthwise convs, channels-last group norm, fused 1×1+GELU, channel-major shifted conv,
fused drop-path residual: each against the plain PyTorch formula (float64 where possible)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import models.layers.depthwise as depthwise_mod
import models.layers.fused_linear as fused_linear
from models.layers.depthwise import (
    depthwise_conv1d,
    depthwise_weight_grad,
    summed_depthwise_kernel,
)
from models.layers.drop_path import AffineDropPath, add_drop_path
from models.layers.fast_conv import conv1d_fast, is_time_major
from models.layers.fused_linear import conv1x1_gelu
from models.layers.group_norm import group_norm_1d

D = torch.float64


def _time_major(b: int, c: int, t: int, dtype=D) -> torch.Tensor:
    return torch.randn(b, t, c, dtype=dtype).transpose(1, 2)  # [B, C, T] over [B, T, C]


@pytest.mark.parametrize(("k", "stride"), [(1, 1), (1, 2), (3, 1), (3, 2), (5, 1), (11, 1)])
@pytest.mark.parametrize("bias", [True, False])
def test_depthwise_conv1d_forward_backward(k, stride, bias):
    torch.manual_seed(0)
    x = _time_major(2, 6, 20).requires_grad_()
    w = torch.randn(6, 1, k, dtype=D, requires_grad=True)
    b = torch.randn(6, dtype=D, requires_grad=True) if bias else None
    out = depthwise_conv1d(x, w, b, stride=stride)
    ref = F.conv1d(x, w, b, stride=stride, padding=k // 2, groups=6)
    torch.testing.assert_close(out, ref)
    assert is_time_major(out)
    g = torch.randn_like(ref)
    params = [x, w] + ([b] if bias else [])
    for got, exp in zip(torch.autograd.grad((out * g).sum(), params),
                        torch.autograd.grad((ref * g).sum(), params)):
        torch.testing.assert_close(got, exp)


def test_custom_depthwise_path_is_taken_for_wide_kernels(monkeypatch):
    calls: list[int] = []
    real = depthwise_mod._DepthwiseConv1d.apply

    def apply(*args):
        calls.append(args[1].shape[-1])
        return real(*args)

    monkeypatch.setattr(depthwise_mod._DepthwiseConv1d, "apply", apply)
    x = _time_major(1, 4, 9)
    for k in (3, 5, 9):
        depthwise_conv1d(x, torch.randn(4, 1, k, dtype=D), None)
    assert calls == [5, 9]


@pytest.mark.parametrize("chunk", [1, 4, 64])
def test_depthwise_weight_grad_chunks(chunk):
    torch.manual_seed(1)
    x, g = torch.randn(2, 13, 3, dtype=D), torch.randn(2, 13, 3, dtype=D)  # [B, T, C]
    got = depthwise_weight_grad(x, g, 5, chunk=chunk)  # [k, C]
    xp = F.pad(x, (0, 0, 2, 2))
    exp = torch.stack([(g * xp[:, j : j + 13]).sum((0, 1)) for j in range(5)])
    torch.testing.assert_close(got, exp)


def test_summed_kernel_equals_sum_of_convs_with_gradients():
    torch.manual_seed(2)
    x = _time_major(2, 4, 15)
    w1 = torch.randn(4, 1, 3, dtype=D, requires_grad=True)
    w2 = torch.randn(4, 1, 7, dtype=D, requires_grad=True)
    b1 = torch.randn(4, dtype=D, requires_grad=True)
    w, b = summed_depthwise_kernel([w1, w2], [b1, None])
    out = depthwise_conv1d(x, w, b)
    ref = F.conv1d(x, w1, b1, padding=1, groups=4) + F.conv1d(x, w2, None, padding=3, groups=4)
    torch.testing.assert_close(out, ref)
    g = torch.randn_like(ref)
    for got, exp in zip(torch.autograd.grad((out * g).sum(), [w1, w2, b1]),
                        torch.autograd.grad((ref * g).sum(), [w1, w2, b1])):
        torch.testing.assert_close(got, exp)
    w_only, b_none = summed_depthwise_kernel([w1], [None])
    assert b_none is None and torch.equal(w_only, w1)


def test_group_norm_1d_matches_module_and_keeps_layout():
    torch.manual_seed(3)
    norm = torch.nn.GroupNorm(4, 8).double()
    with torch.no_grad():
        norm.weight.normal_()
        norm.bias.normal_()
    x = _time_major(2, 8, 11).requires_grad_()
    out = group_norm_1d(x, norm)
    ref = norm(x.contiguous())
    torch.testing.assert_close(out, ref)
    assert is_time_major(out)
    g = torch.randn_like(ref)
    params = [x, norm.weight, norm.bias]
    for got, exp in zip(torch.autograd.grad((out * g).sum(), params),
                        torch.autograd.grad((ref * g).sum(), params)):
        torch.testing.assert_close(got, exp)


def test_conv1x1_gelu_fused_at_inference_and_plain_in_training(monkeypatch):
    torch.manual_seed(4)
    conv = torch.nn.Conv1d(16, 24, 1)
    x = _time_major(2, 16, 10, dtype=torch.float32)
    ref = F.gelu(conv(x.contiguous()))
    with torch.no_grad():
        fused = conv1x1_gelu(x, conv)
    torch.testing.assert_close(fused, ref, rtol=1e-5, atol=1e-5)
    assert is_time_major(fused)
    if hasattr(torch.ops.mkldnn, "_linear_pointwise"):
        assert fused_linear._FUSED_OK[0]  # the oneDNN op ran without falling back
    out = conv1x1_gelu(x, conv)  # grad mode: the differentiable path
    out.sum().backward()
    assert conv.weight.grad is not None
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
    monkeypatch.setattr(fused_linear, "_FUSED_OK", [False])  # torch without the oneDNN op
    with torch.no_grad():
        torch.testing.assert_close(conv1x1_gelu(x, conv), ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("layout", ["channel-major", "time-major"])
def test_dense_conv_float32_any_layout_matches_conv1d(layout):
    """Dense k3 conv: time-major float32 inputs run oneDNN on the channels-last view, channel-
    major ones the module itself; both hand on time-major outputs; values and gradients as
    ``F.conv1d``."""
    torch.manual_seed(5)
    conv = torch.nn.Conv1d(6, 5, 3, padding=1)
    x = torch.randn(2, 9, 6).transpose(1, 2) if layout == "time-major" else torch.randn(2, 6, 9)
    x.requires_grad_()
    out = conv1d_fast(x, conv)
    ref = F.conv1d(x, conv.weight, conv.bias, padding=1)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-6)
    assert is_time_major(out)
    g = torch.randn_like(ref)
    params = [x, conv.weight, conv.bias]
    for got, exp in zip(torch.autograd.grad((out * g).sum(), params),
                        torch.autograd.grad((ref * g).sum(), params)):
        torch.testing.assert_close(got, exp, rtol=1e-5, atol=1e-5)


def test_add_drop_path_matches_module_with_same_draws():
    dp = AffineDropPath(4, drop_prob=0.5)
    with torch.no_grad():
        dp.scale.normal_()
    x, branch = torch.randn(6, 4, 5), torch.randn(6, 4, 5)
    torch.manual_seed(7)
    got = add_drop_path(x, dp, branch)
    torch.manual_seed(7)
    exp = x + dp(branch)
    torch.testing.assert_close(got, exp)
    assert torch.equal(add_drop_path(x, torch.nn.Identity(), branch), x + branch)
