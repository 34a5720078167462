"""Time <-> grid mapping, down-sampling and fixed-length resize.

Pure functions (tested directly) behind thin registered transforms. The arithmetic
follows the official loaders (data-and-eval.md §2): the mapping runs in float32 numpy.
The training-only steps (ANet GT filter, random truncation) are in :mod:`.crop`.

Pipeline keys: ``feats`` FloatTensor [C, T]; ``segments_sec`` float32 [N, 2] seconds;
``segments`` FloatTensor [N, 2] grid units; ``labels`` LongTensor [N]; ``fps``,
``duration``, ``feat_stride``, ``feat_num_frames`` floats.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from harness.registry import TRANSFORMS

GRID_RULES = ("actionformer", "tridet")


def seconds_to_grid(
    segments_sec: np.ndarray,
    *,
    fps: float,
    feat_stride: float,
    num_frames: float,
    rule: str = "actionformer",
) -> np.ndarray:
    """grid = (t·fps − 0.5·num_frames) / feat_stride, in float32 like the official loaders.

    The two official codes round differently (float32, ≤ 1 ulp apart): ``actionformer``
    (happyharrycn HEAD, CLTDR-GMG's ANet loader) computes t·fps/stride − 0.5·num_frames/stride;
    ``tridet`` (TriDet and its forks) computes (t·fps − 0.5·num_frames)/stride.

    Args:
        segments_sec: [N, 2] seconds.

    Returns:
        float32 [N, 2] grid units (small negative values are allowed).
    """
    seg = np.asarray(segments_sec, dtype=np.float32).reshape(-1, 2)  # [N, 2]
    if rule == "actionformer":
        offset = 0.5 * float(num_frames) / float(feat_stride)
        out = seg * float(fps) / float(feat_stride) - offset  # [N, 2]
    elif rule == "tridet":
        out = (seg * float(fps) - 0.5 * float(num_frames)) / float(feat_stride)  # [N, 2]
    else:
        raise ValueError(f"grid rule must be one of {GRID_RULES}, got {rule!r}")
    return out.astype(np.float32, copy=False)


def grid_to_seconds(
    segments_grid: np.ndarray,
    *,
    fps: float,
    feat_stride: float,
    num_frames: float,
    duration: float,
) -> np.ndarray:
    """Inverse: t = (grid·feat_stride + 0.5·num_frames) / fps, clipped to [0, duration].

    Args:
        segments_grid: [N, 2] grid units.

    Returns:
        float64 [N, 2] seconds; values ≤ 0 become 0 and values ≥ duration become duration.
    """
    g = np.asarray(segments_grid, dtype=np.float64).reshape(-1, 2)  # [N, 2]
    t = (g * float(feat_stride) + 0.5 * float(num_frames)) / float(fps)  # [N, 2]
    t[t <= 0] = 0.0
    t[t >= duration] = float(duration)
    return t


def resize_stride(num_steps: int, *, feat_stride: float, num_frames: float, length: int) -> float:
    """Effective stride (frames per bin) after resizing T steps to ``length`` bins.

    ((T − 1)·feat_stride + num_frames) / length: the span covered by the features,
    not the annotated duration (ActionFormer ANet ``force_upsampling``).
    """
    return float((num_steps - 1) * feat_stride + num_frames) / length


def resize_feats(feats: torch.Tensor, length: int) -> torch.Tensor:
    """Linear interpolation (align_corners False) of [C, T] to [C, length]."""
    if feats.shape[-1] == length:
        return feats
    return F.interpolate(feats[None], size=length, mode="linear", align_corners=False)[0]  # [C, L]


@TRANSFORMS.register_module()
class TemporalDownsample:
    """Keep every ``rate``-th feature; feat_stride becomes stride·rate."""

    def __init__(self, *, rate: int) -> None:
        if int(rate) != rate or rate < 1:
            raise ValueError(f"TemporalDownsample: rate must be a positive integer, got {rate!r}")
        self.rate = int(rate)

    def __call__(self, results: dict) -> dict:
        if self.rate > 1:
            results["feats"] = results["feats"][:, :: self.rate].contiguous()  # [C, ceil(T/r)]
            results["feat_stride"] = float(results["feat_stride"]) * self.rate
        return results

    def __repr__(self) -> str:
        return f"TemporalDownsample(rate={self.rate})"


@TRANSFORMS.register_module()
class ResizeFeatures:
    """Fixed-length linear resize (ActionFormer ANet): feat_stride and num_frames become
    ((T − 1)·stride + num_frames)/length, i.e. each bin is centred (offset ½ bin)."""

    def __init__(self, *, length: int) -> None:
        self.length = int(length)

    def __call__(self, results: dict) -> dict:
        feats = results["feats"]  # [C, T]
        stride = resize_stride(
            feats.shape[1],
            feat_stride=float(results["feat_stride"]),
            num_frames=float(results["feat_num_frames"]),
            length=self.length,
        )
        results["feats"] = resize_feats(feats, self.length)  # [C, length]
        results["feat_stride"] = stride
        results["feat_num_frames"] = stride
        return results

    def __repr__(self) -> str:
        return f"ResizeFeatures(length={self.length})"


@TRANSFORMS.register_module()
class SecondsToGrid:
    """``segments_sec`` (seconds) -> ``segments`` (grid units, FloatTensor) and ``labels``
    -> LongTensor, with the current feat_stride / feat_num_frames and the official
    arithmetic ``rule`` (see :func:`seconds_to_grid`)."""

    def __init__(self, *, rule: str = "actionformer") -> None:
        if rule not in GRID_RULES:
            raise ValueError(f"SecondsToGrid: rule must be one of {GRID_RULES}, got {rule!r}")
        self.rule = rule

    def __call__(self, results: dict) -> dict:
        grid = seconds_to_grid(
            results["segments_sec"],
            fps=results["fps"],
            feat_stride=results["feat_stride"],
            num_frames=results["feat_num_frames"],
            rule=self.rule,
        )  # [N, 2]
        results["segments"] = torch.from_numpy(grid)
        results["labels"] = torch.as_tensor(np.asarray(results["labels"], dtype=np.int64))  # [N]
        return results

    def __repr__(self) -> str:
        return f"SecondsToGrid(rule={self.rule!r})"
