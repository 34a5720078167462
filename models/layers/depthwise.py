"""Depthwise 1-D convolutions ('same' zero padding) on time-major CPU tensors.

Kernel 1 is an element-wise ``w·x + b``; kernel 3 (and strided kernels) a channels-last 2-D
oneDNN convolution; wider stride-1 kernels (TriDet's window branch ``convkw``: 9-11 taps) a
custom autograd function, because oneDNN's depthwise backward is several times slower there.
All paths give ``F.conv1d(..., groups=C)`` up to float rounding and keep the time-major
layout ([B, C, T] views of contiguous [B, T, C] arrays, see :mod:`models.layers.fast_conv`).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

# oneDNN's depthwise backward is fine for kernel 3 and slow from here on
CUSTOM_DEPTHWISE_MIN_KERNEL = 5


def cpu_autocast() -> bool:
    """True inside a CPU autocast region (the fast paths then step aside)."""
    try:
        return torch.is_autocast_enabled("cpu")
    except TypeError:  # torch < 2.4
        return torch.is_autocast_cpu_enabled()


def depthwise_weight_grad(x: Tensor, g: Tensor, kernel_size: int, chunk: int = 64) -> Tensor:
    """Σ_{b,t} g[b, t, c]·x[b, t + j − k//2, c] for every tap j (zero padding), chunked over T.

    Args:
        x, g: float [B, T, C] (unit channel stride).
        kernel_size: k (odd).
        chunk: time steps per block (keeps the products in cache).

    Returns:
        float [k, C].
    """
    B, T, C = x.shape
    pad = kernel_size // 2
    xp = F.pad(x, (0, 0, pad, pad))  # [B, T + k − 1, C]
    gw = x.new_zeros(kernel_size, C)
    tmp = x.new_empty(B, min(chunk, T), C)
    for start in range(0, T, chunk):
        stop = min(T, start + chunk)
        g_blk, buf = g[:, start:stop], tmp[:, : stop - start]  # [B, t, C]
        for j in range(kernel_size):
            torch.mul(g_blk, xp[:, start + j : stop + j], out=buf)
            gw[j] += buf.sum((0, 1))
    return gw


def _conv_channels_last(x: Tensor, weight: Tensor, bias: Tensor | None, stride: int) -> Tensor:
    """oneDNN depthwise conv of a time-major [B, C, T] tensor as a channels-last 2-D conv."""
    pad = weight.shape[-1] // 2
    out = F.conv2d(
        x.unsqueeze(2), weight.unsqueeze(2), bias, stride=(1, stride), padding=(0, pad),
        groups=weight.shape[0],
    )  # [B, C, 1, T'] channels-last
    return out.squeeze(2)


class _DepthwiseConv1d(torch.autograd.Function):
    """Stride-1 depthwise conv on time-major [B, C, T] tensors with a fast backward.

    Forward and the input gradient (the output gradient convolved with the flipped kernel)
    are channels-last oneDNN convolutions; the weight gradient is a chunked multiply-and-sum
    per tap (:func:`depthwise_weight_grad`).
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        return _conv_channels_last(x, weight, bias, 1)  # [B, C, T]

    @staticmethod
    def backward(ctx: Any, grad_out: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = ctx.saved_tensors  # [B, C, T] time-major, [C, 1, k]
        g = grad_out.transpose(1, 2).contiguous()  # [B, T, C]
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_x = _conv_channels_last(g.transpose(1, 2), weight.flip(-1), None, 1)  # [B, C, T]
        if ctx.needs_input_grad[1]:
            gw = depthwise_weight_grad(x.transpose(1, 2), g, weight.shape[-1])  # [k, C]
            grad_w = gw.T.unsqueeze(1)  # [C, 1, k]
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_b = g.sum((0, 1))
        return grad_x, grad_w, grad_b


def depthwise_conv1d(x: Tensor, weight: Tensor, bias: Tensor | None, *, stride: int = 1) -> Tensor:
    """Depthwise conv with 'same' zero padding (odd kernel); fast paths for time-major CPU tensors.

    Args:
        x: float [B, C, T], time-major (other layouts work, more slowly).
        weight: float [C, 1, k], k odd; bias: float [C] or None.
        stride: temporal stride (T divisible by it).

    Returns:
        float [B, C, T // stride], time-major.
    """
    k = weight.shape[-1]
    if x.device.type != "cpu" or cpu_autocast():
        return F.conv1d(x, weight, bias, stride=stride, padding=k // 2, groups=weight.shape[0])
    if k == 1:
        out = x[..., ::stride] if stride > 1 else x
        if bias is None:
            return out * weight.view(1, -1, 1)
        return torch.addcmul(bias.view(1, -1, 1), out, weight.view(1, -1, 1))  # [B, C, T']
    if stride == 1 and k >= CUSTOM_DEPTHWISE_MIN_KERNEL:
        return _DepthwiseConv1d.apply(x, weight, bias)
    return _conv_channels_last(x, weight, bias, stride)


def summed_depthwise_kernel(
    weights: list[Tensor], biases: list[Tensor | None]
) -> tuple[Tensor, Tensor | None]:
    """One depthwise kernel equal to the sum of several centred 'same' kernels.

    Σ_i conv(x, w_i, b_i) = conv(x, Σ_i pad(w_i), Σ_i b_i) (odd kernels, stride 1, centred
    padding); autograd carries the gradient back to every ``w_i``/``b_i``.

    Args:
        weights: float [C, 1, k_i], k_i odd; biases: float [C] or None each.

    Returns:
        (weight [C, 1, max k_i], bias [C] or None).
    """
    k = max(w.shape[-1] for w in weights)
    weight = sum(F.pad(w, ((k - w.shape[-1]) // 2,) * 2) for w in weights)
    present = [b for b in biases if b is not None]
    bias = sum(present[1:], present[0]) if present else None
    assert isinstance(weight, Tensor)
    return weight, bias
