"""``train --tensorboard`` writes TensorBoard event files (mmengine's TensorboardVisBackend)."""

from __future__ import annotations

import importlib.util

import pytest
import torch
from runner_helpers import TINY_CONFIG

from harness.cli import main
from harness.errors import ConfigError
from harness.runner import apply_tensorboard, experiment_hash, load_config


def test_tensorboard_flag_writes_event_files(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    work = tmp_path / "run"
    try:
        assert main(["train", str(TINY_CONFIG), "--work-dir", str(work), "--tensorboard"]) == 0
    finally:
        torch.use_deterministic_algorithms(False)
    events = sorted(work.glob("*/vis_data/events.out.tfevents.*"))
    assert len(events) == 1, list(work.rglob("*"))
    acc = EventAccumulator(str(events[0].parent))
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    assert {"loss", "lr"} <= tags, tags
    assert "average_mAP" in tags  # the per-epoch evaluations of the test curve
    losses = acc.Scalars("loss")
    assert len(losses) >= 2 and all(s.value == s.value for s in losses)  # logged, finite


def test_apply_tensorboard_keeps_other_backends_and_the_hash():
    if importlib.util.find_spec("tensorboard") is None:
        pytest.skip("tensorboard not installed")
    cfg = load_config(TINY_CONFIG)
    before = experiment_hash(cfg)
    cfg.visualizer = dict(type="Visualizer", vis_backends=[dict(type="LocalVisBackend")])
    apply_tensorboard(cfg)
    apply_tensorboard(cfg)  # idempotent
    assert [b["type"] for b in cfg.visualizer["vis_backends"]] == [
        "LocalVisBackend", "TensorboardVisBackend"]
    assert experiment_hash(cfg) == before  # how a run reports is not what it trains


def test_apply_tensorboard_without_the_package(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real(name, *a))
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[tensorboard\]'"):
        apply_tensorboard(load_config(TINY_CONFIG))
