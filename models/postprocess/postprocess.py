"""Per-video post-processing used by the detector template: NMS → seconds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor

from models.postprocess.batched_nms import batched_nms
from models.postprocess.decode import segments_to_seconds
from models.postprocess.detections import Detections

NMS_METHODS = ("soft", "hard", "none")
# test_cfg keys consumed by postprocess_video (besides the candidates and the meta)
NMS_CFG_KEYS = (
    "nms_method", "iou_threshold", "min_score", "max_seg_num", "nms_sigma",
    "multiclass_nms", "voting_thresh", "voting_weight",
)


def postprocess_video(
    segments: Tensor,
    scores: Tensor,
    labels: Tensor,
    *,
    meta: Mapping[str, Any],
    nms_method: str,
    iou_threshold: float,
    min_score: float,
    max_seg_num: int,
    nms_sigma: float,
    multiclass_nms: bool,
    voting_thresh: float,
    voting_weight: str = "score_iou",
) -> dict[str, Any]:
    """NMS the pre-NMS candidates of one video and convert them to seconds (official order).

    Steps 5–7 of models.md §1 "Inference": ``batched_nms`` unless ``nms_method == 'none'``
    (then the candidates pass through unchanged, as the official code), then
    :func:`segments_to_seconds` with the video's meta.

    Args:
        segments: float32 [N, 2] candidates in feature-grid units (any device).
        scores: float32 [N] candidate scores (after sigmoid).
        labels: int64 [N] 0-based classes.
        meta: the video's data sample (or any mapping) with ``video_id``, ``fps``,
            ``duration``, ``feat_stride``, ``feat_num_frames``.
        nms_method: 'soft' (Gaussian Soft-NMS), 'hard' or 'none'.
        iou_threshold, min_score, max_seg_num, nms_sigma, multiclass_nms, voting_thresh:
            the test_cfg values, passed to :func:`batched_nms` (``nms_sigma`` → ``sigma``,
            ``multiclass_nms`` → ``multiclass``).
        voting_weight: 'score_iou' (ActionFormer) or 'score' (TriDet, CLTDR-GMG).

    Returns:
        dict ``video_id`` (str), ``segments`` float32 [M, 2] seconds, ``scores`` [M],
        ``labels`` int64 [M] (CPU tensors; M <= max_seg_num unless nms_method is 'none').
    """
    if nms_method not in NMS_METHODS:
        raise ValueError(f"nms_method must be one of {NMS_METHODS}, got {nms_method!r}")
    det = Detections(
        segments.detach().cpu().to(torch.float32), scores.detach().cpu().to(torch.float32),
        labels.detach().cpu(),
    )
    if nms_method != "none":
        det = batched_nms(
            det.segments, det.scores, det.labels, iou_threshold=iou_threshold,
            min_score=min_score, max_seg_num=max_seg_num, use_soft_nms=nms_method == "soft",
            multiclass=multiclass_nms, sigma=nms_sigma, voting_thresh=voting_thresh,
            voting_weight=voting_weight,
        )
    segs_sec = segments_to_seconds(
        det.segments, feat_stride=meta["feat_stride"], num_frames=meta["feat_num_frames"],
        fps=meta["fps"], duration=meta["duration"],
    )  # [M, 2] seconds
    return {
        "video_id": str(meta["video_id"]), "segments": segs_sec, "scores": det.scores,
        "labels": det.labels,
    }
