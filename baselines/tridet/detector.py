"""TriDet (official ``TriDet`` meta-architecture): the Trident detector with SGP blocks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import baselines.tridet.sgp_block  # noqa: F401  registers SGPBlock, TriDet's encoder block
from harness.registry import MODELS
from models.detectors.trident_config import check_trident_model
from models.detectors.trident_detector import TridentDetector


@MODELS.register_module()
class TriDet(TridentDetector):
    """TriDet (dingfengshi/TriDet @ 764b816): :class:`TridentDetector` with ``SGPBlock``.

    Every hyper-parameter, head, loss and decoding rule is the Trident detector's; this
    class names the official model and its encoder block.
    """

    BLOCK_TYPE = "SGPBlock"


def from_official_config(cfg: Mapping[str, Any]) -> TriDet:
    """Build TriDet from the official YAML ``model`` section (after ``load_config``).

    Args:
        cfg: keys as in the official config (``backbone_arch``, ``n_sgp_win_size``, ``k``,
            ``num_bins``, …, ``input_dim``, ``num_classes``, ``max_seq_len``, ``train_cfg``,
            ``test_cfg``); missing keys take the official defaults.

    Returns:
        the model (official initialisation; train mode).

    Raises:
        ConfigError: unknown/missing keys or an unimplemented option.
    """
    return TriDet(**check_trident_model(cfg, "TriDet"))
