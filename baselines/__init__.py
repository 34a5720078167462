"""Baselines composed from :mod:`models`: ActionFormer and TriDet."""

from baselines import (  # noqa: F401  (registers ActionFormer, TransformerBlock, TriDet, SGPBlock)
    actionformer,
    tridet,
)
