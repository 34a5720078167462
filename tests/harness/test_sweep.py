"""The sweep with a fast fake ``train`` command (injected as the executor's train command):
planning, skip / resume / retry decisions, failed records, locks, concurrent sweeps, the CLI,
and submitit's local executor. The real ``python -m harness train`` runs in test_sweep_e2e.py."""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
from pathlib import Path

import pytest

from harness.experiments import experiment_from_dict
from harness.records import RunRecord
from harness.sweep import SlurmOptions, parse_seeds, plan_sweep, run_local, run_submitit
from harness.sweep.plan import cell_hash
from harness.sweep.state import LOCK, find_checkpoint, inspect_run
from harness.sweep.worker import execute

# A stand-in for ``python -m harness train``: same arguments, writes the same files. Behaviour
# from the environment: FAKE_LOG (one line per call), FAKE_HASH (the record's config hash),
# FAKE_MODE ok | crash | nan | hang, FAKE_SLEEP (seconds before the record), FAKE_CRASH_SEEDS.
FAKE_TRAIN = r'''
import argparse, json, os, sys, time
from harness.manifest import RunManifest
from harness.records import RunRecord
p = argparse.ArgumentParser()
p.add_argument("config"); p.add_argument("--seed", type=int); p.add_argument("--work-dir")
p.add_argument("--data-root"); p.add_argument("--cfg-options", nargs="+")
p.add_argument("--resume", action="store_true"); p.add_argument("--overwrite", action="store_true")
a = p.parse_args()
wd = a.work_dir
os.makedirs(wd, exist_ok=True)
mode = os.environ.get("FAKE_MODE", "ok")
if str(a.seed) in os.environ.get("FAKE_CRASH_SEEDS", "").split(","):
    mode = "crash"
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(json.dumps({"wd": wd, "seed": a.seed, "resume": a.resume, "pid": os.getpid(),
                        "threads": os.environ.get("OMP_NUM_THREADS"), "opts": a.cfg_options,
                        "data_root": a.data_root}) + "\n")
if a.resume:
    assert os.path.exists(os.path.join(wd, "epoch_1.pth")), "resume without checkpoint"
open(os.path.join(wd, "epoch_1.pth"), "w").write("ckpt")
open(os.path.join(wd, "last_checkpoint"), "w").write(os.path.join(wd, "epoch_1.pth"))
if mode == "crash":
    raise RuntimeError("fake training exploded")
if mode == "hang":
    time.sleep(600)
time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
h = os.environ.get("FAKE_HASH", "x")
m = RunManifest(git_sha=None, git_dirty=None, config_hash=h, seed=a.seed)
ok = mode == "ok"
RunRecord(model="cfg", config_name="cfg/fake", config_path=a.config, config_hash=h, seed=a.seed,
          dataset="fake", feature_set="", status="ok" if ok else "failed",
          error=None if ok else "non-finite loss", manifest=m, tiou=(0.5,) if ok else (),
          mAP=(0.1 * (a.seed + 1),) if ok else (), average_mAP=0.1 * (a.seed + 1) if ok else None,
          ).write(os.path.join(wd, "record.json"))
sys.exit(0 if ok else 1)
'''


@pytest.fixture()
def fake(tmp_path, monkeypatch):
    """A repository-like tree with one config, the fake trainer and its log."""
    root = tmp_path / "repo"
    (root / "harness" / "configs" / "cfg").mkdir(parents=True)
    (root / "harness" / "configs" / "cfg" / "fake.py").write_text(
        "data_root = 'data'\nmodel = dict(type='Fake', width=3)\n")
    script = tmp_path / "fake_train.py"
    script.write_text(FAKE_TRAIN)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    exp = experiment_from_dict({"name": "fake", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "ActionFormer", "features": "I3D",
         "real": "cfg/fake", "synthetic": "cfg/fake"},
        {"table": 1, "dataset": "THUMOS14", "method": "TALLFormer", "features": "Swin"},
        {"table": 1, "dataset": "THUMOS14", "method": "TriDet", "features": "I3D",
         "real": "tridet/not_written_yet"},
    ]})

    class Fake:
        pass

    f = Fake()
    f.root, f.log, f.exp, f.results = root, log, exp, tmp_path / "runs"
    f.command = (sys.executable, str(script))
    f.hash = cell_hash(exp.cells("real", repo_root=root)[0], root)
    monkeypatch.setenv("FAKE_HASH", f.hash)

    def plan(seeds="0-2", **kw):
        return plan_sweep(exp, scale="real", seeds=parse_seeds(seeds), results=f.results,
                          train_command=f.command, repo_root=root, **kw)

    def calls():
        return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []

    f.plan, f.calls = plan, calls
    return f


def test_parse_seeds():
    assert parse_seeds("0-4") == (0, 1, 2, 3, 4)
    assert parse_seeds("0,2,7-8") == (0, 2, 7, 8)
    from harness.errors import ConfigError

    with pytest.raises(ConfigError):
        parse_seeds("4-1")


