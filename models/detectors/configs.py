"""Typed train/test settings of the dense detector template."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from harness.errors import ConfigError

T = TypeVar("T")


def from_mapping(cls: type[T], values: Mapping[str, Any], what: str) -> T:
    """Build a frozen settings dataclass, refusing unknown keys with a one-line ConfigError."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - names)
    if unknown:
        raise ConfigError(f"{what}: unknown keys {unknown} (known: {sorted(names)})")
    return cls(**values)


@dataclass(frozen=True)
class DenseTrainCfg:
    """Loss settings used at training time.

    Attributes:
        loss_weight: w in final = cls + w·reg; <= 0 balances automatically
            (w = cls.detach() / max(reg, 0.01)).
        label_smoothing: ε, targets y(1 − ε) + ε/(K + 1).
        init_loss_norm: initial loss normaliser.
        loss_norm_momentum: EMA momentum of the normaliser (0.9).
        loss_norm_updates_per_iter: normaliser updates per iteration (1; CLTDR-GMG 2).
    """

    loss_weight: float = 1.0
    label_smoothing: float = 0.0
    init_loss_norm: float = 100.0
    loss_norm_momentum: float = 0.9
    loss_norm_updates_per_iter: int = 1


@dataclass(frozen=True)
class DenseTestCfg:
    """Inference settings (official ``test_cfg`` names).

    Attributes:
        pre_nms_thresh, pre_nms_topk, duration_thresh: candidate selection per level.
        nms_method: 'soft' | 'hard' | 'none' ('none' returns the raw candidates).
        iou_threshold, min_score, max_seg_num, nms_sigma, multiclass_nms, voting_thresh:
            passed to ``models.postprocess.postprocess_video``.
        voting_weight: 'score_iou' (ActionFormer) or 'score' (TriDet, CLTDR-GMG).
    """

    pre_nms_thresh: float = 0.001
    pre_nms_topk: int = 5000
    duration_thresh: float = 0.05
    nms_method: str = "soft"
    iou_threshold: float = 0.1
    min_score: float = 0.01
    max_seg_num: int = 1000
    nms_sigma: float = 0.5
    multiclass_nms: bool = True
    voting_thresh: float = 0.75
    voting_weight: str = "score_iou"

    def nms_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``postprocess_video`` (besides candidates and meta)."""
        return {
            "nms_method": self.nms_method, "iou_threshold": self.iou_threshold,
            "min_score": self.min_score, "max_seg_num": self.max_seg_num,
            "nms_sigma": self.nms_sigma, "multiclass_nms": self.multiclass_nms,
            "voting_thresh": self.voting_thresh, "voting_weight": self.voting_weight,
        }
