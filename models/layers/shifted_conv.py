"""A dense 1-D convolution as k shifted matrix products (the MKL path of :mod:`fast_conv`).

Stride 1, 'same' zero padding, on [B, T, C] arrays with a unit stride in T or C, so that a
time-major input and a channel-major one (read as transposed matrices) both run without a
copy or an im2col buffer; the output is time-major. On Intel processors MKL's SGEMM makes
this the fastest CPU form; on AMD ones oneDNN's convolution is (see
:func:`models.layers.onednn.use_onednn`).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor


def matrix_rows(x: Tensor) -> bool:
    """True when every x[b] of a [B, C, T] tensor is a BLAS matrix (unit stride in C or T)."""
    return x.dim() == 3 and (x.stride(1) == 1 or x.stride(2) == 1)


def _tap_ranges(offset: int, length: int) -> tuple[slice, slice]:
    """(output rows, input rows) of one tap: out[t] += x[t + offset] for valid t."""
    lo, hi = max(0, -offset), length - max(0, offset)
    return slice(lo, hi), slice(lo + offset, hi + offset)


class ShiftedMatmulConv1d(torch.autograd.Function):
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


def stored_as(weight: Tensor, order: tuple[int, int, int]) -> Tensor:
    """Same values and shape as ``weight``, stored as the contiguous array ``weight.permute(order)``.

    Lets a conv weight [C_out, C_in, k] live in the layout a custom kernel reads (no per-call
    copy; autograd returns its gradient in the same strides). Shape, values and state-dict
    entry stay those of the usual layout.
    """
    inverse = tuple(order.index(d) for d in range(weight.dim()))
    out = torch.empty([weight.shape[d] for d in order], dtype=weight.dtype,
                      device=weight.device).permute(inverse)  # weight's shape, permuted strides
    out.copy_(weight)
    return out


def to_shifted_layout(weight: Tensor) -> Tensor:
    """[C_out, C_in, k] stored as a contiguous [k, C_in, C_out] array: the per-tap matrices
    :class:`ShiftedMatmulConv1d` multiplies by."""
    return stored_as(weight, (2, 1, 0))
