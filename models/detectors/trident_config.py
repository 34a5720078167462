"""The official TriDet model configuration keys and defaults (libs/core/config.py ``DEFAULTS``).

dingfengshi/TriDet @ 764b816, and unchanged in its fork CLTDR-GMG (LiQiang0307/CLTDR-GMG
@ f49badb), whose meta-architecture is still registered as ``TriDet``. Both
``from_official_config`` functions take the YAML's ``model`` section after the official
``load_config`` merge (keys as there, plus ``input_dim``, ``num_classes``, ``max_seq_len``,
``train_cfg``, ``test_cfg``); keys missing from it take these defaults. The
``train_cfg``/``test_cfg`` defaults are ActionFormer's (``models.detectors.official_cfg``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.detectors.official_cfg import check_model_section

TRIDENT_MODEL_DEFAULTS: dict[str, Any] = {
    "backbone_type": "SGP",
    "fpn_type": "identity",
    "backbone_arch": (2, 2, 5),
    "scale_factor": 2,
    "regression_range": ((0, 4), (4, 8), (8, 16), (16, 32), (32, 64), (64, 10000)),
    "n_sgp_win_size": -1,
    "embd_kernel_size": 3,
    "embd_dim": 512,
    "embd_with_ln": True,
    "fpn_dim": 512,
    "fpn_with_ln": True,
    "head_dim": 512,
    "head_kernel_size": 3,
    "boudary_kernel_size": 3,
    "head_num_layers": 3,
    "head_with_ln": True,
    "max_buffer_len_factor": 6.0,
    "use_abs_pe": False,
    "use_trident_head": True,
    "downsample_type": "max",
    "k": 1.5,
    "init_conv_vars": 0,
    "num_bins": 16,
    "iou_weight_power": 1.0,
    "input_noise": 0,
}
# no official default: the dataset numbers, and sgp_mlp_dim (every official config sets it)
TRIDENT_REQUIRED_KEYS = ("input_dim", "num_classes", "max_seq_len", "sgp_mlp_dim")


def check_trident_model(cfg: Mapping[str, Any], name: str = "TriDet") -> dict[str, Any]:
    """Validate an official TriDet / CLTDR-GMG ``model`` dict; return it with the defaults.

    Args:
        cfg: the YAML ``model`` section.
        name: model name used in the errors ('TriDet' or 'CLTDR-GMG').

    Raises:
        ConfigError: unknown or missing keys, or options the harness does not implement
            (``backbone_type: conv``, ``fpn_type: fpn``, ``use_trident_head: false``; no
            official config uses them).
    """
    return check_model_section(
        cfg, name=name, defaults=TRIDENT_MODEL_DEFAULTS, required=TRIDENT_REQUIRED_KEYS,
        only={"backbone_type": "SGP", "fpn_type": "identity", "use_trident_head": True},
    )
