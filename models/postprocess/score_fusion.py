"""External video-level classification score fusion (ActivityNet; data-and-eval.md §5).

ActionFormer, TriDet and CLTDR-GMG train ANet detectors class-agnostically and label
their detections with an external video classifier (``cuhk_val_simp_share.json``).
"""

from __future__ import annotations

import os

import numpy as np
import torch
from torch import Tensor

from harness.errors import DataError
from harness.io import loads_json
from models.postprocess.detections import Detections

COMBINE = ("sqrt", "product")


def _descending(values: np.ndarray) -> np.ndarray:
    """Indices by descending value; ties keep index order (stable)."""
    return np.argsort(-values, kind="stable")


def fuse_video_scores(
    detections: Detections,
    class_scores: np.ndarray | Tensor,
    *,
    topk_classes: int = 2,
    num_pred: int = 200,
    combine: str = "sqrt",
) -> Detections:
    """Relabel one video's class-agnostic detections with its top external classes.

    1. Keep the ``num_pred`` highest-scoring detections (labels ignored).
    2. Take the ``topk_classes`` highest class scores c_k (their indices become labels).
    3. Emit every kept detection once per class, class-major (all detections with the best
       class first), score ``sqrt(c_k·s)`` (``'sqrt'``, ActionFormer/TriDet/CLTDR-GMG) or
       ``c_k·s`` (``'product'``, OpenTAD), computed in float64 as the official numpy code.

    Ties (both sorts) are broken stably, earlier index first; the official
    ``argsort()[::-1]`` leaves them implementation-defined.

    Args:
        detections: one video after NMS, segments [M, 2] (seconds), scores [M].
        class_scores: float [K_ext] classifier scores of the video, index = class id.
        topk_classes: number of classes per detection (>= 1, <= K_ext).
        num_pred: detections kept before the expansion (>= 1).
        combine: 'sqrt' or 'product'.

    Returns:
        Detections [topk_classes·min(M, num_pred)] with float64 scores and int64 labels.
    """
    if combine not in COMBINE:
        raise ValueError(f"combine must be one of {COMBINE}, got {combine!r}")
    cls = np.asarray(class_scores, dtype=np.float64).reshape(-1)  # [K_ext]
    if not 1 <= topk_classes <= cls.size or num_pred < 1:
        raise ValueError(
            f"need 1 <= topk_classes <= {cls.size} and num_pred >= 1, got {topk_classes}, {num_pred}"
        )
    det_sc = detections.scores.detach().cpu().numpy().astype(np.float64)  # [M]
    keep = _descending(det_sc)[:num_pred]  # [M']
    top = _descending(cls)[:topk_classes]  # [k]
    fused = cls[top][:, None] * det_sc[keep][None, :]  # [k, M'] float64
    if combine == "sqrt":
        fused = np.sqrt(fused)
    segs = detections.segments.detach().cpu()[torch.from_numpy(keep)]  # [M', 2]
    return Detections(
        segs.repeat(topk_classes, 1),  # [k·M', 2] class-major
        torch.from_numpy(fused.reshape(-1)),  # [k·M']
        torch.from_numpy(np.repeat(top, keep.size).astype(np.int64)),  # [k·M']
    )


def load_external_scores(path: str | os.PathLike[str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """Read a classifier score file ``{results: {video_id: [K scores]}, class: [K names]}``.

    Returns:
        (scores per video id as float64 [K], class names); raises DataError naming the file.
    """
    try:
        with open(path, encoding="utf-8") as f:
            blob = loads_json(f.read())
    except FileNotFoundError:
        raise DataError(f"{path}: classifier score file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path}: cannot read classifier scores ({exc})") from None
    results = blob.get("results") if isinstance(blob, dict) else None
    names = blob.get("class") if isinstance(blob, dict) else None
    if not isinstance(results, dict) or not isinstance(names, list):
        raise DataError(f"{path}: expected keys 'results' (object) and 'class' (list)")
    out = {}
    for vid, vals in results.items():
        arr = np.asarray(vals, dtype=np.float64) if isinstance(vals, list) else None
        if arr is None or arr.shape != (len(names),) or not np.isfinite(arr).all():
            raise DataError(f"{path}: video {vid!r} needs {len(names)} finite class scores")
        out[str(vid)] = arr
    return out, [str(n) for n in names]
