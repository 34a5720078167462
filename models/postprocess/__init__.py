"""Post-processing of dense detector outputs: NMS ports, voting, decoding, score fusion.

Pure functions, no registered classes (nothing here is a swap point): detectors call
:func:`postprocess_video`; the ANet pipeline calls :func:`fuse_video_scores`.
"""

from models.postprocess.batched_nms import batched_nms, per_class_nms
from models.postprocess.decode import segments_to_seconds
from models.postprocess.detections import Detections
from models.postprocess.nms_1d import nms_1d, soft_nms_1d
from models.postprocess.postprocess import NMS_CFG_KEYS, postprocess_video
from models.postprocess.score_fusion import fuse_video_scores, load_external_scores
from models.postprocess.voting import seg_voting

__all__ = [
    "Detections", "NMS_CFG_KEYS", "batched_nms", "fuse_video_scores", "load_external_scores",
    "nms_1d", "per_class_nms", "postprocess_video", "seg_voting", "segments_to_seconds",
    "soft_nms_1d",
]
