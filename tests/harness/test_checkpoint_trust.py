"""Checkpoints: trust by identity (hash in the run's checkpoints.json), atomic saves, resume
from the newest valid checkpoint, a failed record on any exception."""

from __future__ import annotations

import os

import pytest
import torch
from mmengine.logging import HistoryBuffer
from runner_helpers import TINY_CONFIG, load_ckpt, train_tiny

from harness import checkpoint as ck
from harness.cli import main
from harness.commands.test import load_weights
from harness.errors import ConfigError
from harness.records import RunRecord


class _Boom:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (os.makedirs, (self.target,))


def _evil(path, target):
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state_dict": {}, "payload": _Boom(str(target))}, path)


def test_a_file_under_results_runs_is_not_trusted_by_location(tmp_path, monkeypatch):
    """A downloaded file placed under ./results/runs once ran its code on `test`."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "was_unpickled"
    evil = tmp_path / "results" / "runs" / "m" / "c" / "seed0" / "epoch_1.pth"
    _evil(evil, target)
    with pytest.raises(ConfigError, match="weights-only load refused"):
        load_weights(evil.relative_to(tmp_path), official=False, trust=False)
    assert not target.exists()


def test_recorded_checkpoint_loads_in_full_and_a_changed_one_does_not(tmp_path):
    path = tmp_path / "run" / "epoch_1.pth"
    path.parent.mkdir()
    ck.atomic_save_checkpoint({"state_dict": {"w": torch.ones(2)},
                               "message_hub": {"loss": HistoryBuffer()}}, str(path))
    assert ck.is_recorded(path)
    assert isinstance(ck.load_local_checkpoint(str(path))["message_hub"]["loss"], HistoryBuffer)
    # the same name in another folder, or changed bytes: weights-only
    other = tmp_path / "copy" / "epoch_1.pth"
    other.parent.mkdir()
    other.write_bytes(path.read_bytes())
    with pytest.raises(ConfigError, match="weights-only"):
        ck.load_local_checkpoint(str(other))
    target = tmp_path / "boom"
    _evil(path, target)  # replaced after the run recorded it
    assert not ck.is_recorded(path)
    with pytest.raises(ConfigError, match="weights-only"):
        ck.load_local_checkpoint(str(path))
    assert not target.exists()


def test_trust_warns_naming_the_file(tmp_path, capsys):
    path = tmp_path / "mine.pth"
    torch.save({"state_dict": {"w": torch.ones(1)}, "hub": HistoryBuffer()}, path)
    weights, key = load_weights(path, official=False, trust=True)
    assert key == "state_dict"
    err = capsys.readouterr().err
    assert "warning: --trust" in err and str(path) in err


@pytest.mark.parametrize("trust", [False, True])
def test_a_file_that_is_not_a_checkpoint_says_so(tmp_path, trust):
    path = tmp_path / "notes.pth"
    path.write_text("hello, not a pickle")
    with pytest.raises(ConfigError, match="not a PyTorch checkpoint") as info:
        load_weights(path, official=False, trust=trust)
    assert "weights-only" not in str(info.value)


def test_truncated_checkpoint_is_a_one_line_error(tmp_path):
    path = tmp_path / "cut.pth"
    torch.save({"state_dict": {"w": torch.ones(100)}}, path)
    path.write_bytes(path.read_bytes()[:200])
    for trusted in (False, True):
        with pytest.raises(ConfigError, match="truncated") as info:
            ck.torch_load(path, trusted=trusted)
        assert "\n" not in str(info.value)


def test_save_is_atomic(tmp_path, monkeypatch):
    """A save that dies part-way leaves the previous file, never a torn one."""
    path = tmp_path / "epoch_1.pth"
    ck.atomic_save_checkpoint({"state_dict": {"w": torch.ones(3)}}, str(path))
    before = path.read_bytes()

    def full_disk(fd):  # the data went to the temporary file; flushing it to disk fails
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        ck.atomic_save_checkpoint({"state_dict": {"w": torch.zeros(3)}}, str(path))
    monkeypatch.undo()
    assert path.read_bytes() == before and ck.is_recorded(path)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _cli_train(work_dir, *extra):
    try:
        return main(["train", str(TINY_CONFIG), "--seed", "0", "--work-dir", str(work_dir), *extra])
    finally:
        torch.use_deterministic_algorithms(False)


KEEP = ["--cfg-options", "default_hooks.checkpoint.max_keep_ckpts=5"]


def test_resume_after_a_torn_newest_checkpoint_falls_back(tiny_finished_run, tmp_path, capsys):
    work = tmp_path / "torn"
    with pytest.raises(RuntimeError, match="interrupted"):
        train_tiny(work, 0, overrides={"default_hooks.checkpoint.max_keep_ckpts": 5},
                   extra_hooks=[dict(type="InterruptHook", after_epoch=2)])
    newest = work / "epoch_2.pth"
    newest.write_bytes(newest.read_bytes()[: newest.stat().st_size // 2])  # disk full, old writer
    assert _cli_train(work, "--resume", *KEEP) == 0
    err = capsys.readouterr().err
    assert "resuming from epoch_1.pth" in err and "epoch_2.pth (truncated or changed" in err
    full, resumed = load_ckpt(tiny_finished_run / "epoch_4.pth"), load_ckpt(work / "epoch_4.pth")
    for key in full["state_dict"]:
        assert torch.equal(full["state_dict"][key], resumed["state_dict"][key]), key


def test_any_exception_writes_a_failed_record(tmp_path, monkeypatch):
    import harness.evaluation

    def broken(runner):
        raise RuntimeError("evaluator exploded")

    monkeypatch.setattr(harness.evaluation, "run_test", broken)
    work = tmp_path / "broken"
    with pytest.raises(RuntimeError, match="evaluator exploded"):
        _cli_train(work)
    record = RunRecord.read(work / "record.json")
    assert record.status == "failed" and "RuntimeError: evaluator exploded" in record.error
