"""Registered dense heads (conv tower + output conv, weights shared over levels)."""

from models.heads.cls_head import ClsHead, prior_bias
from models.heads.reg_head import RegHead
from models.heads.tower import ConvTowerHead
from models.heads.trident import (
    boundary_windows,
    expected_distances,
    positive_pairs,
    pyramid_offsets_at,
    trident_head_configs,
    trident_offsets,
    trident_offsets_at,
)

__all__ = [
    "ClsHead", "ConvTowerHead", "RegHead", "boundary_windows", "expected_distances",
    "positive_pairs", "prior_bias", "pyramid_offsets_at", "trident_head_configs",
    "trident_offsets", "trident_offsets_at",
]
