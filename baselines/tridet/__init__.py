"""TriDet (dingfengshi/TriDet @ 764b816) on the shared blocks."""

from baselines.tridet.detector import TriDet, from_official_config
from baselines.tridet.sgp_block import SGPBlock

__all__ = ["SGPBlock", "TriDet", "from_official_config"]
