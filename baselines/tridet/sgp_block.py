"""TriDet's Scalable-Granularity Perception block (official ``SGPBlock``, libs/modeling/blocks.py)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from harness.errors import ConfigError
from harness.registry import MODELS
from models.layers.depthwise import depthwise_conv1d, summed_depthwise_kernel
from models.layers.drop_path import AffineDropPath, add_drop_path
from models.layers.fast_conv import conv1d_fast, max_pool_time
from models.layers.fused_linear import conv1x1_gelu
from models.layers.group_norm import group_norm_1d
from models.layers.layer_norm import LayerNorm1d
from models.layers.masked_conv import apply_mask, conv1x1, downsample_mask

DOWNSAMPLE_TYPES = ("max", "avg")


def window_kernel_size(kernel_size: int, k: float) -> int:
    """Kernel of the window-level branch ``convkw``: round((w + 1)·k), made odd by adding 1.

    Python's ``round`` (half to even), as the official code; e.g. w 1, k 5 → 11.
    """
    size = round((kernel_size + 1) * k)
    return size + 1 if size % 2 == 0 else size


def depthwise(conv: nn.Conv1d, x: Tensor) -> Tensor:
    """A depthwise ``nn.Conv1d`` ('same' padding) on [B, C, T]; kernel 1 as w·x + b.

    The kernel-1 case is an element-wise product (same values as the convolution up to
    rounding) that keeps time-major inputs time-major; wider kernels use ``conv1d_fast``.
    """
    if conv.kernel_size[0] == 1:
        return depthwise_conv1d(x, conv.weight, conv.bias)  # [B, C, T]
    return conv1d_fast(x, conv)


def make_downsample(dim: int, stride: int, downsample_type: str) -> nn.Module:
    """Official downsampling module: MaxPool1d(s+1, s, (s+1)//2), AvgPool + 1×1 conv, or identity."""
    if stride > 1 and downsample_type == "avg":
        return nn.Sequential(nn.AvgPool1d(stride, stride=stride), nn.Conv1d(dim, dim, 1))
    if stride > 1:
        return nn.MaxPool1d(stride + 1, stride=stride, padding=(stride + 1) // 2)
    return nn.Identity()


def downsample_time(ds: nn.Module, x: Tensor) -> Tensor:
    """Apply a :func:`make_downsample` module, keeping time-major inputs time-major. [B, C, T']."""
    if isinstance(ds, nn.MaxPool1d):
        return max_pool_time(x, int(ds.kernel_size), int(ds.stride), int(ds.padding))
    if isinstance(ds, nn.Sequential):
        return conv1x1(ds[0](x), ds[1])
    return x


def make_mlp(dim: int, mlp_dim: int | None) -> nn.Sequential:
    """The block FFN (keys ``mlp.0``, ``mlp.2``): 1×1 conv C → hidden (default 4·C), GELU, 1×1 back."""
    hidden = 4 * dim if mlp_dim is None else mlp_dim
    return nn.Sequential(nn.Conv1d(dim, hidden, 1), nn.GELU(), nn.Conv1d(hidden, dim, 1))


def feed_forward(mlp: nn.Sequential, x: Tensor) -> Tensor:
    """A :func:`make_mlp` FFN with its 1×1 convs as matrix products (GELU fused at inference). [B, C, T]."""
    return conv1x1(conv1x1_gelu(x, mlp[0]), mlp[2])


def make_drop_paths(dim: int, path_pdrop: float) -> tuple[nn.Module, nn.Module]:
    """(``drop_path_out``, ``drop_path_mlp``): AffineDropPath when ``path_pdrop`` > 0, else identities."""
    if path_pdrop > 0.0:
        return AffineDropPath(dim, drop_prob=path_pdrop), AffineDropPath(dim, drop_prob=path_pdrop)
    return nn.Identity(), nn.Identity()


@MODELS.register_module()
class SGPBlock(nn.Module):
    """SGP: instant-level and window-level branches on LN(x), then a GroupNorm FFN.

    With u = LN(pool(x)) (max pool k=s+1, stride s, padding (s+1)//2 when downsampling, or
    avg pool + 1×1 conv for ``downsample_type='avg'``):

        out = fc(u)·ReLU(global_fc(mean_T(u))) + (convw(u) + convkw(u))·psi(u) + u
        y   = pool(x)·mask + DropPath(out)
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
        convs = (self.psi, self.fc, self.convw, self.convkw, self.global_fc)
        for conv in convs:
            nn.init.normal_(conv.weight, 0.0, std)
        for conv in convs:
            nn.init.zeros_(conv.bias)

    def forward(self, x: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Args:
            x: float [B, C, T]; mask: bool [B, 1, T] (T divisible by the stride).

        Returns:
            (float [B, C, T/stride], bool [B, 1, T/stride]).
        """
        x = downsample_time(self.downsample, x)  # [B, C, T']
        out_mask = downsample_mask(mask, self.stride)  # [B, 1, T']
        u = self.ln(x)  # [B, C, T']
        out = self._branches(u)  # [B, C, T']
        out = add_drop_path(apply_mask(x, out_mask), self.drop_path_out, out)  # [B, C, T']
        mlp = feed_forward(self.mlp, group_norm_1d(out, self.gn))  # [B, C, T']
        return add_drop_path(out, self.drop_path_mlp, mlp), out_mask

    def _branches(self, u: Tensor) -> Tensor:
        """fc(u)·ReLU(global_fc(mean_T(u))) + (convw(u) + convkw(u))·psi(u) + u, fused.

        fc is depthwise with kernel 1, so fc(u)·φ = u·(w_fc·φ) + b_fc·φ (one pass with the
        [B, C, 1] factors); convw + convkw is one depthwise conv with the summed centred
        kernels. Same values as the branch-by-branch formula up to float rounding.

        Args:
            u: float [B, C, T'] (LN output).

        Returns:
            float [B, C, T'].
        """
        phi = F.relu(depthwise(self.global_fc, u.mean(dim=-1, keepdim=True)))  # [B, C, 1]
        fc_w = self.fc.weight.view(1, -1, 1) * phi  # [B, C, 1]
        fc_b = self.fc.bias.view(1, -1, 1) * phi  # [B, C, 1]
        out = torch.addcmul(fc_b, u, fc_w)  # [B, C, T'] instant-level branch
        weight, bias = summed_depthwise_kernel(
            [self.convw.weight, self.convkw.weight], [self.convw.bias, self.convkw.bias]
        )  # [C, 1, k], [C]
        window = depthwise_conv1d(u, weight, bias)  # [B, C, T'] convw(u) + convkw(u)
        return out.addcmul_(window, depthwise(self.psi, u)).add_(u)  # [B, C, T']
