"""The CLTDR-GMG switches (models.md §5, Tables 6–11) as typed, validated settings.

``gmg=dict(...)`` configures the backbone block (Tables 6–8), ``cltdr=dict(...)`` the decoder,
the refinement and the loss mix (Tables 9–11). Both are merged over the defaults below, which
are the official model; unknown keys and invalid values raise a one-line ``ConfigError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from harness.errors import ConfigError

GMG_BRANCHES = ("instant", "local", "global")
SOURCES = ("l", "l+1", "l-1")
FUSIONS = ("attention", "add", "concat")
REFINE_PARTS = ("cls", "reg")
CLS_LOSSES = ("focal", "varifocal")


def _merge(cls: type, values: Mapping[str, Any] | None, what: str) -> dict[str, Any]:
    names = [f.name for f in fields(cls)]
    values = dict(values or {})
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise ConfigError(f"CLTDR-GMG {what}: unknown keys {unknown} (known: {names})")
    return values


def _subset(value: Any, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """A tuple of distinct names from ``allowed``, in the order of ``allowed``."""
    items = (value,) if isinstance(value, str) else tuple(value)
    bad = [v for v in items if v not in allowed]
    if bad or len(set(items)) != len(items):
        raise ConfigError(f"CLTDR-GMG {what}: {list(items)} must be distinct names from {list(allowed)}")
    return tuple(a for a in allowed if a in items)


@dataclass(frozen=True)
class GMGOptions:
    """Backbone-block switches (passed to every ``GMGBlock``).

    Attributes:
        branches: enabled branches ⊆ {instant, local, global} (Table 6).
        gate: gate each branch by the next coarser enabled one (Table 7).
        gate_act: activation on the gate paths, 'identity' (code) or 'relu' (paper figure).
        global_extractor: 'fft' (official) or 'self_attention' (Table 8).
        n_head: heads of the self-attention extractor.
    """

    branches: tuple[str, ...] = GMG_BRANCHES
    gate: bool = True
    gate_act: str = "identity"
    global_extractor: str = "fft"
    n_head: int = 4

    @classmethod
    def from_config(cls, values: Mapping[str, Any] | None) -> GMGOptions:
        merged = _merge(cls, values, "gmg")
        if "branches" in merged:
            merged["branches"] = _subset(merged["branches"], GMG_BRANCHES, "gmg.branches")
            if not merged["branches"]:
                raise ConfigError("CLTDR-GMG gmg.branches: enable at least one branch")
        return cls(**merged)

    def block_options(self) -> dict[str, Any]:
        """The ``GMGBlock`` keyword arguments of these switches."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class CLTDROptions:
    """Decoder, refinement and loss-mix switches.

    Attributes:
        cls_sources: levels the classification features fuse, ⊆ {l, l+1, l−1} ∋ l (Table 9);
            ('l', 'l+1') is the official DCM (sources are kept in the order l, l+1, l−1).
        reg_sources: the same for the regression features; ('l', 'l-1') is the official DRM.
        fusion: how a neighbour joins P_l: 'attention' (official gate), 'add', 'concat'
            (Table 11).
        refine: refined parts ⊆ {cls, reg}; () builds no CLFF/RefineHead (Table 10).
        loss_mix: (weight of the refined-output loss, weight of the pre-refinement loss).
        detach_iou_weight: stop the gradient through the IoU^p weight of the refined
            classification loss (official: False; see the README's note on Table 10).
    """

    cls_sources: tuple[str, ...] = ("l", "l+1")
    reg_sources: tuple[str, ...] = ("l", "l-1")
    fusion: str = "attention"
    refine: tuple[str, ...] = REFINE_PARTS
    loss_mix: tuple[float, float] = (0.7, 0.3)
    detach_iou_weight: bool = False

    @classmethod
    def from_config(cls, values: Mapping[str, Any] | None) -> CLTDROptions:
        merged = _merge(cls, values, "cltdr")
        for key in ("cls_sources", "reg_sources"):
            if key in merged:
                merged[key] = _subset(merged[key], SOURCES, f"cltdr.{key}")
                if "l" not in merged[key]:
                    raise ConfigError(f"CLTDR-GMG cltdr.{key}: {list(merged[key])} must contain 'l'")
        if "refine" in merged:
            merged["refine"] = _subset(merged["refine"], REFINE_PARTS, "cltdr.refine")
        if merged.get("fusion", "attention") not in FUSIONS:
            raise ConfigError(f"CLTDR-GMG cltdr.fusion: {merged['fusion']!r} not in {list(FUSIONS)}")
        if "loss_mix" in merged:
            mix = tuple(float(w) for w in merged["loss_mix"])
            if len(mix) != 2 or min(mix) < 0:
                raise ConfigError(f"CLTDR-GMG cltdr.loss_mix: {list(mix)} must be two weights >= 0")
            merged["loss_mix"] = mix
        if not isinstance(merged.get("detach_iou_weight", False), bool):
            raise ConfigError(
                f"CLTDR-GMG cltdr.detach_iou_weight: {merged['detach_iou_weight']!r} must be True or False"
            )
        return cls(**merged)

    @staticmethod
    def neighbours(sources: tuple[str, ...]) -> tuple[str, ...]:
        """The neighbour levels of a source set, e.g. ('l+1',) for the official DCM."""
        return tuple(s for s in sources if s != "l")


def check_cls_loss(name: str, what: str) -> str:
    if name not in CLS_LOSSES:
        raise ConfigError(f"CLTDR-GMG {what}: {name!r} not in {list(CLS_LOSSES)}")
    return name
