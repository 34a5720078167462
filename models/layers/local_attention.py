"""Masked multi-head conv-attention, windowed (``LocalMaskedMHA``) or global.

The windowed core never forms a T×T matrix: queries are cut into blocks of ``block`` steps and
each block attends to the ``block + 2w`` keys around it, so the cost is O(T·(block + 2w)) with
a few batched matrix products and no Python loop over time.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from models.layers.layer_norm import LayerNorm1d
from models.layers.masked_conv import MaskedConv1d, apply_mask


def _band(block: int, overlap: int, device: torch.device) -> Tensor:
    """bool [block, block + 2w]: query i of a block sees local key j iff 0 <= j - i <= 2w."""
    rel = torch.arange(block + 2 * overlap, device=device)[None, :] - torch.arange(
        block, device=device
    )[:, None]  # [b, b+2w]
    return (rel >= 0) & (rel <= 2 * overlap)


def choose_block(length: int, overlap: int, target: int = 64) -> int:
    """Queries per block: a multiple of 2w dividing ``length`` if possible, near ``target``."""
    unit = 2 * overlap
    if length % unit == 0:
        best = unit
        for mult in range(1, length // unit + 1):
            if (length // unit) % mult == 0 and unit * mult <= max(target, unit):
                best = unit * mult
        return best
    return max(unit, min(target, length))


def _key_windows(x: Tensor, block: int, overlap: int) -> Tensor:
    """[B, T, H, D] → [B, H, n, b + 2w, D]: block i's keys t = i·b − w … i·b + b + w − 1.

    Positions outside [0, T) are zero. Needs T = n·b.
    """
    padded = F.pad(x, (0, 0, 0, 0, overlap, overlap))  # [B, T + 2w, H, D]
    windows = padded.unfold(1, block + 2 * overlap, block)  # [B, n, H, D, b+2w]
    return windows.permute(0, 2, 1, 4, 3)  # [B, H, n, b+2w, D]


def local_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    kv_mask: Tensor,
    *,
    overlap: int,
    scale: float,
    block: int | None = None,
    dropout: nn.Module | None = None,
) -> Tensor:
    """Sliding-window attention: query t attends to keys t-w … t+w (w = ``overlap``).

    Keys outside the sequence or with ``kv_mask`` False get zero weight (a finite very negative
    score, so a query whose whole window is masked yields finite output, later masked).
    Queries are processed in blocks of ``block`` steps against the ``block + 2w`` keys around
    them: memory and time O(T·(block + 2w)), never T×T.

    Args:
        q, k, v: float [B, T, H, D] (head-split projections, q not yet scaled).
        kv_mask: bool [B, T], True for valid keys.
        overlap: half window w >= 1.
        scale: score multiplier (1/sqrt(D)).
        block: queries per block (default: :func:`choose_block`); raised to at least w.
        dropout: optional dropout applied to the attention weights.

    Returns:
        float [B, T, H, D].
    """
    B, T, H, D = q.shape
    w = overlap
    b = max(block or choose_block(T, w), w)
    n_blk = -(-T // b)
    t_pad = n_blk * b
    if t_pad != T:
        q, k, v = (F.pad(t, (0, 0, 0, 0, 0, t_pad - T)) for t in (q, k, v))
        kv_mask = F.pad(kv_mask, (0, t_pad - T), value=False)
    span = b + 2 * w
    q_blk = q.reshape(B, n_blk, b, H, D).permute(0, 3, 1, 2, 4)  # [B, H, n, b, D]
    k_win = _key_windows(k, b, w)  # [B, H, n, b+2w, D]
    v_win = _key_windows(v, b, w)  # [B, H, n, b+2w, D]
    scores = torch.matmul(q_blk, k_win.transpose(-1, -2))  # [B, H, n, b, b+2w]
    scores.mul_(scale)
    key_ok = F.pad(kv_mask, (w, w), value=False).unfold(1, span, b)  # [B, n, b+2w]
    allowed = _band(b, w, q.device) & key_ok[:, None, :, None, :]  # [B, 1, n, b, b+2w]
    scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
    probs = scores.softmax(dim=-1)  # [B, H, n, b, b+2w]
    if dropout is not None:
        probs = dropout(probs)
    out = torch.matmul(probs, v_win)  # [B, H, n, b, D]
    out = out.permute(0, 2, 3, 1, 4).reshape(B, t_pad, H, D)  # [B, T_pad, H, D]
    return out[:, :T] if t_pad != T else out


def global_attention(
    q: Tensor, k: Tensor, v: Tensor, kv_mask: Tensor, *, scale: float, dropout_p: float = 0.0
) -> Tensor:
    """Full masked attention (the official ``MaskedMHCA``): masked keys get zero weight.

    Args:
        q: float [B, T_q, H, D]; k, v: float [B, T_k, H, D].
        kv_mask: bool [B, T_k].
        scale: score multiplier.
        dropout_p: attention dropout (training only).

    Returns:
        float [B, T_q, H, D].
    """
    attn_mask = kv_mask[:, None, None, :]  # [B, 1, 1, T_k]
    out = F.scaled_dot_product_attention(
        q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=attn_mask,
        dropout_p=dropout_p, scale=scale,
    )  # [B, H, T_q, D]
    return out.transpose(1, 2)


class LocalMaskedMHA(nn.Module):
    """ActionFormer's multi-head conv-attention (``LocalMaskedMHCA`` / ``MaskedMHCA``).

    q, k and v each pass a depthwise ``MaskedConv1d`` (kernel 3, or stride+1 when strided; no
    bias) and a ``LayerNorm1d``, then 1×1 projections ``query``/``key``/``value``; after the
    attention an output projection ``proj``, masked by the (strided) mask. ``window_size > 1``
    gives the sliding window of ±window_size//2 steps, otherwise global attention. Attribute
    names give the official state-dict keys.
    """

    def __init__(
        self,
        dim: int,
        *,
        n_head: int,
        window_size: int,
        stride: int = 1,
        attn_pdrop: float = 0.0,
        proj_pdrop: float = 0.0,
        block: int | None = None,
    ) -> None:
        super().__init__()
        assert dim % n_head == 0, f"dim {dim} not divisible by n_head {n_head}"
        assert stride == 1 or stride % 2 == 0, f"stride must be 1 or even, got {stride}"
        self.n_head = n_head
        self.head_dim = dim // n_head
        self.scale = 1.0 / math.sqrt(self.head_dim)
        self.window_size = window_size
        self.overlap = window_size // 2 if window_size > 1 else 0
        self.block = block
        kernel = stride + 1 if stride > 1 else 3
        self.query_conv = MaskedConv1d(dim, dim, kernel, stride=stride, groups=dim, bias=False)
        self.query_norm = LayerNorm1d(dim)
        self.key_conv = MaskedConv1d(dim, dim, kernel, stride=stride, groups=dim, bias=False)
        self.key_norm = LayerNorm1d(dim)
        self.value_conv = MaskedConv1d(dim, dim, kernel, stride=stride, groups=dim, bias=False)
        self.value_norm = LayerNorm1d(dim)
        self.key = nn.Conv1d(dim, dim, 1)
        self.query = nn.Conv1d(dim, dim, 1)
        self.value = nn.Conv1d(dim, dim, 1)
        self.attn_drop = nn.Dropout(attn_pdrop)
        self.proj_drop = nn.Dropout(proj_pdrop)
        self.proj = nn.Conv1d(dim, dim, 1)

    def _heads(self, x: Tensor, proj: nn.Conv1d) -> Tensor:
        """[B, C, T] → 1×1 projection → [B, T, H, D]."""
        B, C, T = x.shape
        y = proj(x).transpose(1, 2)  # [B, T, C]
        return y.reshape(B, T, self.n_head, self.head_dim)  # [B, T, H, D]

    def forward(self, x: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Args:
            x: float [B, C, T]; mask: bool [B, 1, T].

        Returns:
            (out float [B, C, T'] zero outside the mask, mask bool [B, 1, T']), T' = T/stride.
        """
        B, C, _ = x.shape
        q, qx_mask = self.query_conv(x, mask)  # [B, C, T'], [B, 1, T']
        k, kv_mask = self.key_conv(x, mask)  # [B, C, T'], [B, 1, T']
        v, _ = self.value_conv(x, mask)  # [B, C, T']
        q = self._heads(self.query_norm(q), self.query)  # [B, T', H, D]
        k = self._heads(self.key_norm(k), self.key)  # [B, T', H, D]
        v = self._heads(self.value_norm(v), self.value)  # [B, T', H, D]
        if self.overlap > 0:
            drop = self.attn_drop if self.attn_drop.p > 0 else None
            out = local_attention(
                q, k, v, kv_mask[:, 0], overlap=self.overlap, scale=self.scale,
                block=self.block, dropout=drop,
            )  # [B, T', H, D]
        else:
            p = self.attn_drop.p if self.training else 0.0
            out = global_attention(q, k, v, kv_mask[:, 0], scale=self.scale, dropout_p=p)
        out = out.reshape(B, out.shape[1], C).transpose(1, 2)  # [B, C, T']
        out = apply_mask(self.proj_drop(self.proj(out)), qx_mask)  # [B, C, T']
        return out, qx_mask
