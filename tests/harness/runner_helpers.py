"""Helpers shared by the runner tests (tiny config, in-process runs)."""

from __future__ import annotations

from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
TINY_CONFIG = ROOT / "tests" / "harness" / "tiny_config.py"


def resolved_tiny(work_dir, seed=0, overrides=None, extra_hooks=()):
    """The tiny config resolved for one run, with optional extra custom hooks."""
    from harness.runner import resolve_run_config

    resolved = resolve_run_config(TINY_CONFIG, seed, work_dir, overrides)
    resolved.cfg.custom_hooks = list(resolved.cfg.get("custom_hooks") or []) + [dict(h) for h in extra_hooks]
    return resolved


def train_tiny(work_dir, seed=0, overrides=None, extra_hooks=()):
    """Train + test the tiny config in-process; returns (runner, TestOutcome)."""
    from harness.evaluation import run_test
    from harness.runner import runner_from_resolved

    runner = runner_from_resolved(resolved_tiny(work_dir, seed, overrides, extra_hooks))
    try:
        runner.train()
        return runner, run_test(runner)
    finally:
        torch.use_deterministic_algorithms(False)


def hook_of(runner, cls):
    return next(h for h in runner.hooks if isinstance(h, cls))


def load_ckpt(path):
    return torch.load(path, map_location="cpu", weights_only=False)


def assert_same_state(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key
