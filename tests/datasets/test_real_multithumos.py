"""MultiTHUMOS in its real formats: 65 classes, dense multi-label GT, I3D-RGB channel slice.

Leaf: ``tridet/multithumos_i3d_rgb`` (channels 0-1023 of THUMOS's two-stream I3D files, mAP
at 0.1:0.1:0.9).
"""

from __future__ import annotations

import numpy as np
import pytest
from real_e2e import (
    assert_check_data_clean,
    assert_problems_reported,
    assert_result,
    build_dataset,
    leaf,
    train_one_step,
)
from real_fixtures import write_multithumos

RGB = leaf("tridet/multithumos_i3d_rgb")
THRESHOLDS = np.linspace(0.1, 0.9, 9)
pytestmark = pytest.mark.filterwarnings("ignore::harness.metrics.EvaluationWarning")


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


def test_check_data_clean_then_injected_problems(tmp_path, capsys):
    rr = write_multithumos(tmp_path / "data")
    out = " ".join(assert_check_data_clean(RGB, rr.root, capsys, "multithumos-test-4").split())
    assert "end 4.5 < start 5.0, dropped" in out  # the inverted row is named (video + row)
    assert_problems_reported(RGB, rr, capsys, missing="video_test_0000293",
                             short="video_validation_0000051", past_end="video_validation_0000856")


def test_rgb_slice_dense_labels_and_zero_length(tmp_path):
    rr = write_multithumos(tmp_path / "data")
    ds = build_dataset(RGB, rr.root, crop_ratio=None)
    idx = [ds.get_data_info(i)["video_id"] for i in range(len(ds))].index("video_validation_0000051")
    item = ds[idx]
    full = np.load(rr.feature_file("video_validation_0000051"))  # [T, 2048]
    assert item["feats"].shape == (1024, full.shape[0])
    assert np.array_equal(item["feats"].numpy(), full[:, :1024].T)
    labels, segs = item["labels"].tolist(), item["segments"]
    assert len(set(labels)) >= 5 and max(labels) >= 20  # THUMOS classes + MultiTHUMOS ones
    overlap = (segs[:, None, 0] < segs[None, :, 1]) & (segs[None, :, 0] < segs[:, None, 1])
    assert overlap.sum() > len(labels)  # overlapping GT of different classes
    assert (segs[:, 1] == segs[:, 0]).sum() == 1  # the zero-length row is kept for training


@pytest.mark.slow  # a training run (about a second of CPU)
def test_one_training_step_and_evaluation(tmp_path):
    write_multithumos(tmp_path / "data")
    _, outcome, loss = train_one_step(RGB, tmp_path / "data", tmp_path / "work", batch_size=4)
    assert np.isfinite(loss)
    assert_result(outcome, THRESHOLDS, "multithumos-test-4")
    assert outcome.result.num_dropped_gt == 1  # the inverted test row
    assert {"mAP@0.20", "mAP@0.50", "mAP@0.70"} <= set(outcome.metrics)  # the printed columns
