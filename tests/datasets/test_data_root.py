"""override_data_root: one call moves datasets, evaluators and score files."""

from __future__ import annotations

import pytest
from mmengine.config import Config

from datasets import override_data_root
from datasets.data_root import reroot
from harness.errors import ConfigError


def test_reroot_rules():
    assert reroot("data/thumos14/a.json", "data", "/mnt/d") == "/mnt/d/thumos14/a.json"
    assert reroot("data", "data", "/mnt/d") == "/mnt/d"
    assert reroot("data2/x", "data", "/mnt/d") is None
    assert reroot("thumos14/a.json", "data", "/mnt/d") is None
    assert reroot("./data/x", "data/", "new") == "new/x"


def test_override_on_a_base_config(repo_root):
    cfg = Config.fromfile(str(repo_root / "harness/configs/_base_/datasets/anet13_tsp_resize192.py"))
    override_data_root(cfg, "/mnt/data")
    assert cfg.data_root == "/mnt/data"
    for key in ("train_dataloader", "val_dataloader", "test_dataloader"):
        ds = cfg[key].dataset
        assert ds.data_root == "/mnt/data" and ds.ann_file == "anet13/annotations/anet1.3_tsp_filtered.json"
    assert cfg.val_evaluator.ann_file == "/mnt/data/anet13/annotations/anet1.3_tsp_filtered.json"
    assert cfg.test_evaluator.ann_file == cfg.val_evaluator.ann_file
    assert cfg.video_scores_file == "/mnt/data/anet13/annotations/cuhk_val_simp_share.json"


def test_override_nested_wrappers_and_lists():
    cfg = {"data_root": "d", "train_dataloader": {"dataset": {"type": "ConcatDataset", "datasets": [
        {"data_root": "d", "ann_file": "a.json"}, {"data_root": "d"}]}},
        "val_evaluator": [{"ann_file": "d/a.json"}, {"ann_file": "/elsewhere/b.json"}],
        "work_dir": "results/runs/x"}
    override_data_root(cfg, "e")
    inner = cfg["train_dataloader"]["dataset"]["datasets"]
    assert [d["data_root"] for d in inner] == ["e", "e"] and inner[0]["ann_file"] == "a.json"
    assert cfg["val_evaluator"][0]["ann_file"] == "e/a.json"
    assert cfg["val_evaluator"][1]["ann_file"] == "/elsewhere/b.json"
    assert cfg["work_dir"] == "results/runs/x"


def test_config_without_data_root():
    with pytest.raises(ConfigError, match="no top-level data_root"):
        override_data_root({"train_dataloader": {}}, "x")
