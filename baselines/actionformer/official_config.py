"""The official ActionFormer configuration keys and defaults (libs/core/config.py ``DEFAULTS``).

happyharrycn/actionformer_release @ 61ea7eb. ``from_official_config`` takes the YAML's
``model`` section after the official ``load_config`` merge (keys as there, plus
``input_dim``, ``num_classes``, ``max_seq_len``, ``train_cfg``, ``test_cfg``); keys missing
from it take these defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.errors import ConfigError
from models.detectors.official_cfg import (
    TEST_DEFAULTS,
    TRAIN_DEFAULTS,
    check_model_section,
    merge_section,
)

__all__ = ["MODEL_DEFAULTS", "REQUIRED_KEYS", "TEST_DEFAULTS", "TRAIN_DEFAULTS",
           "check_official_model", "merge_section"]

MODEL_DEFAULTS: dict[str, Any] = {
    "backbone_type": "convTransformer",
    "fpn_type": "identity",
    "backbone_arch": (2, 2, 5),
    "scale_factor": 2,
    "regression_range": ((0, 4), (4, 8), (8, 16), (16, 32), (32, 64), (64, 10000)),
    "n_head": 4,
    "n_mha_win_size": -1,
    "embd_kernel_size": 3,
    "embd_dim": 512,
    "embd_with_ln": True,
    "fpn_dim": 512,
    "fpn_with_ln": True,
    "fpn_start_level": 0,
    "head_dim": 512,
    "head_kernel_size": 3,
    "head_num_layers": 3,
    "head_with_ln": True,
    "max_buffer_len_factor": 6.0,
    "use_abs_pe": False,
    "use_rel_pe": False,
}
REQUIRED_KEYS = ("input_dim", "num_classes", "max_seq_len")


def check_official_model(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an official ``model`` dict; return it with defaults filled in (not nested cfgs).

    Raises:
        ConfigError: unknown or missing keys, or options the harness does not implement.
    """
    out = check_model_section(
        cfg, name="ActionFormer", defaults=MODEL_DEFAULTS, required=REQUIRED_KEYS,
        only={"backbone_type": "convTransformer", "fpn_type": "identity", "use_rel_pe": False},
    )
    if isinstance(out["input_dim"], (list, tuple)) or isinstance(out["embd_dim"], (list, tuple)):
        raise ConfigError("ActionFormer multi-stream input_dim/embd_dim lists are not implemented")
    return out
