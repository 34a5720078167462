"""Winograd F(4, 3): a kernel-3, stride-1 'same' convolution with half the multiplications.

Each tile of 4 outputs reads 6 inputs. With the transforms of Lavin & Gray (2016),

    y_tile = Aᵀ [ (G w) ⊙ (Bᵀ x_tile) ]        (6 products instead of 12 per channel pair)

the channel mixing becomes 6 matrix products of (B·T/4) × C_in × C_out (MKL's or oneDNN's,
see :mod:`models.layers.onednn`) instead of
3 of (B·T) × C_in × C_out: half the GEMM work, plus element-wise transforms. The backward pass
stays in the transformed domain (dV = dM·Uᵀ, dU = Vᵀ·dM), so its two GEMMs are halved too.
Results equal the direct convolution up to float rounding (a few times larger than the direct
sum's; see ``tests/models/layers/test_winograd.py``).

Inputs and outputs are time-major [B, T, C] arrays (see :mod:`models.layers.fast_conv`);
T must be a multiple of 4 (every padded length the detectors use is).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from torch import Tensor

from models.layers.onednn import mm_nt, use_onednn

TILE = 4  # outputs per tile (m); 6 = m + 2 inputs per tile (alpha)

# G (6×3): U_a = Σ_j G[a, j] w_j (weight transform)
_G = (
    (1 / 4, 0.0, 0.0),
    (-1 / 6, -1 / 6, -1 / 6),
    (-1 / 6, 1 / 6, -1 / 6),
    (1 / 24, 1 / 12, 1 / 6),
    (1 / 24, -1 / 12, 1 / 6),
    (0.0, 0.0, 1.0),
)


def _g_matrix(like: Tensor) -> Tensor:
    return torch.tensor(_G, dtype=like.dtype, device=like.device)  # [6, 3]


def weight_transform(w_taps: Tensor) -> Tensor:
    """U = G·w per channel pair: [3, C_out, C_in] taps → [6, C_out, C_in]."""
    k, c_out, c_in = w_taps.shape
    return torch.mm(_g_matrix(w_taps), w_taps.reshape(k, -1)).view(6, c_out, c_in)


def input_transform(x: Tensor) -> Tensor:
    """V = Bᵀ·x per tile, zero padding of one step on each side.

    Tile i reads x[4i − 1 … 4i + 4] =: d0 … d5 (d0 of tile 0 and d5 of the last tile are 0):
    V0 = 4d0 − 5d2 + d4, V1 = (d4 − 4d2) + (d3 − 4d1), V2 = (d4 − 4d2) − (d3 − 4d1),
    V3 = (d4 − d2) + 2(d3 − d1), V4 = (d4 − d2) − 2(d3 − d1), V5 = 4d1 − 5d3 + d5.

    Args:
        x: float [B, T, C] (any strides with a unit channel stride is best), T = 4n.

    Returns:
        float [6, B, n, C] contiguous.
    """
    B, T, C = x.shape
    n = T // TILE
    blk = x.reshape(B, n, TILE, C)  # [B, n, 4, C] (a view for contiguous x)
    d1, d2, d3, d4 = blk.unbind(2)  # x[4i], x[4i+1], x[4i+2], x[4i+3]: each [B, n, C]
    v = x.new_empty(6, B, n, C)
    torch.add(d4, d2, alpha=-5, out=v[0])
    v[0, :, 1:].add_(d4[:, :-1], alpha=4)  # + 4·d0 (d0 = x[4i − 1])
    torch.add(d4, d2, alpha=-4, out=v[1])
    torch.add(d3, d1, alpha=-4, out=v[2])
    v[1].add_(v[2])
    torch.add(v[1], v[2], alpha=-2, out=v[2])
    torch.sub(d4, d2, out=v[3])
    torch.sub(d3, d1, out=v[4])
    v[3].add_(v[4], alpha=2)
    torch.add(v[3], v[4], alpha=-4, out=v[4])
    torch.add(d1, d3, alpha=-5 / 4, out=v[5]).mul_(4)  # 4d1 − 5d3 (exact scaling by 4)
    v[5, :, :-1].add_(d1[:, 1:])  # + d5 (d5 = x[4i + 4])
    return v


def input_transform_backward(dv: Tensor | Sequence[Tensor]) -> Tensor:
    """dx = B·dV: the adjoint of :func:`input_transform`.

    Args:
        dv: float [6, B, n, C], or six [B, n, C] tensors.

    Returns:
        float [B, 4n, C] contiguous.
    """
    B, n, C = dv[0].shape
    dx = dv[0].new_empty(B, n, TILE, C)  # rows 4i + k
    p = torch.add(dv[1], dv[2])  # [B, n, C]
    q = torch.sub(dv[1], dv[2])
    r = torch.add(dv[3], dv[4])
    s = torch.sub(dv[3], dv[4])
    # row 4i     (d1 of tile i, d5 of tile i − 1): −4q − 2s + 4dV5 (+ dV5 of tile i − 1)
    torch.add(dv[5], q, alpha=-1, out=dx[:, :, 0]).mul_(4).sub_(s, alpha=2)
    dx[:, 1:, 0].add_(dv[5][:, :-1])
    # row 4i + 1 (d2): −5dV0 − 4p − r
    torch.add(r, p, alpha=4, out=dx[:, :, 1]).add_(dv[0], alpha=5).neg_()
    # row 4i + 2 (d3): q + 2s − 5dV5
    torch.add(q, s, alpha=2, out=dx[:, :, 2]).sub_(dv[5], alpha=5)
    # row 4i + 3 (d4 of tile i, d0 of tile i + 1): dV0 + p + r (+ 4dV0 of tile i + 1)
    torch.add(p, r, out=dx[:, :, 3]).add_(dv[0])
    dx[:, :-1, 3].add_(dv[0][:, 1:], alpha=4)
    return dx.view(B, n * TILE, C)


def output_transform(m: Tensor | Sequence[Tensor], bias: Tensor | None) -> Tensor:
    """y = Aᵀ·M per tile (+ bias); overwrites ``m``.

    y0 = M0 + (M1 + M2) + (M3 + M4), y1 = (M1 − M2) + 2(M3 − M4),
    y2 = (M1 + M2) + 4(M3 + M4), y3 = (M1 − M2) + 8(M3 − M4) + M5.

    Args:
        m: float [6, B, n, C], or six [B, n, C] tensors (scratch; destroyed).
        bias: float [C] or None.

    Returns:
        float [B, 4n, C] contiguous.
    """
    B, n, C = m[0].shape
    y = m[0].new_empty(B, n, TILE, C)
    y0, y1, y2, y3 = y.unbind(2)
    torch.add(m[1], m[2], out=y2)  # s1
    m[1].sub_(m[2])  # s2
    torch.add(m[3], m[4], out=m[2])  # s3
    m[3].sub_(m[4])  # s4
    if bias is not None:
        m[0].add_(bias)
        m[1].add_(bias)
    torch.add(m[0], y2, out=y0).add_(m[2])
    torch.add(m[1], m[3], alpha=2, out=y1)
    torch.add(m[1], m[3], alpha=8, out=y3).add_(m[5])
    if bias is not None:
        y2.add_(bias)
    y2.add_(m[2], alpha=4)
    return y.view(B, n * TILE, C)


def output_transform_backward(dy: Tensor) -> Tensor:
    """dM = A·dy: the adjoint of :func:`output_transform`.

    Args:
        dy: float [B, 4n, C].

    Returns:
        float [6, B, n, C] contiguous.
    """
    B, T, C = dy.shape
    n = T // TILE
    d0, d1, d2, d3 = dy.reshape(B, n, TILE, C).unbind(2)  # each [B, n, C]
    dm = dy.new_empty(6, B, n, C)
    dm[0].copy_(d0)
    dm[5].copy_(d3)
    torch.add(d0, d2, out=dm[1])
    torch.add(d1, d3, out=dm[2])
    dm[1].add_(dm[2])
    torch.add(dm[1], dm[2], alpha=-2, out=dm[2])
    torch.add(d0, d2, alpha=4, out=dm[3])
    torch.add(d1, d3, alpha=4, out=dm[4])
    dm[3].add_(dm[4], alpha=2)
    torch.add(dm[3], dm[4], alpha=-4, out=dm[4])
    return dm


_CACHE: list[dict[int, tuple[weakref.ref, int, Tensor]] | None] = [None]  # id → (w, version, U)


@contextmanager
def shared_weight_transforms() -> Iterator[None]:
    """Within the block, each weight's transform U = G·w is computed once (per version).

    A detector's heads apply one weight at every pyramid level; in one forward pass the
    weights cannot change, so the detector wraps its heads in this block. Outside it nothing
    is cached (weights may be updated in ways no version counter records, e.g. ``.data``).
    """
    outer = _CACHE[0]
    _CACHE[0] = {} if outer is None else outer
    try:
        yield
    finally:
        if outer is None:
            _CACHE[0] = None


def _transformed_weight(weight: Tensor) -> Tensor:
    """U = G·w as [6, C_out, C_in] (from the block's cache inside
    :func:`shared_weight_transforms`; a weak reference and the version counter guard it)."""
    cache = _CACHE[0]
    hit = None if cache is None else cache.get(id(weight))
    if hit is not None and hit[0]() is weight and hit[1] == weight._version:
        return hit[2]
    w_taps = weight.detach().permute(2, 0, 1).contiguous()  # [3, C_out, C_in]; no copy in taps layout
    u_t = weight_transform(w_taps)  # [6, C_out, C_in]
    if cache is not None:
        cache[id(weight)] = (weakref.ref(weight), weight._version, u_t)
    return u_t


def _products(a: Tensor, w: Tensor) -> Tensor | list[Tensor]:
    """a[i] @ w[i]ᵀ for the 6 transform points: [6, M, K] × [6, N, K] → 6 × [M, N].

    MKL: one ``bmm`` reading transposed operands in place ([6, M, N] tensor); oneDNN: six
    :func:`~models.layers.onednn.mm_nt` products (a list). Both index and iterate alike.
    """
    if use_onednn():
        return [mm_nt(a[i], w[i]) for i in range(a.shape[0])]
    return torch.bmm(a, w.transpose(1, 2))


class WinogradConv1d(torch.autograd.Function):
    """Kernel-3, stride-1, padding-1, ungrouped conv on time-major [B, T, C_in] arrays.

    ``weight`` is the [C_out, C_in, 3] parameter (best stored in the taps layout of
    :func:`models.layers.fast_conv.to_taps_layout`); the gradient comes back in that layout.
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        B, T, c_in = x.shape
        u_t = _transformed_weight(weight)  # [6, C_out, C_in]
        v = input_transform(x)  # [6, B, n, C_in]
        n = T // TILE
        m = [p.view(B, n, -1) for p in _products(v.view(6, B * n, c_in), u_t)]  # 6 × [B, n, C_out]
        ctx.save_for_backward(v, u_t)
        ctx.has_bias = bias is not None
        return output_transform(m, bias)  # [B, T, C_out]

    @staticmethod
    def backward(ctx: Any, grad_out: Tensor) -> tuple[Tensor | None, ...]:
        v, u_t = ctx.saved_tensors  # [6, B, n, C_in], [6, C_out, C_in]
        _, B, n, c_in = v.shape
        dm = output_transform_backward(grad_out)  # [6, B, n, C_out]
        dm2 = dm.view(6, B * n, -1)  # [6, B·n, C_out]
        grad_x = grad_w = grad_b = None
        v2 = v.view(6, B * n, c_in)
        if ctx.needs_input_grad[0]:
            dv = [p.view(B, n, c_in) for p in _products(dm2, u_t.transpose(1, 2))]  # dM·U
            grad_x = input_transform_backward(dv)  # [B, T, C_in]
        if ctx.needs_input_grad[1]:
            du_t = _products(dm2.transpose(1, 2), v2.transpose(1, 2))  # dMᵀ·V, [6, C_out, C_in]
            du_t = du_t if isinstance(du_t, Tensor) else torch.stack(du_t)
            dw = torch.mm(_g_matrix(du_t).T, du_t.view(6, -1))  # [3, C_out·C_in]
            grad_w = dw.view(3, -1, c_in).permute(1, 2, 0)  # [C_out, C_in, 3], taps layout
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_b = grad_out.sum((0, 1))
        return grad_x, grad_w, grad_b
