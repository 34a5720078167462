"""``SyntheticTALDataset``: generates its data on first use, then behaves like the base class."""

from __future__ import annotations

import json

import pytest
import torch

from harness.errors import DataError
from harness.registry import DATASETS


def _cfg(root, **kw):
    cfg = dict(type="SyntheticTALDataset", preset="thumos-like", quality="mid", seed=0,
               num_train=3, num_test=2, data_root=str(root), ann_file="annotations.json",
               feat_dir="features", subset="validation", num_classes=10, input_dim=64,
               feat_stride=4, num_frames=16)
    cfg.update(kw)
    return cfg


def test_generates_on_first_use_then_reuses(tmp_path):
    import datasets  # noqa: F401  (registers)

    root = tmp_path / "data" / "thumos-like-mid"
    ds = DATASETS.build(_cfg(root))
    assert (root / "manifest.json").is_file() and len(ds) == 2
    mtime = (root / "manifest.json").stat().st_mtime_ns
    train = DATASETS.build(_cfg(root, subset="training", is_training=True, max_seq_len=256,
                                crop_ratio=(0.9, 1.0)))
    assert len(train) == 3 and (root / "manifest.json").stat().st_mtime_ns == mtime

    item = ds[0]
    assert item["feats"].dtype == torch.float32 and item["feats"].shape[0] == 64
    assert item["labels"].dtype == torch.long and len(item["labels"]) == len(item["segments"]) > 0
    assert (item["fps"], item["feat_stride"], item["feat_num_frames"]) == (30.0, 4.0, 16.0)
    # GT back in seconds equals the annotation file (the inverse mapping)
    db = json.loads((root / "annotations.json").read_text())["database"][item["video_id"]]
    secs = (item["segments"].double() * 4 + 8) / 30
    want = torch.tensor([a["segment"] for a in db["annotations"]], dtype=torch.float64)
    assert torch.allclose(secs, want, atol=1e-5)


def test_rgb_channels_stand_in(tmp_path):
    import datasets  # noqa: F401

    ds = DATASETS.build(_cfg(tmp_path / "d", input_dim=32, channels=(0, 32)))
    assert ds[0]["feats"].shape[0] == 32


def test_other_dataset_in_data_root_is_an_error(tmp_path):
    import datasets  # noqa: F401

    DATASETS.build(_cfg(tmp_path / "d"))
    with pytest.raises(DataError, match="holds another dataset.*make-data synthetic.*SyntheticTALDataset data_root"):
        DATASETS.build(_cfg(tmp_path / "d", quality="high"))


def test_unknown_argument_still_raises(tmp_path):
    import datasets  # noqa: F401

    with pytest.raises(TypeError, match="no_such_arg"):
        DATASETS.build(_cfg(tmp_path / "d", no_such_arg=1))
