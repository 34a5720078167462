"""Gaussian noise on the padded training batch (TriDet / CLTDR-GMG ``input_noise``)."""

from __future__ import annotations

import torch
from torch import Tensor


def add_input_noise(inputs: Tensor, std: float) -> Tensor:
    """``inputs + N(0, std²)`` on every position, valid and padded (official preprocessing).

    Draws one ``randn_like`` of the whole batch, as the official code, so a seeded run makes
    the same draws; ``std <= 0`` returns the inputs unchanged without drawing.

    Args:
        inputs: float [B, C, T] padded batch.
        std: noise standard deviation (official ``input_noise``).

    Returns:
        float [B, C, T].
    """
    if std <= 0:
        return inputs
    return torch.randn_like(inputs).mul_(std).add_(inputs)  # same values, one temporary
