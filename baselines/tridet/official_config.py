"""The official TriDet model configuration keys and defaults (libs/core/config.py ``DEFAULTS``).

dingfengshi/TriDet @ 764b816. ``from_official_config`` takes the YAML's ``model`` section after
the official ``load_config`` merge (keys as there, plus ``input_dim``, ``num_classes``,
``max_seq_len``, ``train_cfg``, ``test_cfg``); keys missing from it take these defaults. The
``train_cfg``/``test_cfg`` defaults are ActionFormer's (``models.detectors.official_cfg``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.errors import ConfigError

MODEL_DEFAULTS: dict[str, Any] = {
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
REQUIRED_KEYS = ("input_dim", "num_classes", "max_seq_len", "sgp_mlp_dim")


def check_official_model(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an official TriDet ``model`` dict; return it with the defaults filled in.

    Raises:
        ConfigError: unknown or missing keys, or options the harness does not implement
            (``backbone_type: conv``, ``fpn_type: fpn``, ``use_trident_head: false``; no
            official config uses them).
    """
    allowed = set(MODEL_DEFAULTS) | set(REQUIRED_KEYS) | {"train_cfg", "test_cfg"}
    unknown = sorted(set(cfg) - allowed)
    if unknown:
        raise ConfigError(f"TriDet model config: unknown keys {unknown}")
    missing = [k for k in REQUIRED_KEYS if cfg.get(k) is None]
    if missing:
        raise ConfigError(f"TriDet model config: missing {missing}")
    out = {**MODEL_DEFAULTS, **dict(cfg)}
    if out["backbone_type"] != "SGP":
        raise ConfigError(
            f"TriDet backbone_type {out['backbone_type']!r} is not implemented (only 'SGP')"
        )
    if out["fpn_type"] != "identity":
        raise ConfigError(f"TriDet fpn_type {out['fpn_type']!r} is not implemented (only 'identity')")
    if not out["use_trident_head"]:
        raise ConfigError("TriDet use_trident_head=False is not implemented (no official config uses it)")
    return out
