"""``IdentityNeck1d``: one LayerNorm per pyramid level, no cross-level path."""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn

from harness.errors import ConfigError
from harness.registry import MODELS
from models.layers.layer_norm import LayerNorm1d


@MODELS.register_module()
class IdentityNeck1d(nn.Module):
    """The official ``FPNIdentity``: levels ``start_level … end_level-1`` pass a LayerNorm.

    Masks pass through unchanged; padded positions are not re-masked (as the official neck).
    """

    def __init__(
        self,
        *,
        in_channels: Sequence[int],
        out_channels: int,
        start_level: int = 0,
        end_level: int = -1,
        with_ln: bool = True,
    ) -> None:
        super().__init__()
        self.in_channels = list(in_channels)
        self.start_level = start_level
        self.end_level = len(self.in_channels) if end_level == -1 else end_level
        self.fpn_norms = nn.ModuleList()
        for level in range(self.start_level, self.end_level):
            if self.in_channels[level] != out_channels:
                raise ConfigError(
                    f"identity neck: level {level} has {self.in_channels[level]} channels, "
                    f"expected out_channels={out_channels}"
                )
            self.fpn_norms.append(LayerNorm1d(out_channels) if with_ln else nn.Identity())

    def forward(
        self, feats: Sequence[Tensor], masks: Sequence[Tensor]
    ) -> tuple[list[Tensor], list[Tensor]]:
        """Args:
            feats: list over input levels of float [B, C, T_l]; masks: bool [B, 1, T_l].

        Returns:
            (list of float [B, C, T_l], list of bool [B, 1, T_l]) for the kept levels.
        """
        assert len(feats) == len(self.in_channels), (
            f"neck expects {len(self.in_channels)} levels, got {len(feats)}"
        )
        out_feats = [norm(feats[i + self.start_level]) for i, norm in enumerate(self.fpn_norms)]
        out_masks = [masks[i + self.start_level] for i in range(len(self.fpn_norms))]
        return out_feats, out_masks
