"""Kill and resume: the real ``python -m harness sweep`` → ``python -m harness train`` on the
tiny test config, SIGKILLed (the whole process group, as a lost node) after the first
checkpoint, then run again: no run lost, none trained twice, none half-counted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.aggregate import AggregateOptions, aggregate
from harness.experiments import experiment_from_dict
from harness.records import RunRecord

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENT = {"name": "tiny", "entries": [
    {"table": 1, "dataset": "THUMOS14", "method": "ActionFormer", "features": "I3D",
     "real": "tests/harness/tiny_config.py"}]}


def _sweep(exp_file: Path, results: Path) -> subprocess.Popen:
    env = dict(os.environ, HARNESS_NO_PROGRESS="1")
    return subprocess.Popen(
        [sys.executable, "-m", "harness", "sweep", str(exp_file), "--scale", "real",
         "--seeds", "0-1", "--jobs", "2", "--results", str(results)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed as a whole below
    )


def _attempts(seed_dir: Path) -> list[str]:
    log = seed_dir / "train.log"
    return [ln for ln in log.read_text().splitlines() if ln.startswith("=== ")] if log.exists() else []


@pytest.mark.slow
def test_sigkilled_sweep_resumes_without_losing_or_duplicating_runs(tmp_path):
    exp_file = tmp_path / "tiny.json"
    exp_file.write_text(json.dumps(EXPERIMENT))
    results = tmp_path / "runs"
    seeds = [results / "harness" / "tiny_config" / f"seed{s}" for s in (0, 1)]

    first = _sweep(exp_file, results)
    deadline = time.time() + 120
    while time.time() < deadline and first.poll() is None:
        has_ckpt = any(list(d.glob("epoch_*.pth")) for d in seeds if d.exists())
        unfinished = [d for d in seeds if not (d / "record.json").exists()]
        if has_ckpt and unfinished:
            break
        time.sleep(0.05)
    assert first.poll() is None, "the sweep finished before it could be killed"
    os.killpg(first.pid, signal.SIGKILL)  # the sweep and its trainings die at once
    first.wait()
    time.sleep(0.5)  # let the kernel reap the trainings (their locks go with them)

    finished = {d: (d / "record.json").stat().st_mtime_ns for d in seeds if (d / "record.json").exists()}
    partial = {d: bool(list(d.glob("epoch_*.pth"))) for d in seeds if d not in finished}
    assert partial, "at least one run was interrupted"
    assert not any((d / "record.json").exists() for d in partial)  # nothing half-written counts

    second = _sweep(exp_file, results)
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0, out.decode()

    for d in seeds:
        record = RunRecord.read(d / "record.json")
        assert record.status == "ok" and record.epochs == record.max_epochs
        attempts = _attempts(d)
        if d in finished:  # never run again
            assert (d / "record.json").stat().st_mtime_ns == finished[d]
            assert len(attempts) == 1
        else:  # run once more, from its checkpoint when it had one
            assert len(attempts) == 2
            assert attempts[-1].endswith("--resume") == partial[d]

    exp = experiment_from_dict(EXPERIMENT)
    result = aggregate(exp, "real", results, AggregateOptions(bootstrap_samples=0))
    avg = result.summary[result.summary.metric == "avg"].iloc[0]
    assert avg.n == 2 and avg.seeds == "0,1"
    assert len(result.runs[result.runs.metric == "avg"]) == 2
