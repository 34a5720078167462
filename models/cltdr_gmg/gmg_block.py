"""CLTDR-GMG's Global-Mixed-Granularity block (official ``SGPBlock`` of LiQiang0307/CLTDR-GMG).

A drop-in for TriDet's ``SGPBlock`` (parts shared through :mod:`models.layers.sgp`) inside
:class:`models.encoders.pyramid.TemporalPyramidEncoder`, with the ablation switches of the
paper's Tables 6 (branches), 7 (gate) and 8 (global extractor); models.md §4.1, §5.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from harness.errors import ConfigError
from harness.registry import MODELS
from models.cltdr_gmg.global_filter import spectral_filter
from models.layers.layer_norm import LayerNorm1d
from models.layers.local_attention import LocalMaskedMHA
from models.layers.masked_conv import downsample_mask
from models.layers.sgp import (
    DOWNSAMPLE_TYPES,
    init_branch_convs,
    make_downsample,
    make_drop_paths,
    make_mlp,
)

BRANCHES = ("instant", "local", "global")  # fine → coarse; official sum order
GATE_ACTS = ("identity", "relu")
GLOBAL_EXTRACTORS = ("fft", "self_attention")
GLOBAL_INIT_STD = 0.02  # official w1, b1, w2, b2 = 0.02·N(0, 1)


def check_switches(
    *, dim: int, kernel_size: int, stride: int, downsample_type: str,
    branches: Sequence[str], gate: bool, gate_act: str, global_extractor: str, n_head: int,
) -> tuple[str, ...]:
    """Validate the GMG switches; return the enabled branches in :data:`BRANCHES` order.

    Raises:
        ConfigError: one line naming the bad value.
    """
    if isinstance(branches, str):
        raise ConfigError(f"GMGBlock branches must be a list of names, got the string {branches!r}")
    names = list(branches)
    unknown = [b for b in names if b not in BRANCHES]
    if not names or unknown or len(set(names)) != len(names):
        raise ConfigError(
            f"GMGBlock branches must be a non-empty subset of {BRANCHES} without repeats, "
            f"got {tuple(names)}"
        )
    if not isinstance(gate, bool):
        raise ConfigError(f"GMGBlock gate must be True or False, got {gate!r}")
    if gate_act not in GATE_ACTS:
        raise ConfigError(f"GMGBlock gate_act must be one of {GATE_ACTS}, got {gate_act!r}")
    if not gate and gate_act != "identity":
        raise ConfigError(f"GMGBlock gate_act={gate_act!r} has no effect with gate=False")
    if global_extractor not in GLOBAL_EXTRACTORS:
        raise ConfigError(
            f"GMGBlock global_extractor must be one of {GLOBAL_EXTRACTORS}, got {global_extractor!r}"
        )
    if global_extractor == "self_attention" and "global" in names and (
        n_head < 1 or dim % n_head != 0
    ):
        raise ConfigError(f"GMGBlock n_head={n_head} must divide dim={dim}")
    if kernel_size < 1 or kernel_size % 2 != 1:
        raise ConfigError(f"GMGBlock kernel_size must be odd, got {kernel_size}")
    if dim % 16 != 0:
        raise ConfigError(f"GMGBlock dim must be divisible by 16 (GroupNorm), got {dim}")
    if stride > 1 and downsample_type not in DOWNSAMPLE_TYPES:
        raise ConfigError(
            f"GMGBlock downsample_type must be one of {DOWNSAMPLE_TYPES}, got {downsample_type!r}"
        )
    return tuple(b for b in BRANCHES if b in names)


@MODELS.register_module()
class GMGBlock(nn.Module):
    """GMG: gated instant/local/global branches on LN(x), then SGP's GroupNorm FFN.

    Official form (all branches, ``gate=True``, ``gate_act='identity'``, ``fft``). With
    x ← pool(x) (max pool k=s+1, stride s, padding (s+1)//2; ``'avg'``: avg pool + 1×1 conv)
    and u = LN(x):

        phi   = irFFT(H(U)·U, n=T, ortho), U = rFFT_T(u, ortho)   f_global (global_filter.py)
        convw = convw(u) ⊙ phi                                    f_local
        fc    = fc(u) ⊙ convw                                     f_instant
        out   = fc + convw + phi + u
        y   = x·mask + DropPath(out)             (branch output not re-masked)
        y   = y + DropPath(MLP(GroupNorm(16)(y)))

    The FFT and GroupNorm run over the whole padded axis, so valid outputs depend on the
    padded length (official). The block runs in float32 with autocast disabled (official
    ``autocast(enabled=False)``; inputs are cast to float32 here). ``fc`` (1×1) and ``convw``
    (kernel ``kernel_size``; the encoder passes 1 for stem blocks) are depthwise with weights
    N(0, ``init_conv_vars``²) (0 → exact zeros) and zero biases; ``w1``, ``b1``, ``w2``,
    ``b2`` are 0.02·N(0, 1). Parameters are created in the official order (ln, gn, fc,
    convw, w1, b1, w2, b2, downsample, mlp, drop paths, then the fc/convw re-init), so a
    seeded build draws the official random numbers. ``k`` is accepted and ignored: the
    official block computes a window size from it but never uses it.

    Switches (models.md §5; the harness's semantics where the paper is silent):

    * ``branches`` ⊆ {instant, local, global}, non-empty: each enabled branch is multiplied
      by the output of the next coarser *enabled* branch (instant ← local ← global), and is
      ungated when no coarser branch is enabled; out = Σ enabled branches + u. Disabled
      branches build no parameters (no ``w1``/``b1``/``w2``/``b2`` or ``global_attn``
      without global, no ``convw`` without local, no ``fc`` without instant).
    * ``gate=False``: out = fc(u) + convw(u) + f_global + u over the enabled branches (the
      official commented-out line); ``gate_act`` must then stay 'identity'.
    * ``gate_act='relu'`` (the paper's figure): the gating signal passes a ReLU before the
      product, f_local = convw(u) ⊙ ReLU(f_global), f_instant = fc(u) ⊙ ReLU(f_local); the
      terms summed into ``out`` are not activated. 'identity' = official code.
    * ``global_extractor='self_attention'``: f_global = ActionFormer's global masked
      multi-head conv-attention (:class:`LocalMaskedMHA`, ``n_head`` heads, no window,
      stride 1; submodule ``global_attn``) on u with the block's mask; its output is zero at
      padded steps. Gating and sum unchanged.

    Args:
        dim: channels C (divisible by 16 for the GroupNorm).
        stride: 1 (stem) or the downsampling factor (branch).
        kernel_size: odd kernel of ``convw``.
        k: accepted for config compatibility, unused (official).
        mlp_dim: FFN hidden width (official ``sgp_mlp_dim``; default 4·C).
        path_pdrop: drop-path probability (> 0 adds ``drop_path_out``/``drop_path_mlp``).
        downsample_type: 'max' or 'avg' (only used when stride > 1).
        init_conv_vars: standard deviation of the ``fc``/``convw`` weights at init.
        branches, gate, gate_act, global_extractor, n_head: the switches above.
    """

    def __init__(
        self,
        *,
        dim: int,
        stride: int = 1,
        kernel_size: int = 1,
        k: float = 1.5,
        mlp_dim: int | None = None,
        path_pdrop: float = 0.0,
        downsample_type: str = "max",
        init_conv_vars: float = 0.0,
        branches: Sequence[str] = BRANCHES,
        gate: bool = True,
        gate_act: str = "identity",
        global_extractor: str = "fft",
        n_head: int = 4,
    ) -> None:
        super().__init__()
        self.branches = check_switches(
            dim=dim, kernel_size=kernel_size, stride=stride, downsample_type=downsample_type,
            branches=branches, gate=gate, gate_act=gate_act,
            global_extractor=global_extractor, n_head=n_head,
        )
        self.stride = stride
        self.gate = gate
        self.gate_act = gate_act
        self.global_extractor = global_extractor
        self.ln = LayerNorm1d(dim)
        self.gn = nn.GroupNorm(16, dim)
        self.fc: nn.Conv1d | None = None
        self.convw: nn.Conv1d | None = None
        if "instant" in self.branches:
            self.fc = nn.Conv1d(dim, dim, 1, groups=dim)
        if "local" in self.branches:
            self.convw = nn.Conv1d(dim, dim, kernel_size, padding=kernel_size // 2, groups=dim)
        self.global_attn: LocalMaskedMHA | None = None
        if "global" in self.branches and global_extractor == "fft":
            self.w1 = nn.Parameter(GLOBAL_INIT_STD * torch.randn(2, dim, 1))
            self.b1 = nn.Parameter(GLOBAL_INIT_STD * torch.randn(2, dim))
            self.w2 = nn.Parameter(GLOBAL_INIT_STD * torch.randn(2, dim, 1))
            self.b2 = nn.Parameter(GLOBAL_INIT_STD * torch.randn(2, dim))
        elif "global" in self.branches:
            self.global_attn = LocalMaskedMHA(dim, n_head=n_head, window_size=-1, stride=1)
        self.downsample = make_downsample(dim, stride, downsample_type)
        self.mlp = make_mlp(dim, mlp_dim)
        self.drop_path_out, self.drop_path_mlp = make_drop_paths(dim, path_pdrop)
        self.reset_branch_parameters(init_conv_vars)

    def reset_branch_parameters(self, std: float) -> None:
        """``fc``/``convw`` weights ~ N(0, std²), biases 0, in the official order."""
        init_branch_convs([c for c in (self.fc, self.convw) if c is not None], std)

    def _global(self, u: Tensor, mask: Tensor) -> Tensor:
        """f_global [B, C, T]: spectral filter or masked global self-attention of u."""
        if self.global_attn is not None:
            return self.global_attn(u, mask)[0]  # [B, C, T], 0 at padded steps
        return spectral_filter(u, self.w1, self.b1, self.w2, self.b2)  # [B, C, T]

    def _gated(self, term: Tensor | None, signal: Tensor | None) -> Tensor | None:
        """``term ⊙ signal`` (official gate; ReLU(signal) with ``gate_act='relu'``), or ``term``."""
        if term is None or signal is None or not self.gate:
            return term
        return term * (F.relu(signal) if self.gate_act == "relu" else signal)

    def mix(self, u: Tensor, mask: Tensor) -> Tensor:
        """The official GMG formula over the enabled branches (absent ones are skipped).

        Args:
            u: float [B, C, T] (LN output); mask: bool [B, 1, T].

        Returns:
            float [B, C, T] = fc + convw + phi + u (not masked).
        """
        phi = self._global(u, mask) if "global" in self.branches else None  # [B, C, T]
        convw = self._gated(self.convw(u), phi) if self.convw is not None else None  # [B, C, T]
        coarser = convw if convw is not None else phi  # the next coarser enabled branch
        fc = self._gated(self.fc(u), coarser) if self.fc is not None else None  # [B, C, T]
        out: Tensor | None = None
        for term in (fc, convw, phi):  # official order: fc + convw + phi + out
            if term is not None:
                out = term if out is None else out + term
        assert out is not None
        return out + u  # [B, C, T]

    def forward(self, x: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Args:
            x: float [B, C, T]; mask: bool [B, 1, T] (T divisible by the stride).

        Returns:
            (float32 [B, C, T/stride], bool [B, 1, T/stride]).
        """
        with torch.autocast(device_type=x.device.type, enabled=False):
            x = self.downsample(x.float())  # [B, C, T']
            out_mask = downsample_mask(mask, self.stride)  # [B, 1, T']
            out = self.mix(self.ln(x), out_mask)  # [B, C, T']
            out = x * out_mask.to(x.dtype) + self.drop_path_out(out)  # [B, C, T']
            out = out + self.drop_path_mlp(self.mlp(self.gn(out)))  # [B, C, T'] FFN
        return out, out_mask
