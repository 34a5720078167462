"""Declared experiments: every paper row covered, configs named by the conventions, cells."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.experiments import (
    PAPER_TABLES,
    experiment_names,
    load_experiment,
    paper_experiment,
    paper_table,
)
from harness.experiments.paper import MODEL_DIRS, REPORTED_ONLY, VARIANT_SUFFIX
from harness.experiments.paper_values import (
    average_flags,
    load_paper_values,
    metric_label,
    shared_config_flags,
)
from harness.experiments.schema import config_path


def _paper_rows(repo_root: Path) -> set[str]:
    with open(repo_root / "results" / "paper" / "tables.csv", encoding="utf-8") as f:
        return {"|".join([r["table"], r["dataset"], r["task"], r["method"], r["variant"],
                          r["features"]]) for r in csv.DictReader(f)}


def test_every_paper_row_is_declared_exactly_once(repo_root):
    declared = [e.row.key for e in paper_experiment().entries]
    assert len(declared) == len(set(declared))
    assert set(declared) == _paper_rows(repo_root)
    for t in PAPER_TABLES:  # each table experiment holds exactly its own rows
        exp = paper_table(t)
        assert {e.row.table for e in exp.entries} == {t}
    assert set(experiment_names()) == {f"table{t}" for t in PAPER_TABLES} | {"ablations", "paper"}


def test_reported_only_rows_are_exactly_the_unimplemented_methods():
    for e in paper_experiment().entries:
        if e.row.method in REPORTED_ONLY:
            assert e.reported_only, e.row.label
            for scale in ("real", "synthetic"):
                cell = [c for c in paper_experiment().cells(scale) if c.row == e.row][0]
                assert cell.kind == "reported-only" and cell.run_name is None
        else:
            assert e.row.method in MODEL_DIRS and not e.reported_only, e.row.label


def test_config_names_follow_the_conventions():
    for e in paper_experiment().entries:
        if e.reported_only:
            continue
        model = MODEL_DIRS[e.row.method]
        assert e.real.startswith(f"{model}/") and e.synthetic.startswith(f"{model}/synthetic_")
        if e.row.table >= 6:
            suffix = VARIANT_SUFFIX[e.row.variant]
            tail = f"_{suffix}" if suffix else ""
            assert e.real == f"cltdr_gmg/thumos14_internvideo2_6b{tail}"
            assert e.synthetic == f"cltdr_gmg/synthetic_thumos_like{tail}"
            assert e.stand_in.preset == "thumos-like" and e.stand_in.quality == "high"
    paths = {config_path(e.real) for e in paper_experiment().entries if e.real}
    assert "harness/configs/actionformer/thumos14_i3d.py" in paths
    assert "harness/configs/cltdr_gmg/thumos14_internvideo2_6b_refine-none.py" in paths


def test_synthetic_stand_ins_order_feature_quality():
    quality = {}
    for e in paper_experiment().entries:
        if e.stand_in is not None:
            quality.setdefault(e.row.features, set()).add(e.stand_in.quality)
    assert quality["I3D"] == {"low"} and quality["VideoMAEv2"] == {"mid"}
    assert quality["InternVideo2-6B"] == {"high"}
    t2 = {e.row.features: e.stand_in for e in paper_table(2).entries if e.row.method == "TriDet"}
    assert t2["I3D-RGB"].rgb_only and not t2["I3D-RGB+Flow"].rgb_only
    assert t2["I3D-RGB"].overrides()["model.input_dim"] == 32


def test_run_folders_are_shared_only_by_identical_runs():
    """Two rows may share a run folder only with the same config, overrides and data."""
    for scale in ("real", "synthetic"):
        seen = {}
        for c in paper_experiment().cells(scale):
            if c.run_name is None:
                continue
            ident = (c.config, c.overrides, c.data_root)
            assert seen.setdefault(c.run_name, ident) == ident, c.run_name
        # the full-model ablation rows share Table 1's runs
        shared = [c.row.table for c in paper_experiment().cells(scale)
                  if c.run_name and c.run_name.startswith("cltdr_gmg/")
                  and c.row.features == "InternVideo2-6B" and c.run_name.endswith(
                      ("thumos14_internvideo2_6b", "synthetic_thumos_like__high"))]
        assert sorted(set(shared)) == [1, 6, 7, 8, 9, 10, 11]


def test_synthetic_cells_label_their_stand_in_and_data_root():
    cells = {c.row.key: c for c in paper_table(1).cells("synthetic")}
    af = cells["1|THUMOS14||ActionFormer||I3D"]
    assert af.kind == "run"  # the ActionFormer synthetic config exists
    assert af.run_name == "actionformer/synthetic_thumos_like__low"
    assert af.data_root == "results/data/synthetic/thumos-like-low"
    assert "train_dataloader.dataset.quality=low" in af.cfg_options()
    assert af.stand_in.description == "synthetic thumos-like, quality low"
    moved = {c.row.key: c for c in paper_table(1).cells("synthetic", data_root="/d")}
    assert moved["1|THUMOS14||ActionFormer||I3D"].data_root == "/d/thumos-like-low"
    hacs = {c.row.key: c for c in paper_table(5).cells("synthetic")}
    assert hacs["5|HACS||TriDet||I3D"].data_root.endswith("anet-like-low-s1")


def test_missing_configs_make_cells_unavailable(tmp_path):
    cells = paper_table(1).cells("real", repo_root=tmp_path)  # an empty tree: no config exists
    runnable = [c for c in cells if c.run_name]
    assert runnable and all(c.kind == "unavailable" for c in runnable)
    assert all("config not available yet" in c.note for c in runnable)


def test_synthetic_overrides_load_with_the_real_config():
    """The stand-in overrides are valid keys of every existing synthetic config and give the
    hash a direct ``train --cfg-options`` run gets."""
    from harness.runner import parse_cfg_options, resolve_run_config
    from harness.sweep.plan import cell_hash

    cells = {c.run_name: c for c in paper_experiment().cells("synthetic") if c.kind == "run"}
    assert {c.stand_in.quality for c in cells.values()} == {"low", "mid", "high"}
    hashes = set()
    for c in cells.values():
        resolved = resolve_run_config(c.config, 0, None, parse_cfg_options(c.cfg_options()), c.data_root)
        for loader in ("train_dataloader", "val_dataloader", "test_dataloader"):
            ds = resolved.cfg[loader].dataset
            assert (ds.quality, ds.seed) == (c.stand_in.quality, c.stand_in.data_seed)
            assert (ds.channels == (0, 32)) == c.stand_in.rgb_only
        assert resolved.cfg.test_evaluator.ann_file.startswith(c.data_root)
        assert cell_hash(c) == resolved.config_hash
        hashes.add(resolved.config_hash)
    assert len(hashes) == len(cells)  # distinct run folders are distinct experiments


def test_comparisons_pair_cltdr_with_trained_baselines_and_ablations_with_the_full_model():
    t1 = paper_table(1)
    pairs = {(t1.entry(c.a).row.method, t1.entry(c.b).row.method, t1.entry(c.a).row.features)
             for c in t1.comparisons}
    assert ("CLTDR-GMG", "ActionFormer", "I3D") in pairs and ("CLTDR-GMG", "TriDet", "I3D") in pairs
    assert not any(b in REPORTED_ONLY for _, b, _ in pairs)
    t9 = paper_table(9)
    assert len(t9.comparisons) == 6  # 8 rows, two of them the full model
    assert all(VARIANT_SUFFIX[t9.entry(c.a).row.variant] is None for c in t9.comparisons)


def test_paper_values_and_flags():
    paper = load_paper_values()
    assert paper.get("1|THUMOS14||ActionFormer||I3D", "avg") == 66.8
    assert paper.marks["1|THUMOS14||TemporalMaxer||InternVideo2-6B"] == "§∓"
    flags = average_flags(paper)
    assert set(flags) == {"1|THUMOS14||CLTDR-GMG||I3D", "1|THUMOS14||ActionFormer||InternVideo2-6B"}
    assert "69.72" in flags["1|THUMOS14||CLTDR-GMG||I3D"]
    cells = paper_experiment().cells("real")
    shared = shared_config_flags(paper, [(c.run_name, c.row.key) for c in cells if c.run_name])
    assert "T1 78.4" in shared[("1|THUMOS14||CLTDR-GMG||InternVideo2-6B", "0.5")]
    assert ("1|THUMOS14||CLTDR-GMG||InternVideo2-6B", "avg") not in shared  # 74.3 everywhere
    assert [metric_label(t) for t in (0.3, 0.39999999999999997, 0.75, 0.30000000000000004)] == [
        "0.3", "0.4", "0.75", "0.3"]


def test_experiment_files(tmp_path):
    data = {"name": "mine", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "ActionFormer", "features": "I3D",
         "synthetic": "actionformer/synthetic_thumos_like",
         "stand_in": {"preset": "thumos-like", "quality": "mid"},
         "overrides": {"train_cfg.max_epochs": 2}, "run_tag": "2ep"},
        {"table": 1, "dataset": "THUMOS14", "method": "X", "features": "I3D"}],
        "comparisons": [["1|THUMOS14||ActionFormer||I3D", "1|THUMOS14||X||I3D"]]}
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data))
    exp = load_experiment(str(path))
    cell = exp.cells("synthetic")[0]
    assert cell.run_name == "actionformer/synthetic_thumos_like__mid-2ep"
    assert "train_cfg.max_epochs=2" in cell.cfg_options() and cell.kind == "run"
    assert exp.cells("real")[0].kind == "reported-only"
    yaml_path = tmp_path / "mine.yaml"
    yaml_path.write_text("name: y\nentries:\n  - {table: 2, dataset: D, method: M, features: F}\n")
    assert load_experiment(str(yaml_path)).entries[0].row.key == "2|D||M||F"
    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [{"dataset": "no table"}]}')
    with pytest.raises(ConfigError, match="bad.json"):
        load_experiment(str(bad))
    with pytest.raises(ConfigError, match="unknown experiment"):
        load_experiment("table12")
