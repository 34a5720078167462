"""Calibration baselines: the oracle scores exactly 100, the trivial baseline beats chance."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from datasets.synthetic import trivial
from datasets.synthetic.generator import SyntheticSpec, write_dataset
from datasets.synthetic.presets import PRESETS
from harness.commands.trivial_baseline import evaluate


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_oracle_is_exactly_100_at_every_threshold(small_sets, preset):
    data = trivial.load(small_sets[preset])
    preds = trivial.oracle_predictions(data)
    assert len(preds) > 0
    result = evaluate(data, preds)
    assert result.tiou == PRESETS[preset].tiou_thresholds
    assert result.mAP == (1.0,) * len(result.tiou) and result.average_mAP == 1.0
    assert result.num_duplicate_gt == 0 and result.num_dropped_gt == 0


def test_oracle_shifted_by_a_grid_step_is_not_100(small_sets):
    """The oracle test can fail: a time-mapping error of one step costs mAP at tIoU 0.7."""
    data = trivial.load(small_sets["thumos-like"])
    preds = trivial.oracle_predictions(data)
    preds[["t_start", "t_end"]] += 4 * 4 / 30.0  # 4 steps late
    assert evaluate(data, preds).mAP[-1] < 1.0


def test_runs_to_segments():
    p = np.array([0.9, 0.2, 0.6, 0.7, 0.8, 0.1, 0.51, 0.52])
    assert trivial.runs_to_segments(p) == [(2, 4, pytest.approx(0.7)), (6, 7, pytest.approx(0.515))]
    assert trivial.runs_to_segments(np.array([0.6, 0.6]), min_len=3) == []


def test_step_targets_prefer_shortest_cover(small_sets):
    data = trivial.load(small_sets["thumos-like"])
    v = data.subset("validation")[0]
    from datasets.annotations import VideoAnnotation

    # grid [2, 8] class 3 and grid [4, 5] class 1: steps 4-5 take the shorter one
    secs = (np.array([[2.0, 8.0], [4.0, 5.0]]) * 4 + 8) / 30
    fake = VideoAnnotation(v.video_id, "validation", v.duration, 30.0, secs, ("a", "b"), np.array([3, 1]))
    y = trivial.step_targets(data, fake, 10, num_classes=10)
    assert y.tolist() == [10, 10, 3, 3, 1, 1, 3, 3, 3, 10]


def _chance(data: trivial.SyntheticData, per_video: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for v in data.subset("validation"):
        for _ in range(per_video):
            s = rng.uniform(0, v.duration - 2)
            rows.append((v.video_id, s, s + rng.uniform(0.5, 6.0), int(rng.integers(len(data.labels))), rng.uniform()))
    return pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label", "score"])


def test_trivial_baseline_beats_chance_and_is_deterministic(tmp_path):
    write_dataset(SyntheticSpec("thumos-like", "mid", 0, num_train=24, num_test=12), tmp_path / "t")
    data = trivial.load(tmp_path / "t")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        preds, info = trivial.trivial_predictions(data)
        again, _ = trivial.trivial_predictions(data)
        result = evaluate(data, preds)
        chance = evaluate(data, _chance(data))
    pd.testing.assert_frame_equal(preds, again)
    assert result.average_mAP > chance.average_mAP + 0.08, (result.average_mAP, chance.average_mAP)
    assert result.average_mAP < 0.9  # far from solved
    assert 0.3 < info["val_step_accuracy"] < 1.0
    assert (preds["t_end"] > preds["t_start"]).all() and preds["score"].between(0.5, 1.0).all()
