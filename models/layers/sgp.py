"""Parts of TriDet's SGP block that CLTDR-GMG's GMG block reuses (official ``SGPBlock``).

Both blocks pool, normalise, mix branches and end with the same GroupNorm FFN; the parts
live here so that :mod:`baselines.tridet.sgp_block` and :mod:`models.cltdr_gmg.gmg_block`
build them identically (same modules, same keys, same creation order).
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from models.layers.drop_path import AffineDropPath

DOWNSAMPLE_TYPES = ("max", "avg")


def window_kernel_size(kernel_size: int, k: float) -> int:
    """Kernel of the window-level branch ``convkw``: round((w + 1)·k), made odd by adding 1.

    Python's ``round`` (half to even), as the official code; e.g. w 1, k 5 → 11.
    """
    size = round((kernel_size + 1) * k)
    return size + 1 if size % 2 == 0 else size


def init_branch_convs(convs: Sequence[nn.Conv1d], std: float) -> None:
    """Branch conv weights ~ N(0, std²) (0 gives exact zeros), then biases 0: the official
    order of random draws (all weights first)."""
    for conv in convs:
        nn.init.normal_(conv.weight, 0.0, std)
    for conv in convs:
        nn.init.zeros_(conv.bias)


def make_downsample(dim: int, stride: int, downsample_type: str) -> nn.Module:
    """Official ``downsample``: MaxPool1d(s+1, s, (s+1)//2), AvgPool + 1×1 conv, or identity.

    Maps float [B, C, T] → [B, C, T // stride].
    """
    if stride > 1 and downsample_type == "avg":
        return nn.Sequential(nn.AvgPool1d(stride, stride=stride), nn.Conv1d(dim, dim, 1))
    if stride > 1:
        return nn.MaxPool1d(stride + 1, stride=stride, padding=(stride + 1) // 2)
    return nn.Identity()


def make_mlp(dim: int, mlp_dim: int | None) -> nn.Sequential:
    """The block FFN (keys ``mlp.0``, ``mlp.2``): 1×1 conv C → hidden (default 4·C), GELU, 1×1 back."""
    hidden = 4 * dim if mlp_dim is None else mlp_dim
    return nn.Sequential(nn.Conv1d(dim, hidden, 1), nn.GELU(), nn.Conv1d(hidden, dim, 1))


def make_drop_paths(dim: int, path_pdrop: float) -> tuple[nn.Module, nn.Module]:
    """(``drop_path_out``, ``drop_path_mlp``): AffineDropPath when ``path_pdrop`` > 0, else identities."""
    if path_pdrop > 0.0:
        return AffineDropPath(dim, drop_prob=path_pdrop), AffineDropPath(dim, drop_prob=path_pdrop)
    return nn.Identity(), nn.Identity()
