"""``RegHead``: non-negative distances to the segment boundaries, per level."""

from __future__ import annotations

from collections.abc import Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from harness.registry import MODELS
from models.heads.tower import ConvTowerHead
from models.layers.masked_conv import MaskedConv1d
from models.layers.scale import Scale


@MODELS.register_module()
class RegHead(ConvTowerHead):
    """Conv tower → ``offset_head`` MaskedConv1d(k) to ``out_channels`` → ``Scale_l`` → ReLU.

    ``out_channels`` is 2 for ActionFormer (left, right) and 2·(num_bins+1) for the Trident
    head. Offsets are in units of the level stride. One ``Scale`` per level (init 1.0).
    """

    def __init__(
        self,
        *,
        input_dim: int,
        feat_dim: int,
        num_levels: int,
        out_channels: int = 2,
        num_layers: int = 3,
        kernel_size: int = 3,
        with_ln: bool = True,
    ) -> None:
        super().__init__(
            input_dim=input_dim, feat_dim=feat_dim, num_layers=num_layers,
            kernel_size=kernel_size, with_ln=with_ln,
        )
        self.scale = nn.ModuleList(Scale() for _ in range(num_levels))
        self.offset_head = MaskedConv1d(feat_dim, out_channels, kernel_size)

    def forward(self, feats: Sequence[Tensor], masks: Sequence[Tensor]) -> list[Tensor]:
        """Args:
            feats: list over levels of float [B, C, T_l]; masks: bool [B, 1, T_l].

        Returns:
            list over levels of float [B, out_channels, T_l], >= 0 (0 at masked steps).
        """
        assert len(feats) == len(masks) == len(self.scale)
        out = []
        for level, (x, mask) in enumerate(zip(feats, masks)):
            offsets, _ = self.offset_head(self.tower(x, mask), mask)  # [B, R, T_l]
            out.append(F.relu(self.scale[level](offsets)))
        return out
