"""Label assignment with center sampling (the official ``label_points``)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from harness.errors import ConfigError
from harness.registry import TASK_UTILS


def label_points(
    points: Tensor,
    gt_segments: Tensor,
    gt_labels: Tensor,
    *,
    num_classes: int,
    center_sample: str = "radius",
    center_sample_radius: float = 1.5,
) -> tuple[Tensor, Tensor]:
    """Classification and regression targets of every point for one video.

    For point (t, lo, hi, s) and GT [a, b]: left = t − a, right = b − t. With center sampling
    the point must satisfy max(c − r·s, a) < t < min(c + r·s, b) (c the GT centre; strict),
    otherwise a < t < b; and lo <= max(left, right) <= hi. Among qualifying GTs the shortest
    wins; every qualifying GT whose length is within 1e-3 of the shortest adds its class
    (multi-hot, clamped to 1). Same tensor operations as the official code, so results are
    bit-identical.

    Args:
        points: float32 [P, 4] rows (t, reg_lo, reg_hi, stride) of all levels.
        gt_segments: float32 [N, 2] (start, end) in grid units.
        gt_labels: int64 [N] 0-based classes.
        num_classes: K.
        center_sample: 'radius' or 'none'.
        center_sample_radius: r, in strides.

    Returns:
        (cls_targets float32 [P, K], reg_targets float32 [P, 2] = (left, right)/stride of the
        chosen GT; for points without a GT the row of GT 0, unused by the losses).
    """
    num_pts, num_gts = points.shape[0], gt_segments.shape[0]
    if num_gts == 0:
        return gt_segments.new_zeros((num_pts, num_classes)), gt_segments.new_zeros((num_pts, 2))
    lens = (gt_segments[:, 1] - gt_segments[:, 0])[None, :].repeat(num_pts, 1)  # [P, N]
    gt = gt_segments[None].expand(num_pts, num_gts, 2)  # [P, N, 2]
    t = points[:, 0, None]  # [P, 1]
    stride = points[:, 3, None]  # [P, 1]
    left = t - gt[:, :, 0]  # [P, N]
    right = gt[:, :, 1] - t  # [P, N]
    reg = torch.stack((left, right), dim=-1)  # [P, N, 2]
    if center_sample == "radius":
        center = 0.5 * (gt[:, :, 0] + gt[:, :, 1])  # [P, N]
        t_min = center - stride * center_sample_radius  # [P, N]
        t_max = center + stride * center_sample_radius  # [P, N]
        dist_left = t - torch.maximum(t_min, gt[:, :, 0])  # [P, N]
        dist_right = torch.minimum(t_max, gt[:, :, 1]) - t  # [P, N]
        inside = torch.stack((dist_left, dist_right), -1).min(-1)[0] > 0  # [P, N]
    else:
        inside = reg.min(-1)[0] > 0  # [P, N]
    max_dist = reg.max(-1)[0]  # [P, N]
    in_range = (max_dist >= points[:, 1, None]) & (max_dist <= points[:, 2, None])  # [P, N]
    lens.masked_fill_(~inside, float("inf"))
    lens.masked_fill_(~in_range, float("inf"))
    min_len, min_idx = lens.min(dim=1)  # [P], [P]
    tie = ((lens <= (min_len[:, None] + 1e-3)) & (lens < float("inf"))).to(reg.dtype)  # [P, N]
    one_hot = F.one_hot(gt_labels, num_classes).to(reg.dtype)  # [N, K]
    cls_targets = (tie @ one_hot).clamp_(min=0.0, max=1.0)  # [P, K]
    reg_targets = reg[torch.arange(num_pts, device=reg.device), min_idx]  # [P, 2]
    reg_targets /= stride
    return cls_targets, reg_targets


@TASK_UTILS.register_module()
class CenterSamplingAssigner:
    """Batch wrapper around :func:`label_points` (runs without gradients)."""

    def __init__(
        self, *, num_classes: int, center_sample: str = "radius", center_sample_radius: float = 1.5
    ) -> None:
        if center_sample not in ("radius", "none"):
            raise ConfigError(f"center_sample must be 'radius' or 'none', got {center_sample!r}")
        self.num_classes = num_classes
        self.center_sample = center_sample
        self.center_sample_radius = center_sample_radius

    @torch.no_grad()
    def __call__(
        self,
        points: Sequence[Tensor],
        gt_segments: Sequence[Tensor],
        gt_labels: Sequence[Tensor],
    ) -> tuple[Tensor, Tensor]:
        """Args:
            points: list over levels of float32 [T_l, 4].
            gt_segments: per video float32 [N_i, 2]; gt_labels: per video int64 [N_i].

        Returns:
            (cls_targets float32 [B, P, K], reg_targets float32 [B, P, 2]), P = Σ T_l.
        """
        concat = torch.cat(list(points), dim=0)  # [P, 4]
        cls_t, reg_t = [], []
        for segs, labels in zip(gt_segments, gt_labels):
            c, r = label_points(
                concat, segs.to(concat), labels.to(concat.device).long(),
                num_classes=self.num_classes, center_sample=self.center_sample,
                center_sample_radius=self.center_sample_radius,
            )
            cls_t.append(c)
            reg_t.append(r)
        return torch.stack(cls_t), torch.stack(reg_t)
