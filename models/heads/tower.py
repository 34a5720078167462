"""``ConvTowerHead``: the conv tower shared by every dense head (weights shared over levels)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from models.layers.layer_norm import LayerNorm1d
from models.layers.masked_conv import MaskedConv1d


class ConvTowerHead(nn.Module):
    """(num_layers − 1) × [MaskedConv1d(k; no bias with LN) → LayerNorm1d → ReLU].

    Subclasses add their output conv. Attribute names (``head``, ``norm``) give the official
    state-dict keys of ``PtTransformerClsHead``/``PtTransformerRegHead``.
    """

    def __init__(
        self,
        *,
        input_dim: int,
        feat_dim: int,
        num_layers: int = 3,
        kernel_size: int = 3,
        with_ln: bool = True,
    ) -> None:
        super().__init__()
        self.head = nn.ModuleList()
        self.norm = nn.ModuleList()
        for i in range(num_layers - 1):
            in_dim = input_dim if i == 0 else feat_dim
            self.head.append(MaskedConv1d(in_dim, feat_dim, kernel_size, bias=not with_ln))
            self.norm.append(LayerNorm1d(feat_dim) if with_ln else nn.Identity())

    def tower(self, x: Tensor, mask: Tensor) -> Tensor:
        """Args:
            x: float [B, C_in, T]; mask: bool [B, 1, T].

        Returns:
            float [B, feat_dim, T] (padded steps hold ReLU(LN bias), as the official heads).
        """
        for conv, norm in zip(self.head, self.norm):
            x, _ = conv(x, mask)  # [B, C, T]
            x = F.relu(norm(x))
        return x