def test_plan_lists_runs_and_cells_that_cannot_run(fake):
    plan = fake.plan()
    assert [r.job.seed for r in plan.runs] == [0, 1, 2]
    assert all(r.action == "start" and r.state == "fresh" for r in plan.runs)
    assert plan.runs[0].job.work_dir == str(fake.results.resolve() / "cfg" / "fake" / "seed0")
    reasons = sorted(why for _, why in plan.not_run)
    assert reasons == ["config not available yet", "paper only: method not implemented in the harness"]


def test_sweep_trains_each_run_once_then_skips_them(fake):
    plan = fake.plan()
    outcomes = run_local([r.job for r in plan.to_run], max_parallel=2)
    assert sorted(o.outcome for o in outcomes) == ["trained"] * 3
    assert len(fake.calls()) == 3
    again = fake.plan()
    assert not again.to_run and {r.state for r in again.runs} == {"done"}
    # executing a done job (e.g. planned before another sweep finished it) does nothing
    assert execute(again.runs[0].job).outcome == "done"
    assert len(fake.calls()) == 3


def test_threads_are_divided_and_options_passed(fake):
    plan = fake.plan("0", threads=3)
    run_local([r.job for r in plan.to_run])
    call = fake.calls()[0]
    assert call["threads"] == "3" and call["resume"] is False


def test_a_crash_leaves_a_failed_record_and_retry_runs_it_afresh(fake, monkeypatch):
    monkeypatch.setenv("FAKE_CRASH_SEEDS", "1")
    out = {o.key: o for o in run_local([r.job for r in fake.plan().to_run])}
    assert out["cfg/fake/seed1"].outcome == "failed"
    assert "fake training exploded" in out["cfg/fake/seed1"].message
    seed1 = fake.results / "cfg" / "fake" / "seed1"
    rec = RunRecord.read(seed1 / "record.json")
    assert rec.status == "failed" and "exploded" in rec.error and rec.config_hash == fake.hash
    # not retried by default
    plan = fake.plan()
    assert [r.state for r in plan.runs] == ["done", "failed", "done"] and not plan.to_run
    monkeypatch.delenv("FAKE_CRASH_SEEDS")
    retry = fake.plan(retry_failed=True)
    assert [r.action for r in retry.to_run] == ["retry"]
    assert run_local([r.job for r in retry.to_run])[0].outcome == "trained"
    assert fake.calls()[-1]["resume"] is False  # a retry starts afresh
    assert list(seed1.glob("record.failed-*.json"))  # the failed record is kept aside
    assert inspect_run(seed1, fake.hash).state == "done"


def test_nan_record_from_training_counts_as_failed(fake, monkeypatch):
    monkeypatch.setenv("FAKE_MODE", "nan")
    out = run_local([r.job for r in fake.plan("0").to_run])
    assert out[0].outcome == "failed" and "non-finite" in out[0].message


def test_partial_run_resumes_and_corrupt_record_is_kept_aside(fake):
    seed0 = fake.results / "cfg" / "fake" / "seed0"
    seed0.mkdir(parents=True)
    (seed0 / "epoch_1.pth").write_text("ckpt")  # a run killed after its first checkpoint
    seed1 = fake.results / "cfg" / "fake" / "seed1"
    seed1.mkdir(parents=True)
    (seed1 / "record.json").write_text('{"half": ')  # a foreign / corrupt record
    plan = fake.plan("0-1")
    assert [(r.state, r.action) for r in plan.runs] == [("partial", "resume"), ("corrupt", "start")]
    run_local([r.job for r in plan.to_run])
    calls = {c["seed"]: c for c in fake.calls()}
    assert calls[0]["resume"] is True and calls[1]["resume"] is False
    assert list(seed1.glob("record.corrupt-*.json"))
    assert inspect_run(seed0, fake.hash).state == inspect_run(seed1, fake.hash).state == "done"


def test_records_of_another_config_are_never_overwritten(fake):
    plan = fake.plan("0")
    run_local([r.job for r in plan.to_run])
    cfg = fake.root / "harness" / "configs" / "cfg" / "fake.py"
    cfg.write_text(cfg.read_text().replace("width=3", "width=4"))  # the config changed
    stale = fake.plan("0")
    assert stale.runs[0].state == "stale" and not stale.to_run
    assert execute(stale.runs[0].job).outcome == "stale"
    assert len(fake.calls()) == 1


