"""HACS Segments v1.1.1 in its real formats: string durations, one feature folder per subset,
I3D ``.npy`` at 2 fps and SlowFast ``.pkl`` (dict of slow/fast torch tensors), duplicated GT.

Leaves: ``tridet/hacs_i3d`` (7 levels) and ``tridet/hacs_slowfast`` (6 levels); 200 classes,
mAP at 0.5:0.05:0.95, no external scores.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from real_e2e import (
    assert_check_data_clean,
    assert_problems_reported,
    assert_result,
    build_dataset,
    leaf,
    train_one_step,
)
from real_fixtures import write_hacs

from datasets.features import read_feature_array

CASES = {  # feature set -> (leaf, annotation stem, channels, steps of '-0ht0vKQp0U' (32 s))
    "i3d": (leaf("tridet/hacs_i3d"), "HACS_segments_v1.1.1", 2048, 64),
    "slowfast": (leaf("tridet/hacs_slowfast"), "HACS_segments_v1.1.1_slowfast", 2304, 57),
}
THRESHOLDS = np.linspace(0.5, 0.95, 10)
pytestmark = pytest.mark.filterwarnings("ignore::harness.metrics.EvaluationWarning")


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


@pytest.mark.parametrize("features", sorted(CASES))
def test_check_data_clean_then_injected_problems(features, tmp_path, capsys):
    config, stem, _, _ = CASES[features]
    rr = write_hacs(tmp_path / "data", features)
    assert rr.feature_file("-1IlTIWPNs4").parent.name == "validation"
    assert_check_data_clean(config, rr.root, capsys, f"{stem}-validation-2")
    assert_problems_reported(config, rr, capsys, missing="Zu0mZZ8UCqo", short="-5KRyzJfaMU",
                             past_end="0a1lJ0oSfhA")


@pytest.mark.parametrize("features", sorted(CASES))
def test_string_durations_subset_folders_and_dedup(features, tmp_path):
    config, _, channels, steps = CASES[features]
    rr = write_hacs(tmp_path / "data", features)
    assert isinstance(rr.db["-0ht0vKQp0U"]["duration"], str)
    ds = build_dataset(config, rr.root, crop_ratio=None)
    ids = [ds.get_data_info(i)["video_id"] for i in range(len(ds))]
    item = ds[ids.index("-0ht0vKQp0U")]
    assert item["duration"] == 32.0 and item["feats"].shape == (channels, steps)
    assert ds.metainfo["num_duplicates_dropped"] == 1 and len(item["labels"]) == 1
    assert item["labels"].tolist() == [10]  # 200-class detector: the file's label id


def test_slowfast_pickle_is_slow_then_fast():
    import pickle
    import tempfile
    from pathlib import Path

    slow, fast = torch.randn(1, 2048, 5), torch.randn(1, 256, 5)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "v.pkl"
        path.write_bytes(pickle.dumps({"fast_feature": fast, "slow_feature": slow}))
        arr = read_feature_array(path)  # [T, C]
    assert arr.shape == (5, 2304)
    assert np.array_equal(arr[:, :2048], slow[0].T.numpy()) and np.array_equal(arr[:, 2048:], fast[0].T.numpy())


@pytest.mark.slow  # a training run (about a second of CPU)
@pytest.mark.parametrize("features", sorted(CASES))
def test_one_training_step_and_evaluation(features, tmp_path):
    config, stem, _, _ = CASES[features]
    write_hacs(tmp_path / "data", features)
    _, outcome, loss = train_one_step(config, tmp_path / "data", tmp_path / "work", batch_size=3)
    assert np.isfinite(loss)
    assert_result(outcome, THRESHOLDS, f"{stem}-validation-2")
    assert outcome.result.classes_in_mean == (10, 25, 26)


def test_pyramid_levels_follow_the_official_configs():
    from mmengine.config import Config

    for features, levels in (("i3d", 7), ("slowfast", 6)):  # TriDet's HACS SlowFast: 6 levels
        model = Config.fromfile(str(CASES[features][0])).model
        assert model.backbone_arch[2] + 1 == len(model.regression_range) == levels
        assert model.regression_range[-1] == ((128, 10000) if levels == 7 else (64, 10000))
        assert (model.head_kernel_size, model.boudary_kernel_size, model.use_abs_pe) == (5, 1, True)
