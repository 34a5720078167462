"""``PointGenerator``: the anchor points of every pyramid level."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn


class PointGenerator(nn.Module):
    """Rows ``(t, reg_lo, reg_hi, stride)`` with t = 0, s, 2s, … in input grid units.

    Points are buffered (non-persistent, so not in the state dict) up to ``max_seq_len``
    (the official passes ``max_seq_len · max_buffer_len_factor``, a float).
    """

    def __init__(
        self,
        *,
        max_seq_len: float,
        strides: Sequence[int],
        regression_range: Sequence[Sequence[float]],
        use_offset: bool = False,
    ) -> None:
        super().__init__()
        assert len(strides) == len(regression_range), "one regression range per level"
        self.num_levels = len(strides)
        self.strides = [int(s) for s in strides]
        for level, (stride, rng) in enumerate(zip(self.strides, regression_range)):
            t = torch.arange(0, max_seq_len, stride)[:, None]  # [T_l, 1]
            t = t.to(torch.float32)
            if use_offset:
                t = t + 0.5 * stride
            n = t.shape[0]
            reg = torch.as_tensor(rng, dtype=torch.float32)[None].repeat(n, 1)  # [T_l, 2]
            s = torch.full((n, 1), float(stride), dtype=torch.float32)  # [T_l, 1]
            self.register_buffer(f"points_{level}", torch.cat((t, reg, s), 1), persistent=False)

    def forward(self, lengths: Sequence[int]) -> list[Tensor]:
        """Args:
            lengths: T_l of every level.

        Returns:
            list over levels of float32 [T_l, 4].
        """
        assert len(lengths) == self.num_levels, f"expected {self.num_levels} levels"
        out = []
        for level, n in enumerate(lengths):
            buf: Tensor = getattr(self, f"points_{level}")
            assert n <= buf.shape[0], "reached the max buffer length of the point generator"
            out.append(buf[:n])
        return out
