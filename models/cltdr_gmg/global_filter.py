"""The GMG block's global branch: an input-dependent spectral filter over the time axis.

Pure functions (the parameters live on :class:`models.cltdr_gmg.gmg_block.GMGBlock`, whose
state-dict keys ``w1``, ``b1``, ``w2``, ``b2`` are the official ones).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

SOFTSHRINK_LAMBDA = 0.001


def complex_affine(re: Tensor, im: Tensor, w: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Per-channel complex multiply-add (re + i·im)·(w[0] + i·w[1]) + (b[0] + i·b[1]).

    Args:
        re, im: float [B, C, F] real and imaginary parts.
        w: float [2, C, 1] (real, imaginary) weight per channel.
        b: float [2, C] (real, imaginary) bias per channel (broadcast over F).

    Returns:
        (real [B, C, F], imaginary [B, C, F]).
    """
    out_re = re * w[0] - im * w[1] + b[0, :, None]  # [B, C, F]
    out_im = im * w[0] + re * w[1] + b[1, :, None]  # [B, C, F]
    return out_re, out_im


def spectral_filter(
    u: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor,
    *, lambd: float = SOFTSHRINK_LAMBDA,
) -> Tensor:
    """f_global = irFFT(H(U)·U, n=T, ortho) with U = rFFT_T(u, ortho) (README D.3).

    The filter H is a two-layer per-channel complex MLP of the spectrum itself: ReLU on the
    real and imaginary parts after the first layer, no activation after the second, then
    softshrink(``lambd``) on both parts. The transform runs over the whole (padded) length of
    ``u``, so valid outputs depend on the padding, as in the official code. Call it in float32
    (the block disables autocast): half-precision FFTs are restricted and less accurate.

    Args:
        u: float [B, C, T] (the block's LN output).
        w1, w2: float [2, C, 1]; b1, b2: float [2, C].
        lambd: softshrink threshold (official 0.001).

    Returns:
        float [B, C, T].
    """
    T = u.shape[-1]
    spec = torch.fft.rfft(u, dim=-1, norm="ortho")  # [B, C, T//2+1] complex
    h_re, h_im = complex_affine(spec.real, spec.imag, w1, b1)  # [B, C, F] each
    h_re, h_im = complex_affine(F.relu(h_re), F.relu(h_im), w2, b2)  # [B, C, F] each
    gain = torch.complex(F.softshrink(h_re, lambd), F.softshrink(h_im, lambd))  # [B, C, F]
    return torch.fft.irfft(gain * spec, n=T, dim=-1, norm="ortho")  # [B, C, T]
