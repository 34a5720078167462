"""Layout-aware 1-D convolutions for CPU: time-major inputs stay time-major.

A [B, C, T] tensor is *time-major* when its memory is a contiguous [B, T, C] array (the
layout of ``F.layer_norm``/``F.linear`` outputs viewed as [B, C, T]). On CPU, channel
LayerNorm and 1×1 projections are several times cheaper in that layout, but ``F.conv1d``
copies such inputs back to channel-major. The functions here avoid those copies: a time-major
[B, C, T] tensor is a channels-last [B, C, 1, T] image, so dense convolutions and 1×1
projections run as oneDNN 2-D convolutions on that view (:func:`linear_time_major`,
:func:`conv_time_major`), or, when the caller opts in, as Winograd F(4, 3)
(:mod:`models.layers.winograd`); depthwise ones as channels-last 2-D convolutions. All
outputs are time-major. Results equal ``F.conv1d`` up to float rounding (Winograd's rounding
is a few times larger); any other case falls back to the module itself.

Two GEMM backends (:func:`models.layers.onednn.use_onednn`, by CPU vendor):

* **MKL** (Intel and others): 1×1 projections are ``F.linear`` on the [B, T, C] view and
  dense convolutions k shifted matrix products (:mod:`models.layers.shifted_conv`), which
  also read channel-major inputs in place.
* **oneDNN** (AMD): PyTorch's CPU ``mm`` is MKL's SGEMM, which does not use its AVX-512
  kernels on AMD processors. Measured on a 2-core AVX-512 AMD EPYC (torch 2.13, 2 threads):
  SGEMM 150-200 GFLOP/s, oneDNN's 1×1 convolution of the same product 290-450 (forward and
  backward), its 3-tap convolution about 300. So a time-major [B, C, T] tensor runs as the
  channels-last [B, C, 1, T] image it is (:func:`linear_time_major`,
  :func:`conv_time_major`), and gradients are handed on time-major (:class:`_TimeMajorGrad`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from models.layers.depthwise import cpu_autocast, depthwise_conv1d
from models.layers.onednn import onednn_applies, use_onednn
from models.layers.shifted_conv import ShiftedMatmulConv1d, matrix_rows, stored_as
from models.layers.winograd import TILE, WinogradConv1d

# Winograd F(4, 3) pays off once both channel counts reach this (transforms cost ∝ C_in + C_out,
# the saved GEMM work ∝ C_in·C_out); below it the direct convolution is as fast.
WINOGRAD_MIN_CHANNELS = 64
_ALLOW = {"winograd": True}


@contextmanager
def winograd_allowed(flag: bool) -> Iterator[None]:
    """Within the block, ``conv1d_fast(winograd=True)`` uses Winograd only if ``flag`` (this
    thread and every other; for benchmarks that count the direct convolution's work)."""
    before = _ALLOW["winograd"]
    _ALLOW["winograd"] = flag
    try:
        yield
    finally:
        _ALLOW["winograd"] = before


def is_time_major(x: Tensor) -> bool:
    """True when the [B, C, T] tensor ``x`` is stored as a contiguous [B, T, C] array."""
    return x.dim() == 3 and x.transpose(1, 2).is_contiguous()


def to_time_major(x: Tensor) -> Tensor:
    """``x`` [B, C, T] itself when time-major, else a time-major copy."""
    return x if is_time_major(x) else x.transpose(1, 2).contiguous().transpose(1, 2)


class _TimeMajorGrad(torch.autograd.Function):
    """Identity whose backward hands on a time-major gradient (copying a channel-major one).

    oneDNN's convolution backward returns the input gradient in the layout of the output
    gradient; a channel-major one then meets time-major activations in the element-wise
    backward kernels (GELU, LayerNorm, residual adds), which run several times slower on
    mixed layouts (GELU's backward 62 ms instead of 14 ms at [2, 2048, 2304])."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return to_time_major(grad)


def _time_major_out(x: Tensor) -> Tensor:
    """``x`` [B, C, T] made time-major, its gradient handed on time-major too."""
    x = to_time_major(x)
    return _TimeMajorGrad.apply(x) if torch.is_grad_enabled() and x.requires_grad else x


def linear_time_major(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """The 1×1 projection out[b, :, t] = weight @ x[b, :, t] + bias, time-major output.

    Args:
        x: float [B, C_in, T] in any layout.
        weight: float [C_out, C_in]; bias: float [C_out] or None.

    Returns:
        float [B, C_out, T], stored time-major (a contiguous [B, T, C_out] array).
    """
    if onednn_applies(x) and is_time_major(x) and use_onednn():
        y = F.conv2d(x.unsqueeze(2), weight[:, :, None, None], bias)  # [B, C_out, 1, T] channels-last
        return _time_major_out(y.squeeze(2))  # [B, C_out, T]
    return F.linear(x.transpose(1, 2), weight, bias).transpose(1, 2)  # [B, C_out, T]


def conv_time_major(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """Stride-1 'same' dense convolution (odd kernel) of a time-major input, time-major output.

    Args:
        x: float [B, C_in, T] stored time-major.
        weight: float [C_out, C_in, k]; bias: float [C_out] or None.

    Returns:
        float [B, C_out, T] stored time-major.
    """
    k = weight.shape[-1]
    y = F.conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, padding=(0, k // 2))  # [B, C_out, 1, T]
    return _time_major_out(y.squeeze(2))  # [B, C_out, T]


def to_taps_layout(weight: Tensor) -> Tensor:
    """Same values and shape [C_out, C_in, k], stored as a contiguous [k, C_out, C_in] array.

    A conv weight in this layout feeds :class:`~models.layers.winograd.WinogradConv1d` without
    a per-call transpose copy, and its gradient arrives in the same layout (no copy on
    accumulation).
    The shape, values and state-dict entry are those of the usual layout.
    """
    return stored_as(weight, (2, 0, 1))


def resample_time_major(x: Tensor, conv: nn.Conv1d | nn.ConvTranspose1d) -> Tensor:
    """``conv(x)`` for a dense (strided or transposed) convolution, time-major when ``x`` is.

    A time-major CPU input runs as the oneDNN 2-D (transposed) convolution of its
    channels-last view, without the two layout copies ``conv(x)`` makes; anything else is
    ``conv(x)``. Used by the CLTDR decoder's ×2 resampling convolutions.

    Args:
        x: float [B, C_in, T].
        conv: ``nn.Conv1d`` or ``nn.ConvTranspose1d`` (groups 1, zero padding, no dilation).

    Returns:
        float [B, C_out, T'], time-major on the CPU path.
    """
    if not (
        x.device.type == "cpu" and not cpu_autocast() and is_time_major(x) and conv.groups == 1
        and conv.dilation == (1,) and conv.padding_mode == "zeros"
        and isinstance(conv.padding, tuple)
    ):
        return conv(x)
    w = conv.weight.unsqueeze(2)  # [C_out, C_in, 1, k] (transposed: [C_in, C_out, 1, k])
    stride, padding = (1, conv.stride[0]), (0, conv.padding[0])
    if isinstance(conv, nn.ConvTranspose1d):
        y = F.conv_transpose2d(x.unsqueeze(2), w, conv.bias, stride, padding,
                               output_padding=(0, conv.output_padding[0]))
    else:
        y = F.conv2d(x.unsqueeze(2), w, conv.bias, stride, padding)
    return _time_major_out(y.squeeze(2))  # [B, C_out, T']


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
        float [B, C_out, T // stride], time-major on the CPU paths for time-major inputs, else
        as ``conv(x)`` (a channel-major input, e.g. raw features, runs oneDNN's own layout).
    """
    if not _use_fast_path(x, conv):
        return conv(x)
    if winograd and _ALLOW["winograd"] and _use_winograd(x, conv):
        x_tm = x.transpose(1, 2)  # [B, T, C_in]
        if not x_tm.is_contiguous():  # channel-major input: one copy
            x_tm = x_tm.contiguous()
        return WinogradConv1d.apply(x_tm, conv.weight, conv.bias).transpose(1, 2)  # [B, C_out, T]
    c_in = x.shape[1]
    if conv.groups == 1 and conv.stride == (1,):
        if use_onednn():
            if is_time_major(x):
                return conv_time_major(x, conv.weight, conv.bias)  # [B, C_out, T]
            out = conv(x)  # channel-major input (raw features): oneDNN's own layout
            return _time_major_out(out) if onednn_applies(x) else out  # time-major, as every path here
        if matrix_rows(x):
            out = ShiftedMatmulConv1d.apply(x.transpose(1, 2), conv.weight, conv.bias)
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
