"""``TemporalPyramidEncoder``: conv embedding → stem blocks → strided branch blocks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch.nn.functional as F
from torch import Tensor, nn

from harness.errors import ConfigError
from harness.registry import MODELS
from models.layers.layer_norm import LayerNorm1d
from models.layers.masked_conv import MaskedConv1d
from models.layers.pos_embed import scaled_position_embedding

BlockSpec = type | Mapping[str, Any]


def resolve_block(block: BlockSpec) -> tuple[type, dict[str, Any]]:
    """Split a block spec into (class, common keyword arguments).

    Args:
        block: a block class, or a dict whose ``type`` is a class or the name of a block
            registered in ``MODELS`` and whose other keys are passed to every block.

    Returns:
        (block class, kwargs shared by all blocks).
    """
    if isinstance(block, type):
        return block, {}
    kwargs = dict(block)
    block_type = kwargs.pop("type", None)
    if isinstance(block_type, str):
        cls = MODELS.get(block_type)
        if cls is None:
            raise ConfigError(f"unknown encoder block type {block_type!r} (not in MODELS)")
        return cls, kwargs
    if isinstance(block_type, type):
        return block_type, kwargs
    raise ConfigError(f"encoder block needs a 'type' (class or registered name), got {block!r}")


@MODELS.register_module()
class TemporalPyramidEncoder(nn.Module):
    """The backbone shared by ActionFormer, TriDet and CLTDR-GMG (models.md §1).

    ``arch = (a, b, c)``: a × [MaskedConv1d(k) → LayerNorm1d → ReLU] (no conv bias with LN),
    optional sinusoidal position embedding, b stem blocks at stride 1, then c branch blocks
    each downsampling by ``scale_factor``; the outputs are the stem output and every branch
    output (c + 1 levels). Blocks are built as ``cls(dim=embd_dim, stride=s, **common,
    **block_overrides[i])`` (stem blocks first) and map ``(x, mask) → (x, mask)``. Every
    ``nn.Conv1d``/``nn.Linear`` bias inside starts at 0, as the official backbones.
    Attribute names give the official state-dict keys (``embd``, ``embd_norm``, ``stem``,
    ``branch``).
    """

    def __init__(
        self,
        *,
        input_dim: int,
        embd_dim: int,
        block: BlockSpec,
        arch: Sequence[int] = (2, 2, 5),
        scale_factor: int = 2,
        embd_kernel_size: int = 3,
        embd_with_ln: bool = True,
        block_overrides: Sequence[Mapping[str, Any]] | None = None,
        use_abs_pe: bool = False,
        max_len: int | None = None,
    ) -> None:
        super().__init__()
        if len(arch) != 3:
            raise ConfigError(f"encoder arch must have 3 entries (embd, stem, branch), got {arch}")
        n_embd, n_stem, n_branch = (int(a) for a in arch)
        overrides = list(block_overrides) if block_overrides is not None else []
        if overrides and len(overrides) != n_stem + n_branch:
            raise ConfigError(
                f"block_overrides needs {n_stem + n_branch} entries (stem + branch), "
                f"got {len(overrides)}"
            )
        overrides = overrides or [{}] * (n_stem + n_branch)
        if use_abs_pe and max_len is None:
            raise ConfigError("use_abs_pe needs max_len")
        self.arch = (n_embd, n_stem, n_branch)
        self.scale_factor = scale_factor
        self.use_abs_pe = use_abs_pe
        self.max_len = max_len
        self.embd = nn.ModuleList()
        self.embd_norm = nn.ModuleList()
        for i in range(n_embd):
            self.embd.append(MaskedConv1d(
                input_dim if i == 0 else embd_dim, embd_dim, embd_kernel_size,
                bias=not embd_with_ln,
            ))
            self.embd_norm.append(LayerNorm1d(embd_dim) if embd_with_ln else nn.Identity())
        if use_abs_pe:
            assert max_len is not None
            self.register_buffer(
                "pos_embd", scaled_position_embedding(max_len, embd_dim), persistent=False
            )
        block_cls, common = resolve_block(block)
        self.stem = nn.ModuleList(
            block_cls(dim=embd_dim, stride=1, **common, **overrides[i]) for i in range(n_stem)
        )
        self.branch = nn.ModuleList(
            block_cls(dim=embd_dim, stride=scale_factor, **common, **overrides[n_stem + i])
            for i in range(n_branch)
        )
        self.apply(_zero_bias)

    @property
    def num_levels(self) -> int:
        return self.arch[2] + 1

    def _add_position(self, x: Tensor, mask: Tensor) -> Tensor:
        """Add the (re-interpolated at test time) position embedding on valid steps."""
        T = x.shape[-1]
        pe = self.pos_embd
        if self.training:
            assert T <= pe.shape[-1], f"sequence length {T} exceeds max_len {pe.shape[-1]}"
        elif T >= pe.shape[-1]:
            pe = F.interpolate(pe, T, mode="linear", align_corners=False)  # [1, C, T]
        return x + pe[:, :, :T] * mask.to(x.dtype)

    def forward(self, x: Tensor, mask: Tensor) -> tuple[list[Tensor], list[Tensor]]:
        """Args:
            x: float [B, C_in, T]; mask: bool [B, 1, T].

        Returns:
            (feats: list over levels of float [B, embd_dim, T / s^l],
            masks: list of bool [B, 1, T / s^l]).
        """
        for conv, norm in zip(self.embd, self.embd_norm):
            x, mask = conv(x, mask)  # [B, C, T]
            x = F.relu(norm(x))
        if self.use_abs_pe:
            x = self._add_position(x, mask)
        for blk in self.stem:
            x, mask = blk(x, mask)  # [B, C, T]
        feats, masks = [x], [mask]
        for blk in self.branch:
            x, mask = blk(x, mask)  # [B, C, T / s^l]
            feats.append(x)
            masks.append(mask)
        return feats, masks


def _zero_bias(module: nn.Module) -> None:
    if isinstance(module, (nn.Linear, nn.Conv1d)) and module.bias is not None:
        nn.init.zeros_(module.bias)
