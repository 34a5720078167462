"""One set of defaults (harness/defaults.py): Makefile, sweep, aggregate, report, train, --help."""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import defaults
from harness.cli import build_parser, shows_default

ROOT = Path(__file__).resolve().parents[2]
# flags the Makefile passes on purpose although they differ from the command's default
INTENDED = {("report", "--aggregate"): "never"}  # make table1 aggregates in its own step


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    return next(a for a in parser._actions if a.dest == "command").choices


def _make_commands(*targets_and_vars: str) -> list[list[str]]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "-s", "STAMP=", *targets_and_vars], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    commands = []
    for line in out.replace("&&", "\n").splitlines():
        argv = shlex.split(line)
        if "-m" in argv and argv[argv.index("-m") + 1] == "harness":
            commands.append(argv[argv.index("-m") + 2:])
    return commands


def _differing_flags(argv: list[str]) -> list[str]:
    """The flags of ``python -m harness <argv>`` whose value differs from the default."""
    sub = _subparsers()[argv[0]]
    given = vars(sub.parse_args(argv[1:]))
    out = []
    for action in sub._actions:
        if not action.option_strings or action.required or action.dest not in given:
            continue
        if given[action.dest] == action.default:
            continue
        flag = action.option_strings[-1]
        if INTENDED.get((argv[0], flag)) != given[action.dest]:
            out.append(f"{argv[0]} {flag}={given[action.dest]!r}")
    return out


@pytest.mark.parametrize("target", ["table1", "ablations", "sweep", "aggregate", "report",
                                    "train", "data", "drift", "check-data"])
def test_makefile_passes_no_value_that_differs_from_the_defaults(target):
    commands = _make_commands(target)
    assert commands, f"make {target} runs no harness command"
    for argv in commands:
        assert _differing_flags(argv) == [], argv


def test_makefile_variables_reach_the_commands():
    commands = _make_commands("table1", "SEEDS=0-4", "BOOTSTRAP=1000", "JOBS=3")
    flat = [" ".join(argv) for argv in commands]
    assert any(c.startswith("sweep table1") and "--seeds 0-4" in c and "--jobs 3" in c for c in flat)
    assert any(c.startswith("aggregate table1") and "--bootstrap 1000" in c for c in flat)


def test_sweep_plans_the_readme_seeds(tmp_path):
    from harness.experiments import load_experiment
    from harness.sweep.plan import parse_seeds, plan_sweep

    sweep = _subparsers()["sweep"].parse_args(["table1"])
    assert parse_seeds(sweep.seeds) == (0, 1, 2) == parse_seeds(defaults.SEEDS)
    plan = plan_sweep(load_experiment("table1"), scale="synthetic", seeds=parse_seeds(sweep.seeds),
                      results=tmp_path)
    assert plan.seeds == (0, 1, 2) and len(plan.runs) == 27
    readme = (ROOT / "README.md").read_text()
    assert "3 seeds by default" in readme


def test_bootstrap_default_is_one_number():
    from harness.aggregate import AggregateOptions

    sub = _subparsers()
    assert sub["aggregate"].parse_args(["table1"]).bootstrap == defaults.BOOTSTRAP_SAMPLES
    assert sub["report"].parse_args(["table1"]).bootstrap == defaults.BOOTSTRAP_SAMPLES
    assert AggregateOptions().bootstrap_samples == defaults.BOOTSTRAP_SAMPLES


def test_every_help_names_every_default():
    for name, sub in _subparsers().items():
        formatter = sub._get_formatter()
        for action in sub._actions:
            if not shows_default(action):
                continue
            text = formatter._expand_help(action) if action.help else ""
            assert "default" in text.lower(), f"{name} {action.option_strings}: {text!r}"


def test_hand_train_lands_in_the_sweep_run_folder(tmp_path):
    """``train CONFIG --seed 0`` of a Table 1 config = the sweep's folder and config hash."""
    from harness.experiments import load_experiment
    from harness.runner import resolve_run_config
    from harness.sweep.plan import plan_sweep

    plan = plan_sweep(load_experiment("table1"), scale="synthetic", seeds=(0,),
                      results=ROOT / "results" / "runs", only="TriDet")
    by_folder = {Path(r.job.work_dir): r for r in plan.runs}
    resolved = resolve_run_config(ROOT / "harness/configs/tridet/synthetic_thumos_like.py", 0)
    assert resolved.work_dir.as_posix().endswith("tridet/synthetic_thumos_like__mid/seed0")
    run = by_folder[(ROOT / resolved.work_dir).resolve()]
    assert run.job.expected_hash == resolved.config_hash
    # another stand-in by --cfg-options + --data-root: that stand-in's folder
    quality = {f"{k}.dataset.quality": "high" for k in ("train_dataloader", "val_dataloader",
                                                        "test_dataloader")}
    high = resolve_run_config(ROOT / "harness/configs/tridet/synthetic_thumos_like.py", 0,
                              overrides=quality, data_root="results/data/synthetic/thumos-like-high")
    assert high.work_dir.parent.name == "synthetic_thumos_like__high"
    high_run = by_folder[(ROOT / high.work_dir).resolve()]
    assert high_run.job.expected_hash == high.config_hash
