"""Training runs are deterministic per seed and an interrupted run resumes bit-exactly."""

from __future__ import annotations

import json

import pytest
import torch
from runner_helpers import TINY_CONFIG, assert_same_state, load_ckpt, train_tiny

from harness.cli import main
from harness.records import RunRecord


def _cli_train(work_dir, seed=0, *extra):
    try:
        return main(["train", str(TINY_CONFIG), "--seed", str(seed), "--work-dir", str(work_dir), *extra])
    finally:
        torch.use_deterministic_algorithms(False)


@pytest.fixture
def uninterrupted(tiny_finished_run):
    return tiny_finished_run


def _interrupt(work, after_epoch, extra_hooks=()):
    hooks = [dict(type="InterruptHook", after_epoch=after_epoch), *extra_hooks]
    with pytest.raises(RuntimeError, match="interrupted"):
        train_tiny(work, 0, extra_hooks=hooks)


def test_record_of_a_finished_run(uninterrupted):
    record = RunRecord.read(uninterrupted / "record.json")
    assert record.status == "ok" and record.seed == 0
    assert record.epochs == record.max_epochs == 4
    assert record.config_name == "harness/tiny_config"
    assert record.tiou == (0.5,) and record.average_mAP == record.mAP[0]
    # curve from 0-based epoch 1 (curve_begin=1): completed epochs 2, 3, 4
    assert [p.epoch for p in record.test_curve] == [2, 3, 4]
    # the last curve point evaluates the same EMA weights on the same split as the result
    assert record.test_curve[-1].average_mAP == record.average_mAP
    assert record.best_on_test.selection.startswith("best epoch on the test split")
    assert (uninterrupted / "config.py").is_file()
    assert len((uninterrupted / "config_hash.txt").read_text().strip()) == 64
    assert json.loads((uninterrupted / "test_curve.json").read_text())["curve"][0]["epoch"] == 2


def test_same_seed_is_identical_and_other_seeds_differ(uninterrupted, tmp_path):
    assert _cli_train(tmp_path / "again", 0) == 0
    assert _cli_train(tmp_path / "seed1", 1) == 0
    a = load_ckpt(uninterrupted / "epoch_4.pth")
    b = load_ckpt(tmp_path / "again" / "epoch_4.pth")
    c = load_ckpt(tmp_path / "seed1" / "epoch_4.pth")
    assert_same_state(a["state_dict"], b["state_dict"])
    assert_same_state(a["state_dict_ema"], b["state_dict_ema"])
    assert not torch.equal(a["state_dict"]["conv.weight"], c["state_dict"]["conv.weight"])
    ra, rb, rc = (RunRecord.read(p / "record.json") for p in (uninterrupted, tmp_path / "again", tmp_path / "seed1"))
    assert ra.average_mAP == rb.average_mAP and ra.test_curve == rb.test_curve
    assert ra.config_hash == rb.config_hash == rc.config_hash  # the seed is not in the hash
    assert ra.average_mAP != rc.average_mAP


def _assert_same_final_state(full_dir, resumed_dir):
    full, resumed = load_ckpt(full_dir / "epoch_4.pth"), load_ckpt(resumed_dir / "epoch_4.pth")
    assert_same_state(full["state_dict"], resumed["state_dict"])
    assert_same_state(full["state_dict_ema"], resumed["state_dict_ema"])
    assert full["harness_resume"]["model_attrs"] == resumed["harness_resume"]["model_attrs"]
    r_full = RunRecord.read(full_dir / "record.json")
    r_res = RunRecord.read(resumed_dir / "record.json")
    assert r_res.average_mAP == r_full.average_mAP
    assert r_res.test_curve == r_full.test_curve


def test_resume_matches_the_uninterrupted_run(uninterrupted, tmp_path):
    """Interrupted after epoch 2, whose evaluation is on the curve: it is repeated on resume."""
    work = tmp_path / "resumed"
    _interrupt(work, 2)
    assert sorted(p.name for p in work.glob("epoch_*.pth")) == ["epoch_2.pth"]
    assert _cli_train(work, 0, "--resume") == 0
    _assert_same_final_state(uninterrupted, work)


def test_resume_after_moving_the_work_dir(uninterrupted, tmp_path):
    """last_checkpoint holds an absolute path; the harness resumes from the file in place.
    Interrupted after epoch 1, before the curve starts."""
    old = tmp_path / "old"
    _interrupt(old, 1)
    new = tmp_path / "moved"
    old.rename(new)
    assert str(old) in (new / "last_checkpoint").read_text()
    assert _cli_train(new, 0, "--resume") == 0
    _assert_same_final_state(uninterrupted, new)


def test_resume_without_the_saved_generators_diverges(uninterrupted, tmp_path):
    """Negative control: the exactness above depends on the ExactResumeHook state."""
    work = tmp_path / "resumed"
    _interrupt(work, 2)
    ckpt_path = work / "epoch_2.pth"
    ckpt = load_ckpt(ckpt_path)
    del ckpt["harness_resume"]
    from harness.checkpoint import atomic_save_checkpoint

    atomic_save_checkpoint(ckpt, str(ckpt_path))  # recorded, as the run's own save would be
    assert _cli_train(work, 0, "--resume") == 0
    full, resumed = load_ckpt(uninterrupted / "epoch_4.pth"), load_ckpt(work / "epoch_4.pth")
    assert not torch.equal(full["state_dict"]["conv.weight"], resumed["state_dict"]["conv.weight"])


def test_work_dir_guard(uninterrupted, tmp_path, capsys):
    assert _cli_train(uninterrupted, 0) == 2  # a finished run is never overwritten silently
    assert "holds an earlier run" in capsys.readouterr().err
    assert _cli_train(tmp_path / "empty", 0, "--resume") == 2
    assert "no checkpoint" in capsys.readouterr().err


def test_nan_loss_writes_a_failed_record(tmp_path, capsys):
    work = tmp_path / "nan"
    code = _cli_train(work, 0, "--cfg-options", "model.nan_after=5")
    assert code == 1
    record = RunRecord.read(work / "record.json")
    assert record.status == "failed" and record.average_mAP is None
    # 5 good iterations (0-4), the 6th (iteration 5, epoch 1 0-based, batch 1) is NaN
    assert "non-finite loss at iteration 5" in record.error and "epoch 1" in record.error
    assert "loss=nan" in record.error
    assert "failed record" in capsys.readouterr().out


def test_recording_the_test_curve_does_not_change_training(uninterrupted, tmp_path):
    runner, _ = train_tiny(tmp_path / "nocurve", 0, {"train_cfg.record_test_curve": False})
    assert not (tmp_path / "nocurve" / "test_curve.json").exists()
    with_curve = load_ckpt(uninterrupted / "epoch_4.pth")
    without = load_ckpt(tmp_path / "nocurve" / "epoch_4.pth")
    assert_same_state(with_curve["state_dict"], without["state_dict"])
    assert_same_state(with_curve["state_dict_ema"], without["state_dict_ema"])
