"""Which CPU GEMM library the fast paths use, and matrix products through oneDNN (``a @ wᵀ``).

PyTorch's CPU ``mm``/``bmm`` call MKL's SGEMM, which does not use its AVX-512 kernels on AMD
processors; oneDNN's matmul (``torch.ops.mkldnn._linear_pointwise``, the op PyTorch's own
compiled CPU graphs use for linear layers) does, on Intel and AMD alike. Measured on a 2-core
AVX-512 AMD EPYC (2 threads): 6 products of 1152 × 512 × 512 take 18.6 ms with ``bmm`` and
8.5 ms here. The op has no autograd formula, so it serves custom autograd functions (Winograd)
and inference; anything else (other dtypes or devices, autocast, a torch build without the
op) falls back to ``torch.mm``. Results equal ``torch.mm`` up to float rounding.

On Intel processors the reverse holds for training: MKL's SGEMM (``torch.mm`` and the
shifted-product convolutions of :mod:`models.layers.shifted_conv`) beat oneDNN's
convolutions (measured on 2 cores of a Xeon: TriDet's training step 1.6-1.9 s with the
MKL paths, 2.3-2.4 s with the oneDNN ones). :func:`use_onednn` therefore picks by CPU vendor: oneDNN on AMD,
MKL elsewhere; ``TAL_GEMM_BACKEND`` = ``auto`` (default), ``onednn`` or ``mkl`` overrides it.
The choice is fixed per machine (no timing-based selection), so a seed still gives the same
weights run after run; results differ between the two backends by float rounding only.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import torch
from torch import Tensor

from models.layers.depthwise import cpu_autocast

_OK = [hasattr(torch.ops.mkldnn, "_linear_pointwise")]  # cleared after a failure
GEMM_BACKENDS = ("auto", "mkl", "onednn")


@functools.lru_cache(maxsize=1)
def cpu_vendor() -> str:
    """``vendor_id`` of /proc/cpuinfo (e.g. 'GenuineIntel', 'AuthenticAMD'), '' if unknown."""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("vendor_id"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def use_onednn() -> bool:
    """True when the CPU fast paths should run their GEMMs through oneDNN (see above)."""
    choice = os.environ.get("TAL_GEMM_BACKEND", "auto").strip().lower() or "auto"
    if choice not in GEMM_BACKENDS:
        raise ValueError(f"TAL_GEMM_BACKEND must be one of {GEMM_BACKENDS}, got {choice!r}")
    if choice == "auto":
        return cpu_vendor() == "AuthenticAMD"
    return choice == "onednn"


def onednn_applies(x: Tensor) -> bool:
    """CPU float32 outside autocast: the tensor types oneDNN's fp32 kernels serve here."""
    return x.device.type == "cpu" and x.dtype == torch.float32 and not cpu_autocast()


def mm_nt(a: Tensor, w: Tensor) -> Tensor:
    """``a @ w.T`` without autograd.

    Args:
        a: float [M, K]; w: float [N, K] (contiguous rows are best).

    Returns:
        float [M, N], contiguous.
    """
    if _OK[0] and onednn_applies(a) and w.dtype == torch.float32 and use_onednn():
        try:
            return torch.ops.mkldnn._linear_pointwise(
                a.contiguous(), w.contiguous(), None, "none", [], ""
            )  # [M, N]
        except (RuntimeError, TypeError):  # op missing or changed in this torch build
            _OK[0] = False
    return torch.mm(a, w.T)
