"""The ``thumos14-timeline`` preset: real THUMOS14 videos, durations, classes and GT
intervals with synthetic features at the benchmark's small size."""

from __future__ import annotations

import json

import numpy as np

from datasets.synthetic import layout
from datasets.synthetic.generator import SyntheticSpec, seconds_to_grid, write_dataset
from datasets.synthetic.presets import PRESETS, class_names, get_quality
from datasets.synthetic.timeline import load_timeline

THUMOS_FIRST = ("BaseballPitch", "BasketballDunk", "Billiards", "CleanAndJerk", "CliffDiving")


def test_timeline_is_the_real_thumos14_split():
    train, test, names = load_timeline("thumos14")
    assert len(train) == 200 and len(test) == 212 and len(names) == 20
    assert names[:5] == THUMOS_FIRST and names[7] == "Diving"
    assert sum(len(v.annotations) for v in train) == 3007 and sum(len(v.annotations) for v in test) == 3358
    assert class_names(PRESETS["thumos14-timeline"]) == list(names)
    assert "timeline" not in PRESETS["thumos-like"].to_json()  # older manifests unchanged


def test_timeline_actions_drop_past_end_and_clip():
    preset, quality = PRESETS["thumos14-timeline"], get_quality("mid")
    rng = np.random.default_rng(0)
    gt = ((3, 1.0, 2.0), (4, 5.0, 500.0), (5, 400.0, 410.0), (6, 3.0, 3.0))
    out = layout.timeline_actions(rng, gt, 100, preset, quality, seconds_to_grid)
    assert [p.event.label for p in out] == [3, 6, 4]  # the GT past the end dropped, sorted by start
    assert max(p.event.end for p in out) <= 99.0
    assert all(p.event.end - p.event.start >= 1.0 for p in out)  # zero-length widened to 1 step


def test_generated_dataset_follows_the_real_videos(tmp_path):
    spec = SyntheticSpec("thumos14-timeline", num_train=3, num_test=2)
    _, manifest = write_dataset(spec, tmp_path / "a")
    db = json.loads((tmp_path / "a" / "annotations.json").read_text())["database"]
    train, test, names = load_timeline("thumos14")
    for vid, src in zip(sorted(v for v in db if "training" in v), train[:3]):
        entry = db[vid]
        assert entry["source_video"] == src.source_id
        assert abs(entry["duration"] - src.duration) < 4 / 30 + 1e-6  # one grid step
        assert np.load(tmp_path / "a" / "features" / f"{vid}.npy").shape == (entry["feature_steps"], 64)
        assert {a["label"] for a in entry["annotations"]} == {names[k] for k, _, _ in src.annotations}
        assert all(0 <= a["segment"][0] <= a["segment"][1] <= entry["duration"] for a in entry["annotations"])
    test_vid = sorted(v for v in db if "validation" in v)[0]
    exact = sorted((names[k], s, e) for k, s, e in test[0].annotations)
    got = sorted((a["label"], *a["segment"]) for a in db[test_vid]["annotations"])
    assert [g[0] for g in got] == [x[0] for x in exact]  # test labels exact (up to the grid)
    assert np.allclose([g[1] for g in got], [x[1] for x in exact], atol=4 / 30)
    write_dataset(spec, tmp_path / "b")
    assert (tmp_path / "a" / "annotations.json").read_bytes() == (tmp_path / "b" / "annotations.json").read_bytes()
    assert manifest["num_classes"] == 20
