"""``ClsHead``: per-class sigmoid logits at every point of every level."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from harness.registry import MODELS
from models.heads.tower import ConvTowerHead
from models.layers.masked_conv import MaskedConv1d


def prior_bias(prior_prob: float) -> float:
    """Logit bias with sigmoid = prior_prob: −log((1 − π)/π)."""
    return -math.log((1.0 - prior_prob) / prior_prob)


@MODELS.register_module()
class ClsHead(ConvTowerHead):
    """Conv tower → ``cls_head`` MaskedConv1d(k) to K logits (no background class).

    Init (models.md §1): output bias −log((1−π)/π) for ``prior_prob`` π > 0; classes in
    ``empty_cls`` get π = 1e-6 (−13.8155). ``detach_feats`` stops gradients into the inputs
    (TriDet's boundary heads).
    """

    def __init__(
        self,
        *,
        input_dim: int,
        feat_dim: int,
        num_classes: int,
        prior_prob: float = 0.01,
        num_layers: int = 3,
        kernel_size: int = 3,
        with_ln: bool = True,
        empty_cls: Sequence[int] = (),
        detach_feats: bool = False,
    ) -> None:
        super().__init__(
            input_dim=input_dim, feat_dim=feat_dim, num_layers=num_layers,
            kernel_size=kernel_size, with_ln=with_ln,
        )
        self.detach_feats = detach_feats
        self.cls_head = MaskedConv1d(feat_dim, num_classes, kernel_size)
        bias = self.cls_head.conv.bias
        assert bias is not None
        with torch.no_grad():
            if prior_prob > 0:
                bias.fill_(prior_bias(prior_prob))
            for idx in empty_cls:
                bias[idx] = prior_bias(1e-6)

    def forward(self, feats: Sequence[Tensor], masks: Sequence[Tensor]) -> list[Tensor]:
        """Args:
            feats: list over levels of float [B, C, T_l]; masks: bool [B, 1, T_l].

        Returns:
            list over levels of float [B, K, T_l] logits (0 at masked steps).
        """
        assert len(feats) == len(masks)
        out = []
        for x, mask in zip(feats, masks):
            if self.detach_feats:
                x = x.detach()
            logits, _ = self.cls_head(self.tower(x, mask), mask)  # [B, K, T_l]
            out.append(logits)
        return out
