"""Official ``train_cfg`` / ``test_cfg`` defaults and their mapping onto the template settings.

ActionFormer (happyharrycn/actionformer_release @ 61ea7eb, libs/core/config.py ``DEFAULTS``)
and its forks TriDet (dingfengshi/TriDet @ 764b816) and CLTDR-GMG share these sections
key for key; the model sections differ and live with each detector.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.errors import ConfigError

TRAIN_DEFAULTS: dict[str, Any] = {
    "center_sample": "radius",
    "center_sample_radius": 1.5,
    "loss_weight": 1.0,
    "cls_prior_prob": 0.01,
    "init_loss_norm": 2000,
    "clip_grad_l2norm": -1,
    "head_empty_cls": (),
    "dropout": 0.0,
    "droppath": 0.1,
    "label_smoothing": 0.0,
}

TEST_DEFAULTS: dict[str, Any] = {
    "pre_nms_thresh": 0.001,
    "pre_nms_topk": 5000,
    "iou_threshold": 0.1,
    "min_score": 0.01,
    "max_seg_num": 1000,
    "nms_method": "soft",
    "nms_sigma": 0.5,
    "duration_thresh": 0.05,
    "multiclass_nms": True,
    "ext_score_file": None,
    "voting_thresh": 0.75,
}

# test_cfg keys that become DenseTestCfg fields (ext_score_file belongs to score fusion)
DENSE_TEST_KEYS = (
    "pre_nms_thresh", "pre_nms_topk", "duration_thresh", "nms_method", "iou_threshold",
    "min_score", "max_seg_num", "nms_sigma", "multiclass_nms", "voting_thresh",
)


def merge_section(
    values: Mapping[str, Any] | None, defaults: Mapping[str, Any], what: str
) -> dict[str, Any]:
    """``defaults`` updated by ``values``; unknown keys raise a one-line ConfigError.

    Args:
        values: the configured section (may be None).
        defaults: the official defaults of that section.
        what: name used in the error, e.g. 'TriDet train_cfg'.
    """
    values = dict(values or {})
    unknown = sorted(set(values) - set(defaults))
    if unknown:
        raise ConfigError(f"{what}: unknown keys {unknown}")
    return {**defaults, **values}


def per_level(value: int | Sequence[int], num_levels: int, what: str) -> list[int]:
    """One window size per pyramid level (an int applies to all levels)."""
    if isinstance(value, int):
        return [value] * num_levels
    sizes = [int(w) for w in value]
    if len(sizes) != num_levels:
        raise ConfigError(f"{what} needs {num_levels} entries, got {len(sizes)}")
    return sizes


def dense_train_cfg(train: Mapping[str, Any]) -> dict[str, Any]:
    """Official ``train_cfg`` → the template's loss settings (the rest configures children)."""
    return dict(
        loss_weight=train["loss_weight"], label_smoothing=train["label_smoothing"],
        init_loss_norm=train["init_loss_norm"],
    )


def dense_test_cfg(test: Mapping[str, Any], *, voting_weight: str) -> dict[str, Any]:
    """Official ``test_cfg`` → the template's inference settings.

    Args:
        test: the merged official section.
        voting_weight: 'score_iou' (ActionFormer) or 'score' (TriDet, CLTDR-GMG).
    """
    return {**{k: test[k] for k in DENSE_TEST_KEYS}, "voting_weight": voting_weight}


def check_model_section(
    cfg: Mapping[str, Any],
    *,
    name: str,
    defaults: Mapping[str, Any],
    required: Sequence[str],
    only: Mapping[str, Any],
) -> dict[str, Any]:
    """Validate an official ``model`` section; return it with the defaults filled in.

    The one translator of ActionFormer's and its forks' YAML ``model`` sections (after the
    official ``load_config`` merge): keys beyond ``defaults``, ``required``, ``train_cfg`` and
    ``test_cfg`` are refused, ``required`` keys must be set, and each key of ``only`` must keep
    its single implemented value (no official config uses another). Nested sections are
    returned as given (the detectors merge them with :func:`merge_section`).

    Args:
        cfg: the configured section.
        name: model name used in the errors, e.g. 'TriDet'.
        defaults: the official defaults of the model keys.
        required: keys without an official default (the dataset numbers, ...).
        only: key → the one value the harness implements.

    Raises:
        ConfigError: one line naming the bad keys or value.
    """
    allowed = set(defaults) | set(required) | {"train_cfg", "test_cfg"}
    unknown = sorted(set(cfg) - allowed)
    if unknown:
        raise ConfigError(f"{name} model config: unknown keys {unknown}")
    missing = [k for k in required if cfg.get(k) is None]
    if missing:
        raise ConfigError(f"{name} model config: missing {missing}")
    out = {**defaults, **dict(cfg)}
    for key, value in only.items():
        if out[key] != value:
            raise ConfigError(
                f"{name} {key}={out[key]!r} is not implemented (only {value!r}; no official config uses another)"
            )
    return out
