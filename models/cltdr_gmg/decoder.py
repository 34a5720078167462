"""CLTDR decoder: task-decoupled level fusion (DCM, DRM and the Table 9/11 variants) and CLFF.

Both modules map a pyramid ``list[[B, C, T_l]]`` (the neck output) to a pyramid of the same
shapes with **one weight set shared by all levels**. As in the official code (reference
README §D.3) every convolution is a plain ``nn.Conv1d``/``nn.ConvTranspose1d`` with bias and
PyTorch's default init, **unmasked** (padded steps carry values), and the gate's global
average pool runs over the **full padded length**, after a ReLU.

Resampling a neighbour to level l (T_l = T_{l±1}·2^{∓1}):
    up(P_{l+1})   = ConvTranspose1d(k3, s2, p1, output_padding 1)   key ``contrans``
    down(P_{l−1}) = Conv1d(k3, s2, p1)                              key ``down``
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from harness.errors import ConfigError
from harness.registry import MODELS

NEIGHBOURS = ("l+1", "l-1")
FUSIONS = ("attention", "add", "concat")


def upsample_conv(dim: int) -> nn.ConvTranspose1d:
    """×2 temporal upsampling: [B, C, T] → [B, C, 2T]."""
    return nn.ConvTranspose1d(dim, dim, 3, stride=2, padding=1, output_padding=1)


def downsample_conv(dim: int) -> nn.Conv1d:
    """×2 temporal downsampling: [B, C, T] → [B, C, ⌈T/2⌉]."""
    return nn.Conv1d(dim, dim, 3, stride=2, padding=1)


def channel_gate(dim: int) -> nn.Sequential:
    """GAP over time → 1×1 conv → sigmoid: [B, C, T] → [B, C, 1] (keys ``attn.1.*``)."""
    return nn.Sequential(nn.AdaptiveAvgPool1d(1), nn.Conv1d(dim, dim, 1), nn.Sigmoid())


def _check_len(x: Tensor, length: int, what: str) -> Tensor:
    assert x.shape[-1] == length, f"{what}: resampled length {x.shape[-1]} != level length {length}"
    return x


@MODELS.register_module()
class NeighbourLevelFusion(nn.Module):
    """Features of one task from P_l and its neighbouring pyramid levels (DCM / DRM).

    ``neighbours=('l+1',)`` with ``fusion='attention'`` is the official DCM (``decls``):
    F_l = W⊙up(P_{l+1}) + P_l, W = σ(attn(GAP(ReLU(up(P_{l+1}) + conv_l(P_l))))), and
    ``('l-1',)`` the official DRM (``dereg``) with down(P_{l−1}). Variants (models.md §5):

    * both neighbours (Table 9 "all three"): F_l = P_l + W_up⊙up + W_down⊙down, each with its
      own resampling conv, 1×1 conv and gate (keys ``up_conv_l``, ``up_attn``,
      ``down_conv_l``, ``down_attn``; one neighbour keeps the official ``conv_l``, ``attn``);
    * ``fusion='add'`` (Table 11): F_l = P_l + Σ neighbours (no 1×1 conv, no gate);
    * ``fusion='concat'``: F_l = fuse([P_l; neighbours]) with ``fuse`` a 1×1 conv
      ((1 + #neighbours)·C → C, bias), no residual.

    A level whose neighbours do not exist (the top level for l+1, level 0 for l−1) is passed
    through unchanged, as the official modules do; with two neighbours and ``concat``, a
    missing one enters the concatenation as zeros.
    """

    def __init__(self, *, dim: int, neighbours: Sequence[str], fusion: str = "attention") -> None:
        super().__init__()
        nbs = tuple(n for n in NEIGHBOURS if n in neighbours)
        if not nbs or len(nbs) != len(tuple(neighbours)):
            raise ConfigError(f"NeighbourLevelFusion: neighbours {list(neighbours)} ⊄ {list(NEIGHBOURS)}")
        if fusion not in FUSIONS:
            raise ConfigError(f"NeighbourLevelFusion: fusion {fusion!r} not in {list(FUSIONS)}")
        self.neighbours = nbs
        self.fusion = fusion
        for nb in nbs:  # official creation order: resampling conv, conv_l, gate
            if nb == "l+1":
                self.contrans = upsample_conv(dim)
            else:
                self.down = downsample_conv(dim)
            if fusion == "attention":
                prefix = self._gate_prefix(nb)
                self.add_module(f"{prefix}conv_l", nn.Conv1d(dim, dim, 1))
                self.add_module(f"{prefix}attn", channel_gate(dim))
        if fusion == "concat":
            self.fuse = nn.Conv1d((1 + len(nbs)) * dim, dim, 1)

    def _gate_prefix(self, nb: str) -> str:
        if len(self.neighbours) == 1:
            return ""
        return "up_" if nb == "l+1" else "down_"

    def _resampled(self, feats: Sequence[Tensor], level: int) -> dict[str, Tensor]:
        """The neighbours of ``level`` that exist, resampled to its length [B, C, T_l]."""
        length = feats[level].shape[-1]
        out = {}
        if "l+1" in self.neighbours and level + 1 < len(feats):
            out["l+1"] = _check_len(self.contrans(feats[level + 1]), length, "up")
        if "l-1" in self.neighbours and level > 0:
            out["l-1"] = _check_len(self.down(feats[level - 1]), length, "down")
        return out

    def _fuse(self, x: Tensor, nbs: dict[str, Tensor]) -> Tensor:
        """Fuse P_l [B, C, T_l] with its resampled neighbours."""
        if not nbs:
            return x
        if self.fusion == "add":
            return x + sum(nbs.values())  # type: ignore[return-value]
        if self.fusion == "concat":
            parts = [x] + [nbs[n] if n in nbs else torch.zeros_like(x) for n in self.neighbours]
            return self.fuse(torch.cat(parts, dim=1))  # [B, C, T_l]
        out = x
        for nb, h in nbs.items():
            prefix = self._gate_prefix(nb)
            conv_l: nn.Module = getattr(self, f"{prefix}conv_l")
            gate: nn.Module = getattr(self, f"{prefix}attn")
            weight = gate(F.relu(h + conv_l(x)))  # [B, C, 1]
            out = weight * h + out  # [B, C, T_l]
        return out

    def forward(self, feats: Sequence[Tensor]) -> list[Tensor]:
        """Args:
            feats: list over levels of float [B, C, T_l] (T_l = T_0 / 2^l).

        Returns:
            list over levels of float [B, C, T_l].
        """
        return [self._fuse(x, self._resampled(feats, level)) for level, x in enumerate(feats)]


@MODELS.register_module()
class CrossLevelFusion(nn.Module):
    """CLFF (``cross_level``): F_l = up(P_{l+1}) + P_l + down(P_{l−1}), the neighbours that exist.

    ``conv`` is the strided conv from the level below, ``convtrans`` the transposed conv
    from the level above; no normalisation, no activation, no mask (official).
    """

    def __init__(self, *, dim: int) -> None:
        super().__init__()
        self.conv = downsample_conv(dim)
        self.convtrans = upsample_conv(dim)

    def forward(self, feats: Sequence[Tensor]) -> list[Tensor]:
        """Args:
            feats: list over levels of float [B, C, T_l].

        Returns:
            list over levels of float [B, C, T_l].
        """
        num_levels = len(feats)
        out = []
        for level, x in enumerate(feats):
            if level + 1 < num_levels:
                x = _check_len(self.convtrans(feats[level + 1]), x.shape[-1], "up") + x
            if level > 0:
                x = x + _check_len(self.conv(feats[level - 1]), x.shape[-1], "down")
            out.append(x)  # [B, C, T_l]
        return out
