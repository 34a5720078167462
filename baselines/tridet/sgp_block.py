"""TriDet's Scalable-Granularity Perception block (official ``SGPBlock``, libs/modeling/blocks.py)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from harness.errors import ConfigError
from harness.registry import MODELS
from models.layers.layer_norm import LayerNorm1d
from models.layers.masked_conv import downsample_mask
from models.layers.sgp import (
    DOWNSAMPLE_TYPES,
    init_branch_convs,
    make_downsample,
    make_drop_paths,
    make_mlp,
    window_kernel_size,
)


@MODELS.register_module()
class SGPBlock(nn.Module):
    """SGP: instant-level and window-level branches on LN(x), then a GroupNorm FFN.

    TriDet's equation, with x ← pool(x) (max pool k=s+1, stride s, padding (s+1)//2 when
    downsampling, or avg pool + 1×1 conv for ``downsample_type='avg'``) and u = LN(x):

        phi = ReLU(global_fc(mean_T(u)))
        out = fc(u)·phi + (convw(u) + convkw(u))·psi(u) + u
        y   = x·mask + DropPath(out)
        y   = y + DropPath(MLP(GroupNorm(16)(y)))

    The mean runs over the whole padded axis and neither branch output is re-masked
    (official; outputs at valid steps depend on the padded length). ``fc``, ``global_fc``
    are depthwise 1×1 convs, ``psi``, ``convw`` depthwise with kernel ``kernel_size``
    (the encoder passes 1 for stem blocks), ``convkw`` with :func:`window_kernel_size`.
    Their weights start as N(0, ``init_conv_vars``²) (the official name; it is a standard
    deviation; 0 gives exact zeros) and their biases at 0. Keys as the official module.

    Args:
        dim: channels C (divisible by 16 for the GroupNorm).
        stride: 1 (stem) or the downsampling factor (branch).
        kernel_size: odd window w of ``psi`` and ``convw``.
        k: window-branch scale (official ``k``).
        mlp_dim: FFN hidden width (official ``sgp_mlp_dim``; default 4·C).
        path_pdrop: drop-path probability (> 0 adds ``drop_path_out``/``drop_path_mlp``).
        downsample_type: 'max' or 'avg' (only used when stride > 1).
        init_conv_vars: standard deviation of the branch conv weights at init.
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
    ) -> None:
        super().__init__()
        if kernel_size % 2 != 1:
            raise ConfigError(f"SGPBlock kernel_size must be odd, got {kernel_size}")
        if stride > 1 and downsample_type not in DOWNSAMPLE_TYPES:
            raise ConfigError(f"SGPBlock downsample_type must be one of {DOWNSAMPLE_TYPES}, got {downsample_type!r}")
        self.stride = stride
        self.ln = LayerNorm1d(dim)
        self.gn = nn.GroupNorm(16, dim)
        up_size = window_kernel_size(kernel_size, k)
        pad = kernel_size // 2
        self.psi = nn.Conv1d(dim, dim, kernel_size, padding=pad, groups=dim)
        self.fc = nn.Conv1d(dim, dim, 1, groups=dim)
        self.convw = nn.Conv1d(dim, dim, kernel_size, padding=pad, groups=dim)
        self.convkw = nn.Conv1d(dim, dim, up_size, padding=up_size // 2, groups=dim)
        self.global_fc = nn.Conv1d(dim, dim, 1, groups=dim)
        self.downsample = make_downsample(dim, stride, downsample_type)
        self.mlp = make_mlp(dim, mlp_dim)
        self.drop_path_out, self.drop_path_mlp = make_drop_paths(dim, path_pdrop)
        self.reset_branch_parameters(init_conv_vars)

    def reset_branch_parameters(self, std: float) -> None:
        """Branch conv weights ~ N(0, std²), biases 0, in the official order (same RNG draws)."""
        init_branch_convs((self.psi, self.fc, self.convw, self.convkw, self.global_fc), std)

    def forward(self, x: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Args:
            x: float [B, C, T]; mask: bool [B, 1, T] (T divisible by the stride).

        Returns:
            (float [B, C, T/stride], bool [B, 1, T/stride]).
        """
        x = self.downsample(x)  # [B, C, T']
        out_mask = downsample_mask(mask, self.stride)  # [B, 1, T']
        out = self.ln(x)  # [B, C, T']
        psi = self.psi(out)  # [B, C, T']
        fc = self.fc(out)  # [B, C, T']
        convw = self.convw(out)  # [B, C, T']
        convkw = self.convkw(out)  # [B, C, T']
        phi = torch.relu(self.global_fc(out.mean(dim=-1, keepdim=True)))  # [B, C, 1]
        out = fc * phi + (convw + convkw) * psi + out  # [B, C, T']
        out = x * out_mask.to(x.dtype) + self.drop_path_out(out)  # [B, C, T']
        out = out + self.drop_path_mlp(self.mlp(self.gn(out)))  # [B, C, T'] FFN
        return out, out_mask
