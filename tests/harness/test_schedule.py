"""The smoke schedule: what it changes in a real config (and nothing else), how sweeps and
aggregations see it, the rehearsal detection and the report banner."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.runner import experiment_hash, load_config
from harness.schedule import (
    REHEARSAL_BANNER,
    SMOKE_BANNER,
    SMOKE_ITERS,
    apply_schedule,
    banners,
    is_rehearsal_root,
    results_folder,
    stamp_banner,
    with_schedule,
)

CONFIGS = Path(__file__).resolve().parents[2] / "harness" / "configs"


def _flat(cfg) -> dict:
    return cfg.to_dict()


@pytest.mark.parametrize("leaf", ["cltdr_gmg/thumos14_i3d", "actionformer/anet13_tsp"])
def test_smoke_changes_epochs_and_iterations_only(leaf):
    official = load_config(CONFIGS / f"{leaf}.py")
    smoke = load_config(CONFIGS / f"{leaf}.py", {"schedule": "smoke"})
    assert smoke.train_cfg.max_epochs == 1 and smoke.train_cfg.record_test_curve is False
    assert smoke.param_scheduler["end"] == 1 and smoke.param_scheduler["warmup"] == 0
    batch = official.train_dataloader.batch_size
    assert smoke.train_dataloader.dataset.indices == batch * SMOKE_ITERS
    a, b = _flat(official), _flat(smoke)
    for key in ("model", "val_dataloader", "test_dataloader", "test_evaluator", "optim_wrapper"):
        assert a[key] == b[key], key
    train_a = dict(a["train_dataloader"], dataset={k: v for k, v in a["train_dataloader"]["dataset"].items()})
    train_b = dict(b["train_dataloader"], dataset={k: v for k, v in b["train_dataloader"]["dataset"].items()
                                                   if k != "indices"})
    assert train_a == train_b
    assert experiment_hash(official) != experiment_hash(smoke)


def test_official_is_a_no_op_and_unknown_refused():
    cfg = load_config(CONFIGS / "tridet/thumos14_i3d.py")
    before = _flat(cfg)
    apply_schedule(cfg)
    assert _flat(cfg) == before
    with pytest.raises(ConfigError, match="schedule must be one of"):
        load_config(CONFIGS / "tridet/thumos14_i3d.py", {"schedule": "fast"})


def test_with_schedule_and_folders():
    from harness.experiments import load_experiment

    cell = next(c for c in load_experiment("table1").cells("real") if c.kind == "run")
    smoke = with_schedule(cell, "smoke")
    assert ("schedule", "smoke") in smoke.overrides and "schedule=smoke" in smoke.cfg_options()
    assert with_schedule(cell, "official") is cell
    assert with_schedule(smoke, "smoke").overrides.count(("schedule", "smoke")) == 1
    assert results_folder("results/runs", "results/runs", "smoke") == "results/runs-smoke"
    assert results_folder("mine", "results/runs", "smoke") == "mine"
    assert results_folder("results/runs", "results/runs", "official") == "results/runs"


def test_rehearsal_root_and_banners(tmp_path):
    assert not is_rehearsal_root(str(tmp_path)) and not is_rehearsal_root(None)
    (tmp_path / "thumos14").mkdir()
    (tmp_path / "thumos14" / "rehearsal.json").write_text("{}")
    assert is_rehearsal_root(str(tmp_path))
    assert banners("smoke", True) == [SMOKE_BANNER, REHEARSAL_BANNER] and banners("official", False) == []


def test_stamp_banner_on_html_and_latex(tmp_path):
    (tmp_path / "index.html").write_text("<html><body class='x'><h1>T</h1></body></html>")
    (tmp_path / "latex").mkdir()
    (tmp_path / "latex" / "report.tex").write_text("\\documentclass{article}\n\\begin{document}\nx\n\\end{document}\n")
    assert stamp_banner(tmp_path, banners("smoke", True)) == 2
    page = (tmp_path / "index.html").read_text()
    assert page.index("SMOKE SCHEDULE") < page.index("<h1>") and "synthetic features on real annotations" in page
    tex = (tmp_path / "latex" / "report.tex").read_text()
    assert "\\fbox" in tex and tex.index("SMOKE") > tex.index("\\begin{document}")
    assert stamp_banner(tmp_path, []) == 0


def test_sweep_plan_under_smoke(tmp_path):
    from harness.experiments import load_experiment
    from harness.sweep import plan_sweep

    plan = plan_sweep(load_experiment("table1"), scale="real", seeds=(0,), results=tmp_path,
                      schedule="smoke", only="tridet/thumos14_i3d")
    jobs = [r.job for r in plan.runs]
    assert jobs and all("schedule=smoke" in j.cfg_options for j in jobs)
    official = plan_sweep(load_experiment("table1"), scale="real", seeds=(0,), results=tmp_path,
                          only="tridet/thumos14_i3d")
    assert {j.expected_hash for j in jobs}.isdisjoint({r.job.expected_hash for r in official.runs})
