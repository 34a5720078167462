"""Stochastic depth with a learnable per-channel scale (``AffineDropPath``)."""

from __future__ import annotations

import torch
from torch import Tensor, nn


def drop_path(x: Tensor, drop_prob: float, training: bool) -> Tensor:
    """Drop whole samples with probability ``drop_prob`` and rescale the kept ones.

    As the official ``drop_path``: mask = floor(keep + U[0, 1)) per sample, out = x / keep · mask;
    identity when ``drop_prob == 0`` or not training.

    Args:
        x: float [B, ...].
        drop_prob: probability of dropping a sample.
        training: only drop in training mode.

    Returns:
        float, same shape as ``x``.
    """
    if drop_prob == 0.0 or not training:
        return x
    keep_prob = 1.0 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.dim() - 1)
    keep = (keep_prob + torch.rand(shape, dtype=x.dtype, device=x.device)).floor_()  # [B, 1, 1]
    return x.div(keep_prob) * keep


class AffineDropPath(nn.Module):
    """``drop_path(scale · x)`` with ``scale`` a ``1×C×1`` parameter starting at 1e-4."""

    def __init__(self, num_dim: int, *, drop_prob: float = 0.0, init_scale: float = 1e-4) -> None:
        super().__init__()
        self.scale = nn.Parameter(init_scale * torch.ones(1, num_dim, 1))
        self.drop_prob = drop_prob

    def forward(self, x: Tensor) -> Tensor:
        """Args:
            x: float [B, C, T].

        Returns:
            float [B, C, T] = drop_path(scale · x).
        """
        return drop_path(self.scale * x, self.drop_prob, self.training)


def set_drop_path_prob(model: nn.Module, drop_prob: float) -> int:
    """Set the drop probability of every ``AffineDropPath`` in ``model`` (parity runs use 0).

    Returns:
        the number of modules changed.
    """
    n = 0
    for mod in model.modules():
        if isinstance(mod, AffineDropPath):
            mod.drop_prob = drop_prob
            n += 1
    return n
