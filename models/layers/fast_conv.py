"""Layout-aware 1-D convolutions for CPU: time-major inputs stay time-major.

A [B, C, T] tensor is *time-major* when its memory is a contiguous [B, T, C] array (the
layout of ``F.layer_norm``/``F.linear`` outputs viewed as [B, C, T]). On CPU, channel
LayerNorm and 1×1 projections are several times cheaper in that layout, but ``F.conv1d``
copies such inputs back to channel-major. The functions here avoid those copies: dense
convolutions run as k shifted matrix products (a custom autograd function, no im2col buffer;
channel-major inputs are read in place as transposed matrices), or, when the caller opts in,
as Winograd F(4, 3) (:mod:`models.layers.winograd`); depthwise ones as channels-last 2-D
convolutions. All outputs are time-major. Results equal ``F.conv1d`` up to float rounding
(Winograd's rounding is a few times larger); any other case falls back to the module itself.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from models.layers.depthwise import cpu_autocast, depthwise_conv1d
from models.layers.winograd import TILE, WinogradConv1d

# Winograd F(4, 3) pays off once both channel counts reach this (transforms cost ∝ C_in + C_out,
# the saved GEMM work ∝ C_in·C_out); below it the shifted matrix products are as fast.
WINOGRAD_MIN_CHANNELS = 64


def is_time_major(x: Tensor) -> bool:
    """True when the [B, C, T] tensor ``x`` is stored as a contiguous [B, T, C] array."""
    return x.dim() == 3 and x.transpose(1, 2).is_contiguous()


def _matrix_rows(x: Tensor) -> bool:
    """True when every x[b] of a [B, C, T] tensor is a BLAS matrix (unit stride in C or T)."""
    return x.dim() == 3 and (x.stride(1) == 1 or x.stride(2) == 1)


def _tap_ranges(offset: int, length: int) -> tuple[slice, slice]:
    """(output rows, input rows) of one tap: out[t] += x[t + offset] for valid t."""
    lo, hi = max(0, -offset), length - max(0, offset)
    return slice(lo, hi), slice(lo + offset, hi + offset)


class _ShiftedMatmulConv1d(torch.autograd.Function):
    """Stride-1, dilation-1, ungrouped conv with 'same' zero padding on [B, T, C] arrays.

    out[b, t] = bias + Σ_j x[b, t + j − k//2] @ W_j; each tap is one matrix product per sample
    on row slices (the centre tap initialises the output, so nothing is zero-filled). ``x``
    may be time-major ([B, T, C] contiguous) or a transposed channel-major array (each x[b]
    is then read as a transposed matrix, without a copy); the output is [B, T, C_out].
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        B, T, _ = x.shape  # x: [B, T, C_in], unit stride in T or C
        k = weight.shape[-1]
        w_taps = weight.permute(2, 1, 0).contiguous()  # [k, C_in, C_out]; no copy in taps layout
        out = x.new_empty(B, T, weight.shape[0])  # [B, T, C_out]
        c = k // 2
        for b in range(B):
            if bias is None:
                torch.mm(x[b], w_taps[c], out=out[b])
            else:
                torch.addmm(bias, x[b], w_taps[c], out=out[b])
        for j in range(k):
            if j != c:
                rows_out, rows_in = _tap_ranges(j - c, T)
                for b in range(B):
                    out[b, rows_out].addmm_(x[b, rows_in], w_taps[j])  # [t, C_out]
        ctx.save_for_backward(x, w_taps)
        ctx.has_bias = bias is not None
        return out

    @staticmethod
    def backward(ctx: Any, grad_out: Tensor) -> tuple[Tensor | None, ...]:
        x, w_taps = ctx.saved_tensors  # [B, T, C_in], [k, C_in, C_out]
        g = grad_out.contiguous()  # [B, T, C_out]
        B, T, _ = x.shape
        k = w_taps.shape[0]
        c = k // 2
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.empty_like(x)  # [B, T, C_in]
            for b in range(B):
                torch.mm(g[b], w_taps[c].T, out=grad_x[b])
            for j in range(k):
                if j != c:
                    rows_out, rows_in = _tap_ranges(j - c, T)
                    for b in range(B):
                        grad_x[b, rows_in].addmm_(g[b, rows_out], w_taps[j].T)
        if ctx.needs_input_grad[1]:
            gw = torch.empty_like(w_taps)  # [k, C_in, C_out]
            for j in range(k):
                rows_out, rows_in = _tap_ranges(j - c, T)
                torch.mm(x[0, rows_in].T, g[0, rows_out], out=gw[j])
                for b in range(1, B):
                    gw[j].addmm_(x[b, rows_in].T, g[b, rows_out])
            grad_w = gw.permute(2, 1, 0)  # [C_out, C_in, k], strides of the taps layout
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_b = g.sum((0, 1))
        return grad_x, grad_w, grad_b


def to_taps_layout(weight: Tensor) -> Tensor:
    """Same values and shape [C_out, C_in, k], stored as a contiguous [k, C_in, C_out] array.

    A conv weight in this layout feeds :class:`_ShiftedMatmulConv1d` without a per-call
    transpose copy, and its gradient arrives in the same layout (no copy on accumulation).
    The shape, values and state-dict entry are those of the usual layout.
    """
    out = torch.empty(
        weight.shape[2], weight.shape[1], weight.shape[0], dtype=weight.dtype,
        device=weight.device,
    ).permute(2, 1, 0)  # [C_out, C_in, k] view
    out.copy_(weight)
    return out


def _use_fast_path(x: Tensor, conv: nn.Conv1d) -> bool:
    """CPU, no autocast, odd kernel with 'same' zero padding, no dilation (any layout)."""
    return (
        x.device.type == "cpu"
        and not cpu_autocast()
        and conv.dilation == (1,)
        and conv.padding_mode == "zeros"
        and isinstance(conv.padding, tuple)
        and conv.padding[0] == conv.kernel_size[0] // 2
    )


def _use_winograd(x: Tensor, conv: nn.Conv1d) -> bool:
    """Dense kernel-3 stride-1 conv, T a multiple of 4, both channel counts large enough."""
    return (
        conv.groups == 1
        and conv.kernel_size == (3,)
        and conv.stride == (1,)
        and x.shape[-1] % TILE == 0
        and x.dtype in (torch.float32, torch.float64)
        and min(conv.in_channels, conv.out_channels) >= WINOGRAD_MIN_CHANNELS
    )


def conv1d_fast(x: Tensor, conv: nn.Conv1d, *, winograd: bool = False) -> Tensor:
    """``conv(x)`` with time-major CPU outputs (odd kernels, 'same' padding).

    Args:
        x: float [B, C_in, T] in any layout.
        conv: the ``nn.Conv1d`` (its parameters are used, so autograd reaches them).
        winograd: allow Winograd F(4, 3) for dense kernel-3 stride-1 convs with at least
            ``WINOGRAD_MIN_CHANNELS`` input and output channels and T a multiple of 4: half
            the GEMM work, rounding errors about 3× those of the direct sum. Callers opt in
            where the outputs feed no long chain of layers (the detector heads).

    Returns:
        float [B, C_out, T // stride], time-major on the CPU paths, else as ``conv(x)``.
    """
    if not _use_fast_path(x, conv):
        return conv(x)
    if winograd and _use_winograd(x, conv):
        x_tm = x.transpose(1, 2)  # [B, T, C_in]
        if not x_tm.is_contiguous():  # channel-major input: one copy
            x_tm = x_tm.contiguous()
        return WinogradConv1d.apply(x_tm, conv.weight, conv.bias).transpose(1, 2)  # [B, C_out, T]
    c_in = x.shape[1]
    if conv.groups == 1 and conv.stride == (1,) and _matrix_rows(x):
        out = _ShiftedMatmulConv1d.apply(x.transpose(1, 2), conv.weight, conv.bias)
        return out.transpose(1, 2)  # [B, C_out, T]
    if not is_time_major(x):
        return conv(x)
    if conv.groups == c_in == conv.out_channels:  # depthwise
        return depthwise_conv1d(x, conv.weight, conv.bias, stride=conv.stride[0])  # [B, C, T']
    return conv(x)


def max_pool_time(x: Tensor, kernel_size: int, stride: int, padding: int) -> Tensor:
    """``F.max_pool1d`` over time that keeps time-major CPU inputs time-major."""
    if x.device.type == "cpu" and is_time_major(x):
        out = F.max_pool2d(x.unsqueeze(2), (1, kernel_size), (1, stride), (0, padding))
        return out.squeeze(2)
    return F.max_pool1d(x, kernel_size, stride, padding)
