"""Sinusoidal absolute position embedding (``use_abs_pe``)."""

from __future__ import annotations

import math

import torch
from torch import Tensor


def sinusoid_position_embedding(length: int, dim: int) -> Tensor:
    """The Transformer sinusoid table: channel 2i = sin(t / 10000^(2i/dim)), 2i+1 = cos(...).

    Computed in float64 and cast to float32, as the official numpy table.

    Args:
        length: number of positions T.
        dim: number of channels C.

    Returns:
        float32 [1, C, T].
    """
    pos = torch.arange(length, dtype=torch.float64)[:, None]  # [T, 1]
    pair = torch.arange(dim, dtype=torch.float64) // 2  # [C]
    angle = pos / torch.pow(10000.0, 2.0 * pair / dim)  # [T, C]
    table = torch.empty_like(angle)
    table[:, 0::2] = torch.sin(angle[:, 0::2])
    table[:, 1::2] = torch.cos(angle[:, 1::2])
    return table.to(torch.float32).T.unsqueeze(0)  # [1, C, T]


def scaled_position_embedding(length: int, dim: int) -> Tensor:
    """The embedding the official backbone adds: sinusoid table / sqrt(C), float32 [1, C, T]."""
    return sinusoid_position_embedding(length, dim) / math.sqrt(dim)
