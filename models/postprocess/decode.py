"""Feature-grid segments → seconds, as the official ``postprocessing`` step 3."""

from __future__ import annotations

from torch import Tensor


def segments_to_seconds(
    segments_grid: Tensor, *, feat_stride: float, num_frames: float, fps: float, duration: float
) -> Tensor:
    """``(seg·feat_stride + 0.5·num_frames)/fps``, then values <= 0 → 0, >= duration → duration.

    Same float32 tensor operations as the official code (ActionFormer/TriDet/CLTDR-GMG
    ``postprocessing``); NaN values stay NaN. The input is not modified.

    Args:
        segments_grid: float32 [M, 2] in feature-grid units.
        feat_stride: frames between features (after any resize).
        num_frames: frames per feature clip (after any resize).
        fps: frames per second of the video.
        duration: video duration in seconds.

    Returns:
        float32 [M, 2] in seconds, clipped to [0, duration].
    """
    if segments_grid.shape[0] == 0:
        return segments_grid.clone()
    segs = (segments_grid * float(feat_stride) + 0.5 * float(num_frames)) / float(fps)  # [M, 2] s
    segs[segs <= 0.0] *= 0.0
    late = segs >= float(duration)  # [M, 2]
    segs[late] = segs[late] * 0.0 + float(duration)
    return segs
