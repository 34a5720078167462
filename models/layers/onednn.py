"""Matrix products through oneDNN on CPU (``a @ wᵀ``), for code that runs outside autograd.

PyTorch's CPU ``mm``/``bmm`` call MKL's SGEMM, which does not use its AVX-512 kernels on AMD
processors; oneDNN's matmul (``torch.ops.mkldnn._linear_pointwise``, the op PyTorch's own
compiled CPU graphs use for linear layers) does, on Intel and AMD alike. Measured on a 2-core
AVX-512 AMD EPYC (2 threads): 6 products of 1152 × 512 × 512 take 18.6 ms with ``bmm`` and
8.5 ms here. The op has no autograd formula, so it serves custom autograd functions (Winograd)
and inference; anything else (other dtypes or devices, autocast, a torch build without the
op) falls back to ``torch.mm``. Results equal ``torch.mm`` up to float rounding.
"""

from __future__ import annotations

import torch
from torch import Tensor

from models.layers.depthwise import cpu_autocast

_OK = [hasattr(torch.ops.mkldnn, "_linear_pointwise")]  # cleared after a failure


def mm_nt(a: Tensor, w: Tensor) -> Tensor:
    """``a @ w.T`` without autograd.

    Args:
        a: float [M, K]; w: float [N, K] (contiguous rows are best).

    Returns:
        float [M, N], contiguous.
    """
    if (
        _OK[0] and a.device.type == "cpu" and a.dtype == torch.float32
        and w.dtype == torch.float32 and not cpu_autocast()
    ):
        try:
            return torch.ops.mkldnn._linear_pointwise(
                a.contiguous(), w.contiguous(), None, "none", [], ""
            )  # [M, N]
        except (RuntimeError, TypeError):  # op missing or changed in this torch build
            _OK[0] = False
    return torch.mm(a, w.T)
