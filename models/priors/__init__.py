"""Anchor points of the pyramid levels."""

from models.priors.point_generator import PointGenerator

__all__ = ["PointGenerator"]
