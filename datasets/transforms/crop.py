"""Training-only steps: the ANet GT filter and the random truncation (crop).

Pure functions (tested directly) behind thin registered transforms, following the
official ``truncate_feats`` and ANet loaders (data-and-eval.md §2): float32 torch
arithmetic, and random draws from Python's global ``random`` module in the official
order, so a run seeded by mmengine makes the same crops as the official code would.

Pipeline keys: ``feats`` FloatTensor [C, T]; ``segments`` FloatTensor [N, 2] grid units;
``labels`` LongTensor [N]; ``feat_stride``, ``feat_num_frames`` floats.
"""

from __future__ import annotations

import random

import torch

from harness.registry import TRANSFORMS


def clip_segments_to_features(
    segments: torch.Tensor,
    labels: torch.Tensor,
    *,
    feat_len: int,
    offset: float,
    min_inside_ratio: float | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """ANet training GT filter (videos whose features stop before the annotations).

    With v = feat_len + offset: drop GTs starting at/after v, drop GTs with less than
    ``min_inside_ratio`` of their length before v (None: no ratio test), clamp ends to v.
    ActionFormer: offset = 0.5·num_frames/stride and ratio = trunc_thresh; TriDet/CLTDR:
    offset 0, no ratio. A zero-length GT starting before v counts as fully inside (the
    official ratio would divide by zero).

    Args:
        segments: float32 [N, 2] grid units.
        labels: int64 [N].

    Returns:
        (segments [M, 2], labels [M]) with M ≤ N, in the original order.
    """
    vid_len = feat_len + offset
    keep = []
    for start, end in segments.tolist():
        if start >= vid_len:
            keep.append(False)
            continue
        if min_inside_ratio is None or end == start:
            keep.append(True)
            continue
        keep.append((min(end, vid_len) - start) / (end - start) >= min_inside_ratio)
    idx = torch.as_tensor(keep, dtype=torch.bool).reshape(-1)  # [N]
    return segments[idx].clamp(max=vid_len), labels[idx]  # [M, 2], [M]


def draw_crop_length(feat_len: int, max_seq_len: int, crop_ratio: tuple[float, float] | None) -> int:
    """Window length L: max_seq_len for long videos, else randint over crop_ratio·T (or T)."""
    if feat_len > max_seq_len:
        return max_seq_len
    if crop_ratio is None:
        return feat_len
    lo = max(round(crop_ratio[0] * feat_len), 1)
    hi = min(round(crop_ratio[1] * feat_len), feat_len)
    return random.randint(lo, hi)


def truncate_feats(
    feats: torch.Tensor,
    segments: torch.Tensor,
    labels: torch.Tensor,
    *,
    max_seq_len: int,
    trunc_thresh: float,
    offset: float,
    crop_ratio: tuple[float, float] | None = None,
    max_num_trials: int = 200,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, int]:
    """Random training crop (official ``truncate_feats``).

    L from :func:`draw_crop_length` (L = T: no crop, no further draw). Up to
    ``max_num_trials`` windows [st, st + L) are drawn; a GT survives when its overlap
    with [st − offset, st + L + offset], divided by its length, is ≥ trunc_thresh. The
    first window with a survivor is used, else the last draw. Survivors are clipped to
    the widened window and shifted by −st. ActionFormer: offset = 0.5·num_frames/stride;
    TriDet/CLTDR: offset 0. A video without GT gets one window draw (the official code
    skips truncation for it and would then exceed max_seq_len).

    Args:
        feats: [C, T]; segments: float32 [N, 2] grid units; labels: int64 [N].

    Returns:
        (feats [C, L], segments [M, 2], labels [M], st).
    """
    feat_len = feats.shape[1]
    num_segs = segments.shape[0]
    if num_segs == 0 and feat_len <= max_seq_len:
        return feats, segments, labels, 0
    length = draw_crop_length(feat_len, max_seq_len, crop_ratio)
    if length == feat_len:
        return feats, segments, labels, 0
    seg_idx = torch.zeros(num_segs, dtype=torch.bool)  # [N]
    for _ in range(max_num_trials if num_segs else 1):
        st = random.randint(0, feat_len - length)
        window = torch.as_tensor([st, st + length], dtype=torch.float32)[None].repeat(num_segs, 1)
        left = torch.maximum(window[:, 0] - offset, segments[:, 0])  # [N]
        right = torch.minimum(window[:, 1] + offset, segments[:, 1])  # [N]
        inter = (right - left).clamp(min=0)  # [N]
        ratio = inter / torch.abs(segments[:, 1] - segments[:, 0])  # [N] (0/0 -> NaN: dropped)
        seg_idx = ratio >= trunc_thresh  # [N]
        if seg_idx.sum().item() > 0:
            break
    feats = feats[:, st : st + length].clone()  # [C, L]
    if num_segs:
        segments = torch.stack((left[seg_idx], right[seg_idx]), dim=1) - st  # [M, 2]
        labels = labels[seg_idx].clone()  # [M]
    return feats, segments, labels, st


def _offset(results: dict, widen_by_offset: bool) -> float:
    if not widen_by_offset:
        return 0.0
    return 0.5 * float(results["feat_num_frames"]) / float(results["feat_stride"])


@TRANSFORMS.register_module()
class ClipSegmentsToFeatures:
    """ANet training GT filter, see :func:`clip_segments_to_features`."""

    def __init__(self, *, min_inside_ratio: float | None, widen_by_offset: bool) -> None:
        self.min_inside_ratio = min_inside_ratio
        self.widen_by_offset = bool(widen_by_offset)

    def __call__(self, results: dict) -> dict:
        results["segments"], results["labels"] = clip_segments_to_features(
            results["segments"],
            results["labels"],
            feat_len=results["feats"].shape[1],
            offset=_offset(results, self.widen_by_offset),
            min_inside_ratio=self.min_inside_ratio,
        )
        return results

    def __repr__(self) -> str:
        return (
            f"ClipSegmentsToFeatures(min_inside_ratio={self.min_inside_ratio}, "
            f"widen_by_offset={self.widen_by_offset})"
        )


@TRANSFORMS.register_module()
class RandomTruncate:
    """Random training crop, see :func:`truncate_feats` (``widen_by_offset``: ActionFormer
    True, TriDet/CLTDR-GMG False)."""

    def __init__(
        self,
        *,
        max_seq_len: int,
        trunc_thresh: float,
        crop_ratio: tuple[float, float] | None = None,
        widen_by_offset: bool = True,
        max_num_trials: int = 200,
    ) -> None:
        if crop_ratio is not None and len(crop_ratio) != 2:
            raise ValueError(f"RandomTruncate: crop_ratio must be (low, high), got {crop_ratio!r}")
        self.max_seq_len = int(max_seq_len)
        self.trunc_thresh = float(trunc_thresh)
        self.crop_ratio = None if crop_ratio is None else (float(crop_ratio[0]), float(crop_ratio[1]))
        self.widen_by_offset = bool(widen_by_offset)
        self.max_num_trials = int(max_num_trials)

    def __call__(self, results: dict) -> dict:
        feats, segments, labels, _ = truncate_feats(
            results["feats"],
            results["segments"],
            results["labels"],
            max_seq_len=self.max_seq_len,
            trunc_thresh=self.trunc_thresh,
            offset=_offset(results, self.widen_by_offset),
            crop_ratio=self.crop_ratio,
            max_num_trials=self.max_num_trials,
        )
        results.update(feats=feats, segments=segments, labels=labels)
        return results

    def __repr__(self) -> str:
        return (
            f"RandomTruncate(max_seq_len={self.max_seq_len}, trunc_thresh={self.trunc_thresh}, "
            f"crop_ratio={self.crop_ratio}, widen_by_offset={self.widen_by_offset})"
        )
