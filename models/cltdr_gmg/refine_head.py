"""``RefineHead`` (official key ``refineHead``): class-wise boundary shifts and a logit factor."""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn

from harness.registry import MODELS
from models.heads.tower import ConvTowerHead
from models.layers.masked_conv import MaskedConv1d
from models.layers.scale import Scale

OFFSET_KERNEL_SIZE = 7  # hard-coded in the official RefineHead

# names of the per-level outputs (also the parity-file names)
START = "refine_start_offsets"
END = "refine_end_offsets"
PROB = "refine_prob_logits"


@MODELS.register_module()
class RefineHead(ConvTowerHead):
    """Conv tower on the CLFF features → start/end shifts and refinement logits, per class.

    Tower: (num_layers − 1) × [MaskedConv1d(k, no bias with LN) → LayerNorm1d → ReLU]
    (``head``/``norm``, as every head). Outputs, each MaskedConv1d C → K with bias 0:
    ``s_offset_head`` and ``e_offset_head`` (kernel 7: start/end shifts in grid units,
    Δs, Δe) and ``prob_head`` (kernel k: the logit factor of the refined classification).
    One ``Scale`` per level is created, as in the official module, and **never used**
    (its parameters get no gradient). ``with_offsets``/``with_prob`` = False (Table 10)
    build no shift heads / no ``prob_head``.
    """

    def __init__(
        self,
        *,
        input_dim: int,
        feat_dim: int,
        num_classes: int,
        num_levels: int,
        num_layers: int = 3,
        kernel_size: int = 3,
        with_ln: bool = True,
        with_offsets: bool = True,
        with_prob: bool = True,
    ) -> None:
        super().__init__(
            input_dim=input_dim, feat_dim=feat_dim, num_layers=num_layers,
            kernel_size=kernel_size, with_ln=with_ln,
        )
        # created but never used by the official code (never in the graph, never stepped by
        # AdamW): frozen explicitly, so that DDP expects no gradient for them
        self.scale = nn.ModuleList(Scale() for _ in range(num_levels))
        self.scale.requires_grad_(False)
        self.s_offset_head: MaskedConv1d | None = None
        self.e_offset_head: MaskedConv1d | None = None
        self.prob_head: MaskedConv1d | None = None
        if with_offsets:
            self.s_offset_head = MaskedConv1d(feat_dim, num_classes, OFFSET_KERNEL_SIZE)
            self.e_offset_head = MaskedConv1d(feat_dim, num_classes, OFFSET_KERNEL_SIZE)
        if with_prob:
            self.prob_head = MaskedConv1d(feat_dim, num_classes, kernel_size)

    def forward(self, feats: Sequence[Tensor], masks: Sequence[Tensor]) -> dict[str, list[Tensor]]:
        """Args:
            feats: list over levels of float [B, C, T_l] (CLFF output); masks: bool [B, 1, T_l].

        Returns:
            {``refine_start_offsets``, ``refine_end_offsets`` (if built),
            ``refine_prob_logits`` (if built)}: lists over levels of float [B, K, T_l],
            0 at masked steps.
        """
        assert len(feats) == len(masks) == len(self.scale)
        heads = {START: self.s_offset_head, END: self.e_offset_head, PROB: self.prob_head}
        out: dict[str, list[Tensor]] = {name: [] for name, head in heads.items() if head is not None}
        for x, mask in zip(feats, masks):
            h = self.tower(x, mask)  # [B, C, T_l]
            for name, head in heads.items():
                if head is not None:
                    out[name].append(head(h, mask)[0])  # [B, K, T_l]
        return out
