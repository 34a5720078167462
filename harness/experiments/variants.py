"""CLTDR-GMG ablation variants (Tables 6-11) as data: a parent leaf config plus one switch.

A variant is named like a leaf, ``harness/configs/cltdr_gmg/<parent>_<variant>.py``, but no such
file exists: :func:`resolve_config` maps the name to the parent leaf and the variant's
overrides, which :func:`harness.runner.load_config` merges before any ``--cfg-options``. Run
folders, run records, config names and experiment hashes are therefore those the former
per-variant leaf files gave (``tests/harness/experiments/test_variants.py`` checks the hashes).

``python -m harness show-config harness/configs/cltdr_gmg/thumos14_internvideo2_6b_gate-off.py``
prints a variant's resolved config; ``show-config --variants`` lists every variant name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# the leaves that have ablation variants: THUMOS14 / InternVideo2-6B and its synthetic stand-in
PARENTS = ("cltdr_gmg/thumos14_internvideo2_6b", "cltdr_gmg/synthetic_thumos_like")


@dataclass(frozen=True)
class Variant:
    """One ablation switch (models.md §5).

    Attributes:
        table: the paper table; what: the change, as the table's caption says it;
        overrides: config keys (dotted) and their values in the variant.
    """

    table: int
    what: str
    overrides: tuple[tuple[str, Any], ...]


def _gmg(table: int, what: str, key: str, value: Any) -> Variant:
    return Variant(table, what, ((f"model.gmg.{key}", value),))


def _cltdr(table: int, what: str, key: str, value: Any) -> Variant:
    return Variant(table, what, ((f"model.cltdr.{key}", value),))


VARIANTS: dict[str, Variant] = {
    "gmg-instant": _gmg(6, "GMG instant branch only", "branches", ("instant",)),
    "gmg-local": _gmg(6, "GMG local branch only", "branches", ("local",)),
    "gmg-global": _gmg(6, "GMG global branch only", "branches", ("global",)),
    "gmg-instant-local": _gmg(6, "GMG instant + local branches (no global)", "branches",
                              ("instant", "local")),
    "gmg-instant-global": _gmg(6, "GMG instant + global branches (no local)", "branches",
                               ("instant", "global")),
    "gmg-local-global": _gmg(6, "GMG local + global branches (no instant)", "branches",
                             ("local", "global")),
    "gate-off": _gmg(7, "GMG gate off (out = FC(u) + Conv(u) + f_global + u)", "gate", False),
    "global-self-attention": _gmg(8, "global extractor = global masked self-attention instead "
                                     "of FFT", "global_extractor", "self_attention"),
    "cls-l": _cltdr(9, "classification features = P_l (no DCM)", "cls_sources", ("l",)),
    "cls-l-lm1": _cltdr(9, "classification features = P_l + P_l-1", "cls_sources", ("l", "l-1")),
    "cls-lp1-l-lm1": _cltdr(9, "classification features = P_l+1 + P_l + P_l-1", "cls_sources",
                            ("l", "l+1", "l-1")),
    "reg-l": _cltdr(9, "regression features = P_l (no DRM)", "reg_sources", ("l",)),
    "reg-lp1-l": _cltdr(9, "regression features = P_l+1 + P_l", "reg_sources", ("l", "l+1")),
    "reg-lp1-l-lm1": _cltdr(9, "regression features = P_l+1 + P_l + P_l-1", "reg_sources",
                            ("l", "l+1", "l-1")),
    "refine-none": _cltdr(10, "no refinement (no CLFF, no refine head)", "refine", ()),
    "refine-cls": _cltdr(10, "refine classification only", "refine", ("cls",)),
    "refine-reg": _cltdr(10, "refine regression only", "refine", ("reg",)),
    "fusion-concat": _cltdr(11, "DCM/DRM neighbour fusion by concatenation", "fusion", "concat"),
    "fusion-add": _cltdr(11, "DCM/DRM neighbour fusion by addition", "fusion", "add"),
}


def variant_names() -> tuple[str, ...]:
    """Every variant config name, ``cltdr_gmg/<parent>_<variant>``."""
    return tuple(f"{parent}_{v}" for parent in PARENTS for v in VARIANTS)


def split_variant(config: str | os.PathLike[str]) -> tuple[Path, str] | None:
    """(parent leaf path, variant) when ``config`` names a declared variant, else None."""
    path = Path(config)
    for parent in PARENTS:
        model, stem = parent.split("/")
        prefix = stem + "_"
        if path.parent.name == model and path.stem.startswith(prefix) and path.suffix == ".py":
            variant = path.stem[len(prefix):]
            if variant in VARIANTS:
                return path.with_name(stem + ".py"), variant
    return None


def resolve_config(config: str | os.PathLike[str]) -> tuple[Path, dict[str, Any]]:
    """The file to load for ``config`` and the overrides to merge first (none for a file)."""
    found = split_variant(config)
    if found is None or Path(config).is_file():
        return Path(config), {}
    parent, variant = found
    return parent, dict(VARIANTS[variant].overrides)


def config_exists(config: str | os.PathLike[str]) -> bool:
    """A leaf file, or a declared variant of an existing leaf."""
    path, _ = resolve_config(config)
    return path.is_file()
