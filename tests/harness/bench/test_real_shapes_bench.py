"""The real-shape benchmark code at toy sizes (nothing is timed against a target here)."""

from __future__ import annotations

import pytest

from harness.bench import real_shapes


def test_extrapolation_arithmetic():
    probe = {"train_iter_s": 2.0, "infer_video_s": 0.5, "batch_size": 2.0, "max_epochs": 40.0,
             "curve_epochs": 22.0, "peak_rss_gb": 1.0}
    ext = real_shapes.extrapolate(probe)
    assert ext["epoch_train_s"] == 100 * 2.0  # 200 training videos, batch 2
    assert ext["test_s"] == 212 * 0.5
    assert ext["schedule_s"] == 40 * 200.0 + 23 * 106.0  # 22 curve evaluations + the final test


def test_loading_reads_every_test_video_of_a_median_rehearsal(tmp_path):
    res = real_shapes.loading("anet13", "tridet/anet13_tsp", "tsp", 2, tmp_path / "root")
    assert res["videos"] == 2 and res["videos_per_s"] > 0 and res["mb_per_s"] > 0
    record = (tmp_path / "root" / "anet13" / "rehearsal.json").read_text()
    assert "closest to the median duration" in record


def test_curve_epochs_follow_the_config():
    from harness.runner import load_config

    cfg = load_config(real_shapes.CONFIGS / "cltdr_gmg" / "thumos14_i3d.py")
    assert real_shapes._curve_epochs(cfg) == 40 - (40 - 5) // 2
    cfg = load_config(real_shapes.CONFIGS / "actionformer" / "thumos14_i3d.py")
    assert real_shapes._curve_epochs(cfg) == 0


@pytest.mark.slow
def test_train_probe_at_toy_width(tmp_path):
    root = real_shapes.rehearse_root("thumos14", tmp_path / "root", 4, ("i3d",))
    widths = {f"model.{k}": 16 for k in ("embd_dim", "fpn_dim", "head_dim")}
    probe = real_shapes.train_probe("actionformer", root, tmp_path / "work", iters=2, overrides=widths)
    assert probe["batch_size"] == 2 and probe["max_epochs"] == 35 and probe["peak_rss_gb"] > 0
    assert probe["infer_video_s"] > 0


def test_cases_run_in_a_spawned_child():
    res = real_shapes._in_child(("loading", ("anet13", "tridet/anet13_tsp", "tsp", 1), 1))
    assert res["videos"] == 1 and res["steps_per_video"] > 0
