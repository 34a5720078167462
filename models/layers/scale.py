"""``Scale``: multiply by one learnable scalar."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class Scale(nn.Module):
    """``x · scale`` with ``scale`` a 0-dim float32 parameter (official init 1.0)."""

    def __init__(self, init_value: float = 1.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(init_value, dtype=torch.float32))

    def forward(self, x: Tensor) -> Tensor:
        return x * self.scale
