"""``LayerNorm1d``: layer norm over the channel axis of [B, C, T] tensors."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class LayerNorm1d(nn.Module):
    """Normalise each time step over channels (eps 1e-5, biased variance), affine ``1×C×1``.

    Matches the official ``LayerNorm`` (weight 1, bias 0 at init; parameter shapes
    ``[1, C, 1]``). Computed with the fused ``F.layer_norm`` on a [B, T, C] view.
    """

    def __init__(self, num_channels: int, *, eps: float = 1e-5, affine: bool = True) -> None:
        super().__init__()
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if affine:
            self.weight = nn.Parameter(torch.ones(1, num_channels, 1))
            self.bias = nn.Parameter(torch.zeros(1, num_channels, 1))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        """Args:
            x: float [B, C, T].

        Returns:
            float [B, C, T].
        """
        assert x.dim() == 3 and x.shape[1] == self.num_channels, (
            f"LayerNorm1d({self.num_channels}) got shape {tuple(x.shape)}"
        )
        weight = self.weight.view(-1) if self.weight is not None else None
        bias = self.bias.view(-1) if self.bias is not None else None
        out = F.layer_norm(x.transpose(1, 2), (self.num_channels,), weight, bias, self.eps)
        return out.transpose(1, 2)  # [B, C, T]