def test_a_locked_run_is_reported_as_running_elsewhere(fake):
    job = fake.plan("0").runs[0].job
    Path(job.work_dir).mkdir(parents=True)
    fd = os.open(Path(job.work_dir) / LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        assert execute(job).outcome == "running-elsewhere"
    finally:
        os.close(fd)
    assert fake.calls() == []
    assert execute(job).outcome == "trained"


def test_concurrent_sweeps_never_train_a_run_twice(fake, monkeypatch):
    monkeypatch.setenv("FAKE_SLEEP", "0.3")
    plans = [fake.plan("0-3"), fake.plan("0-3")]
    results: list = [None, None]

    def sweep(i):
        results[i] = run_local([r.job for r in plans[i].to_run], max_parallel=2)

    threads = [threading.Thread(target=sweep, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    trained = [o.key for r in results for o in r if o.outcome == "trained"]
    assert sorted(trained) == [f"cfg/fake/seed{s}" for s in range(4)]  # each exactly once
    assert len(fake.calls()) == 4
    others = {o.outcome for r in results for o in r if o.outcome != "trained"}
    assert others <= {"done", "running-elsewhere"}
    for s in range(4):
        assert RunRecord.read(fake.results / "cfg" / "fake" / f"seed{s}" / "record.json").status == "ok"


def test_stop_interrupts_training_without_a_record(fake, monkeypatch):
    monkeypatch.setenv("FAKE_MODE", "hang")
    job = fake.plan("0").runs[0].job
    stop = threading.Event()
    timer = threading.Timer(1.5, stop.set)
    timer.start()
    outcome = execute(job, stop)
    assert outcome.outcome == "interrupted"
    state = inspect_run(Path(job.work_dir), fake.hash)
    assert state.state == "partial"  # no record; the next sweep resumes it
    assert find_checkpoint(Path(job.work_dir)).name == "epoch_1.pth"


def test_find_checkpoint_agrees_with_the_trainer_rule(tmp_path):
    from harness.checkpoint import find_resume_checkpoint

    for files, marker in [((), None), (("epoch_2.pth", "epoch_10.pth"), None),
                          (("epoch_2.pth", "epoch_10.pth"), "/elsewhere/epoch_2.pth"),
                          (("epoch_3.pth",), "/gone/epoch_9.pth")]:
        d = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
        d.mkdir()
        for name in files:
            (d / name).write_text("x")
        if marker:
            (d / "last_checkpoint").write_text(marker)
        assert find_checkpoint(d) == find_resume_checkpoint(d)


def test_sweep_cli_dry_run_writes_nothing(fake, capsys, tmp_path):
    from harness.cli import main

    exp_file = tmp_path / "exp.json"
    exp_file.write_text(json.dumps({"name": "fake", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "ActionFormer", "features": "I3D",
         "real": "tests/harness/tiny_config.py"}]}))
    assert main(["sweep", str(exp_file), "--scale", "real", "--seeds", "0-1", "--dry-run",
                 "--results", str(fake.results)]) == 0
    out = capsys.readouterr().out
    assert "sweep plan" in out and "harness/tiny_config" in out and "start" in out
    assert not fake.results.exists()  # nothing run or written


def test_submitit_local_executor_runs_the_jobs(fake):
    plan = fake.plan("0-1")
    options = SlurmOptions(folder=fake.results / ".submitit", cluster="local", time_min=5)
    seen = []
    outcomes = run_submitit([r.job for r in plan.to_run], options, on_outcome=seen.append,
                            poll_s=0.2)
    assert sorted(o.outcome for o in outcomes) == ["trained", "trained"] and len(seen) == 2
    assert not fake.plan("0-1").to_run
    assert SlurmOptions(folder=Path("x"), partition="gpu", gpus_per_run=2).parameters() == {
        "timeout_min": 240, "name": "tal-sweep", "gpus_per_node": 2, "cpus_per_task": 8,
        "slurm_array_parallelism": 32, "slurm_partition": "gpu"}


def test_a_folder_holding_another_seeds_record_is_not_done(fake):
    """One validity rule: sweep once skipped seed1 (holding seed 0's record) as done while
    aggregate rejected it, so that seed was never trained nor counted."""
    from harness.aggregate import Problems, collect_cell

    run_local([r.job for r in fake.plan("0").to_run])
    seed0 = fake.results / "cfg" / "fake" / "seed0"
    seed1 = fake.results / "cfg" / "fake" / "seed1"
    seed1.mkdir(parents=True)
    (seed1 / "record.json").write_text((seed0 / "record.json").read_text())
    problems = Problems()
    cell = fake.exp.cells("real", repo_root=fake.root)[0]
    collect_cell(cell, fake.results, problems, None, fake.root)
    assert "record of seed 0 in folder seed1" in " ".join(map(str, problems))
    plan = fake.plan("0-1")
    assert [(r.state, r.action) for r in plan.runs] == [("done", "skip"), ("corrupt", "start")]
    assert "record of seed 0 in folder seed1" in plan.runs[1].problem
    run_local([r.job for r in plan.to_run])
    assert RunRecord.read(seed1 / "record.json").seed == 1
    assert inspect_run(seed1, fake.hash).state == "done"
