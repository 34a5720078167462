"""Dataset base configs: load, expose the shared variables, and build with the dataset class."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config

import datasets
from datasets import FeatureTALDataset
from harness.registry import DATASETS

BASE = Path(__file__).resolve().parents[2] / "harness" / "configs" / "_base_" / "datasets"
FILES = sorted(BASE.glob("*.py"))
THRESHOLDS = {5: None, 9: (0.1, 0.9), 10: (0.5, 0.95)}
EXPECTED = {
    "thumos14_i3d": (20, 2048, 2304), "thumos14_videomaev2": (20, 1408, 2304),
    "thumos14_internvideo2_6b": (20, 3200, 2304), "anet13_tsp_resize192": (1, 512, 192),
    "anet13_tsp_pad768": (1, 512, 768), "epic100_slowfast_verb": (97, 2304, 2304),
    "epic100_slowfast_noun": (300, 2304, 2304), "multithumos_i3d_rgb": (65, 1024, 2304),
    "multithumos_i3d": (65, 2048, 2304), "multithumos_videomaev2": (65, 1408, 2304),
    "synthetic_thumos_like": (10, 64, 256), "synthetic_multithumos_like": (20, 64, 256),
    "synthetic_thumos14_timeline": (20, 64, 2304),
    "synthetic_anet_like": (1, 64, 128), "synthetic_anet_like_pad256": (1, 64, 256),
    "hacs_i3d": (200, 2048, 512), "hacs_slowfast": (200, 2304, 960),
}


def _linspace_for(name: str, n: int) -> list[float]:
    if n == 5:
        lo, hi = (0.1, 0.5) if name.startswith("epic") else (0.3, 0.7)
    else:
        lo, hi = THRESHOLDS[n]
    return [float(x) for x in np.linspace(lo, hi, n)]


def test_all_expected_bases_exist():
    assert sorted(f.stem for f in FILES) == sorted(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_base_config_shape(path):
    cfg = Config.fromfile(str(path))
    assert "_base_" not in cfg
    for key in ("data_root", "num_classes", "input_dim", "max_seq_len", "feat_stride",
                "num_frames", "tiou_thresholds"):
        assert cfg.get(key) is not None, key
    assert (cfg.num_classes, cfg.input_dim, cfg.max_seq_len) == EXPECTED[path.stem]
    assert cfg.tiou_thresholds == _linspace_for(path.stem, len(cfg.tiou_thresholds))
    train, val, test = cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader
    assert train.sampler == dict(type="DefaultSampler", shuffle=True) and train.drop_last is True
    assert val.sampler.shuffle is False and val.batch_size == 1 and test.batch_size == 1
    for loader in (train, val, test):
        ds = loader.dataset
        assert loader.collate_fn == dict(type="tal_collate")
        assert ds.data_root == cfg.data_root and not os.path.isabs(ds.ann_file)
        assert (ds.num_classes, ds.input_dim) == (cfg.num_classes, cfg.input_dim)
        assert (ds.feat_stride, ds.num_frames) == (cfg.feat_stride, cfg.num_frames)
    assert train.dataset.is_training is True and train.dataset.max_seq_len == cfg.max_seq_len
    assert val.dataset.is_training is False and test.dataset.is_training is False
    for ev, loader in ((cfg.val_evaluator, val), (cfg.test_evaluator, test)):
        assert ev.type == "TemporalMAPMetric" and ev.tiou_thresholds == cfg.tiou_thresholds
        assert ev.ann_file == f"{cfg.data_root}/{loader.dataset.ann_file}"
        assert ev.subset == loader.dataset.subset


@pytest.mark.parametrize("path", [f for f in FILES if not f.stem.startswith("synthetic")],
                         ids=lambda p: p.stem)
def test_real_bases_build_lazily(path, tmp_path):
    cfg = Config.fromfile(str(path))
    datasets.override_data_root(cfg, str(tmp_path))
    for key in ("train_dataloader", "val_dataloader"):
        ds = DATASETS.build(dict(cfg[key].dataset, lazy_init=True))
        assert isinstance(ds, FeatureTALDataset) and ds.data_root == str(tmp_path)
        _, report = ds.scan()  # no data here: the scan reports, never raises
        assert "annotation file not found" in report.errors[0].message


@pytest.mark.parametrize("path", [f for f in FILES if f.stem.startswith("synthetic")],
                         ids=lambda p: p.stem)
def test_synthetic_bases_use_dataset_arguments(path):
    cfg = Config.fromfile(str(path))
    accepted = set(inspect.signature(FeatureTALDataset.__init__).parameters) | {
        "type", "preset", "quality", "seed"}
    for key in ("train_dataloader", "val_dataloader"):
        ds = cfg[key].dataset
        assert ds.type == "SyntheticTALDataset" and set(ds) <= accepted
        assert cfg.data_root.endswith(f"{ds.preset}-{ds.quality}")
