"""Every split's feature files are checked before training (datasets/precheck.py)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from datasets.precheck import precheck_splits
from harness.errors import DataError


def _cfg(tal_data):
    base = dict(type="FeatureTALDataset", data_root=str(tal_data.root), ann_file="annotations.json",
                feat_dir="features", num_classes=3, input_dim=8, feat_stride=4, num_frames=16)
    return {"train_dataloader": {"dataset": dict(base, subset="training")},
            "val_dataloader": {"dataset": dict(base, subset="validation")},
            "test_dataloader": {"dataset": dict(base, subset="validation")}}


def test_nan_in_the_test_split_is_found_before_training(tal_data, tmp_path):
    path = tal_data.feat_dir / "vid_e.npy"
    arr = np.load(path)
    arr[3, 2] = np.nan
    np.save(path, arr)
    with pytest.raises(DataError, match=r"vid_e.npy: 1 non-finite .* \[val split, found before training\]"):
        precheck_splits(_cfg(tal_data), cache=tmp_path / "cache.json")


def test_cache_skips_unchanged_files_and_rechecks_changed_ones(tal_data, tmp_path):
    cache = tmp_path / "cache.json"
    assert precheck_splits(_cfg(tal_data), cache=cache) == 5  # val and test are one dataset
    assert precheck_splits(_cfg(tal_data), cache=cache) == 0
    path = tal_data.feat_dir / "vid_a.npy"
    arr = np.load(path)
    arr[0, 0] = np.inf
    before = path.stat().st_mtime_ns
    np.save(path, arr)  # same size, new mtime
    os.utime(path, ns=(before + 10**9, before + 10**9))
    with pytest.raises(DataError, match="vid_a.npy: 1 non-finite"):
        precheck_splits(_cfg(tal_data), cache=cache)
