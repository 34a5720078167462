"""Registered pipeline transforms: loading, temporal (mapping, resize), crop, packing."""

from datasets.transforms.crop import (
    ClipSegmentsToFeatures,
    RandomTruncate,
    clip_segments_to_features,
    draw_crop_length,
    truncate_feats,
)
from datasets.transforms.loading import LoadTALFeatures
from datasets.transforms.packing import PackTALInputs
from datasets.transforms.temporal import (
    GRID_RULES,
    ResizeFeatures,
    SecondsToGrid,
    TemporalDownsample,
    grid_to_seconds,
    resize_feats,
    resize_stride,
    seconds_to_grid,
)

__all__ = [
    "GRID_RULES",
    "ClipSegmentsToFeatures",
    "LoadTALFeatures",
    "PackTALInputs",
    "RandomTruncate",
    "ResizeFeatures",
    "SecondsToGrid",
    "TemporalDownsample",
    "clip_segments_to_features",
    "draw_crop_length",
    "grid_to_seconds",
    "resize_feats",
    "resize_stride",
    "seconds_to_grid",
    "truncate_feats",
]
