"""``MaskedConv1d``: a 1-D convolution whose output is zeroed outside the mask."""

from __future__ import annotations

from torch import Tensor, nn


def downsample_mask(mask: Tensor, stride: int) -> Tensor:
    """Nearest-neighbour downsampling of a mask by an integer stride.

    Equal to the official ``F.interpolate(mask.float(), size=T // stride, mode='nearest')``
    for T divisible by ``stride`` (position i of the output reads input i·stride).

    Args:
        mask: bool [B, 1, T], T divisible by ``stride``.
        stride: integer downsampling factor >= 1.

    Returns:
        bool [B, 1, T // stride].
    """
    if stride == 1:
        return mask
    return mask[..., ::stride]


def apply_mask(x: Tensor, mask: Tensor) -> Tensor:
    """``x · mask`` (zero outside the mask), the official ``x * mask.to(x.dtype)``.

    Args:
        x: float [B, C, T]; mask: bool [B, 1, T].

    Returns:
        float [B, C, T].
    """
    return x * mask.to(x.dtype)


class MaskedConv1d(nn.Module):
    """Conv1d whose output is multiplied by the (strided) mask; maps ``(x, mask) → (x, mask)``.

    The kernel must be odd and ``padding == kernel_size // 2`` (asserted), so output position t
    is centred on input position t·stride. The inner ``nn.Conv1d`` is ``self.conv`` (official
    state-dict key ``<name>.conv.weight``); a bias, when present, starts at 0.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        *,
        stride: int = 1,
        padding: int | None = None,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__()
        padding = kernel_size // 2 if padding is None else padding
        assert kernel_size % 2 == 1 and kernel_size // 2 == padding, (
            f"MaskedConv1d needs an odd kernel with padding = kernel_size // 2, "
            f"got kernel_size={kernel_size}, padding={padding}"
        )
        self.stride = stride
        self.conv = nn.Conv1d(
            in_channels, out_channels, kernel_size, stride=stride, padding=padding,
            groups=groups, bias=bias,
        )
        if bias:
            nn.init.zeros_(self.conv.bias)

    def forward(self, x: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Args:
            x: float [B, C_in, T], T divisible by the stride.
            mask: bool [B, 1, T].

        Returns:
            (out float [B, C_out, T // stride] zero where the mask is False,
            mask bool [B, 1, T // stride]).
        """
        assert x.shape[-1] % self.stride == 0, (
            f"sequence length {x.shape[-1]} is not divisible by the stride {self.stride}"
        )
        out_mask = downsample_mask(mask, self.stride)  # [B, 1, T']
        out = apply_mask(self.conv(x), out_mask)  # [B, C_out, T']
        return out, out_mask
