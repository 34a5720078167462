"""CLTDR-GMG (Li et al., AAAI 2025; LiQiang0307/CLTDR-GMG @ f49badb) on the shared blocks.

Importing the package registers ``GMGBlock``, ``NeighbourLevelFusion`` (DCM/DRM),
``CrossLevelFusion`` (CLFF), ``RefineHead`` and the detector ``CLTDRGMG`` in ``MODELS``.
"""

from models.cltdr_gmg import decoder, gmg_block, refine_head  # noqa: F401
from models.cltdr_gmg.decoder import CrossLevelFusion, NeighbourLevelFusion
from models.cltdr_gmg.detector import CLTDRGMG, parameter_counts
from models.cltdr_gmg.gmg_block import GMGBlock
from models.cltdr_gmg.official_config import from_official_config
from models.cltdr_gmg.options import CLTDROptions, GMGOptions
from models.cltdr_gmg.refine_head import RefineHead

__all__ = [
    "CLTDRGMG", "CLTDROptions", "CrossLevelFusion", "GMGBlock", "GMGOptions",
    "NeighbourLevelFusion", "RefineHead", "from_official_config", "parameter_counts",
]
