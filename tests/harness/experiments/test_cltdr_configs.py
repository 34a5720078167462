"""CLTDR-GMG rows resolve to existing configs; each ablation variant is the full model plus its
one declared switch (models.md §5), at both scales."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.experiments import paper_experiment, paper_table
from harness.experiments.paper import FULL_MODEL, VARIANT_SUFFIX
from harness.experiments.variants import config_exists

ROOT = Path(__file__).resolve().parents[3]
CLTDR = ROOT / "harness" / "configs" / "cltdr_gmg"
FULL = {"real": "thumos14_internvideo2_6b", "synthetic": "synthetic_thumos_like"}
SUFFIXES = sorted(s for s in VARIANT_SUFFIX.values() if s)
LEVELS = {"l": "l", "lp1": "l+1", "lm1": "l-1"}


def _flat(d, prefix=""):
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flat(v, key + "."))
        else:
            out[key] = tuple(v) if isinstance(v, list) else v
    return out


def _load(stem: str) -> dict:
    from harness.runner import load_config

    return _flat(load_config(CLTDR / f"{stem}.py").to_dict())


def expected_switch(suffix: str) -> tuple[str, object]:
    """The one config key (and its value) an ablation suffix changes, read off the suffix."""
    kind, _, rest = suffix.partition("-")
    if kind == "gmg":
        return "model.gmg.branches", tuple(rest.split("-"))
    if kind == "gate":
        return "model.gmg.gate", {"off": False}[rest]
    if kind == "global":
        return "model.gmg.global_extractor", rest.replace("-", "_")
    if kind in ("cls", "reg"):
        levels = {LEVELS[t] for t in rest.split("-")}
        return f"model.cltdr.{kind}_sources", tuple(s for s in ("l", "l+1", "l-1") if s in levels)
    if kind == "refine":
        return "model.cltdr.refine", () if rest == "none" else (rest,)
    if kind == "fusion":
        return "model.cltdr.fusion", rest
    raise AssertionError(f"unknown ablation suffix {suffix}")


def test_expected_switch_reads_suffixes():
    assert expected_switch("cls-lp1-l-lm1") == ("model.cltdr.cls_sources", ("l", "l+1", "l-1"))
    assert expected_switch("gmg-instant-global") == ("model.gmg.branches", ("instant", "global"))
    assert expected_switch("global-self-attention") == ("model.gmg.global_extractor", "self_attention")


@pytest.mark.parametrize("scale", sorted(FULL))
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_ablation_leaf_is_the_full_model_plus_one_switch(scale, suffix):
    full, variant = _load(FULL[scale]), _load(f"{FULL[scale]}_{suffix}")
    key, value = expected_switch(suffix)
    assert set(full) == set(variant)
    assert {k for k in full if full[k] != variant[k]} == {key}
    assert variant[key] == value and full[key] != value


def test_every_cltdr_row_has_its_configs():
    for scale in ("real", "synthetic"):
        cells = [c for c in paper_experiment().cells(scale) if c.row.method == FULL_MODEL]
        assert cells and all(c.kind == "run" for c in cells), [
            c.config for c in cells if c.kind != "run"]
        assert all(config_exists(ROOT / c.config) for c in cells)


def test_synthetic_ablations_run_on_the_thumos_high_stand_in():
    for table in range(6, 12):
        for cell in paper_table(table).cells("synthetic"):
            assert cell.data_root == "results/data/synthetic/thumos-like-high"
            assert cell.run_name.startswith("cltdr_gmg/synthetic_thumos_like")
            assert cell.run_name.endswith("__high")
