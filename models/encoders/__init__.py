"""Registered encoders (backbones)."""

from models.encoders.pyramid import TemporalPyramidEncoder, resolve_block

__all__ = ["TemporalPyramidEncoder", "resolve_block"]
