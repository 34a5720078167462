"""RunRecord / RunManifest: JSON round trip, validation, atomic write, provenance."""

from __future__ import annotations

import dataclasses
import json
import subprocess

import pytest

from harness.manifest import RunManifest, collect_manifest, git_state
from harness.records import BestOnTest, CurvePoint, RunRecord, best_on_test


def _manifest():
    return RunManifest(
        git_sha="abc", git_dirty=False, config_hash="h" * 64, seed=3,
        versions={"torch": "2.13.0"}, device="cpu", hardware={"cpu_count": 2},
        hostname="host", python="3.11.7", command=("python", "-m", "harness"),
    )


def _record(**changes):
    curve = (CurvePoint(2, 0.4, {"average_mAP": 0.4}), CurvePoint(3, 0.5, {"average_mAP": 0.5}),
             CurvePoint(4, 0.45, {"average_mAP": 0.45}))
    base = dict(
        model="actionformer", config_name="actionformer/synthetic_thumos_like",
        config_path="harness/configs/actionformer/synthetic_thumos_like.py", config_hash="h" * 64,
        seed=3, dataset="synthetic", feature_set="thumos-like-mid", status="ok",
        manifest=_manifest(), test_split="validation", tiou=(0.3, 0.5), mAP=(0.6, 0.3),
        average_mAP=0.45, ap_per_class={"0": (0.5, 0.2), "1": (0.7, 0.4)}, epochs=4,
        max_epochs=4, wall_time_s=12.5, test_curve=curve, best_on_test=best_on_test(curve),
        evaluator={"classes_in_mean": [0, 1]}, predictions="predictions.json",
        checkpoint="epoch_4.pth", created="2026-01-01T00:00:00+00:00",
    )
    base.update(changes)
    return RunRecord(**base)


def test_json_round_trip_and_atomic_write(tmp_path):
    record = _record()
    path = record.write(tmp_path / "run" / "record.json")
    assert RunRecord.read(path) == record
    data = json.loads(path.read_text())
    assert data["average_mAP"] == 0.45 and data["manifest"]["seed"] == 3
    assert [f.name for f in path.parent.iterdir()] == ["record.json"]  # no temp file left
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.status = "failed"


def test_best_on_test_is_labelled_and_not_the_result():
    record = _record()
    assert record.best_on_test == BestOnTest(epoch=3, average_mAP=0.5)
    assert "test-set selection" in record.best_on_test.selection
    assert record.average_mAP == 0.45  # the last epoch, not the best one
    assert best_on_test(()) is None
    ties = (CurvePoint(5, 0.5), CurvePoint(2, 0.5))
    assert best_on_test(ties).epoch == 2


def test_validation_rules():
    with pytest.raises(ValueError, match="status"):
        _record(status="done")
    with pytest.raises(ValueError, match="error"):
        _record(status="failed")
    with pytest.raises(ValueError, match="length"):
        _record(mAP=(0.1,))
    with pytest.raises(ValueError, match="finite"):
        _record(average_mAP=float("nan"))
    failed = _record(status="failed", error="non-finite loss at iteration 5", tiou=(), mAP=(),
                     average_mAP=None, ap_per_class={})
    assert RunRecord.from_json(json.loads(json.dumps(failed.to_json()))) == failed


def test_manifest_collects_provenance(repo_root):
    m = collect_manifest(config_hash="x" * 64, seed=7)
    assert m.seed == 7 and m.config_hash == "x" * 64
    assert {"python", "torch", "mmengine", "numpy"} <= set(m.versions)
    assert m.device == "cpu" or m.hardware["gpu_count"] > 0
    assert m.hardware["cpu_count"] >= 1 and m.hostname
    assert RunManifest.from_json(json.loads(json.dumps(m.to_json()))) == m
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo_root, capture_output=True, text=True)
    if head.returncode == 0:
        assert m.git_sha == head.stdout.strip() and isinstance(m.git_dirty, bool)


def test_git_state_outside_a_repository(tmp_path):
    assert git_state(tmp_path) == (None, None)


def test_git_dirty_flag_tracks_changes(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    try:
        git("init", "-q")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git not available")
    (tmp_path / "a.txt").write_text("1")
    git("add", "a.txt")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "x")
    sha, dirty = git_state(tmp_path)
    assert len(sha) == 40 and dirty is False
    (tmp_path / "a.txt").write_text("2")
    assert git_state(tmp_path) == (sha, True)
