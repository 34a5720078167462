"""Run a drift benchmark: generate (or verify) its data, train every (method, seed) afresh, read
the records.

Each run is ``python -m harness train`` in a subprocess (the sweep's local executor), on the
CPU (``CUDA_VISIBLE_DEVICES=''``) with ``benchmark.threads`` threads, in
``<work_root>/<method>/seed<k>/`` which is emptied first: a check never reuses an old result.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.drift.benchmark import DriftBenchmark, cfg_options
from harness.errors import DataError
from harness.manifest import REPO_ROOT
from harness.records import RunRecord

DEFAULT_WORK_ROOT = Path("results") / "runs" / "drift"
DEFAULT_DATA_ROOT = Path("results") / "data" / "drift"


@dataclass(frozen=True)
class SeedRun:
    """One finished (or failed) run of the benchmark.

    Attributes:
        method, seed: which run.
        metrics: metric name (``mAP@0.30`` ..., ``average_mAP``) → value (fraction); empty
            when the run failed.
        error: why the run failed (None when it finished).
        wall_s: seconds the training command took.
        record: the run's record (None when none was written).
    """

    method: str
    seed: int
    metrics: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    wall_s: float = 0.0
    record: RunRecord | None = None


@dataclass(frozen=True)
class BenchmarkRun:
    """Everything a check or an update needs from one execution of the benchmark.

    Attributes:
        benchmark: the (selected) benchmark that ran.
        runs: one per (method, seed), in definition order.
        config_hashes: method → experiment hash of the leaf with the benchmark overrides.
        data_fingerprint: SHA-256 over the dataset's file hashes.
        wall_s: seconds for the whole benchmark.
    """

    benchmark: DriftBenchmark
    runs: tuple[SeedRun, ...]
    config_hashes: dict[str, str]
    data_fingerprint: str
    wall_s: float

    def failed(self) -> list[SeedRun]:
        return [r for r in self.runs if r.error is not None]

    def manifest(self):
        """The provenance of the first finished run (all runs share machine and libraries)."""
        for r in self.runs:
            if r.record is not None and r.error is None:
                return r.record.manifest
        return None


def metric_name(tiou: float) -> str:
    """``mAP@0.30`` for 0.3 (and for np.linspace's 0.30000000000000004)."""
    return f"mAP@{tiou:.2f}"


def record_metrics(record: RunRecord) -> dict[str, float]:
    """Per-threshold mAPs then ``average_mAP`` (fractions) of a record."""
    out = {metric_name(t): float(v) for t, v in zip(record.tiou, record.mAP)}
    if record.average_mAP is not None:
        out["average_mAP"] = float(record.average_mAP)
    return out


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fingerprint(manifest: dict) -> str:
    files = sorted((rel, info["sha256"]) for rel, info in (manifest.get("files") or {}).items())
    return hashlib.sha256(json.dumps(files).encode("utf-8")).hexdigest()


def prepare_data(bench: DriftBenchmark, data_dir: Path) -> str:
    """Generate the benchmark's dataset into ``data_dir`` or verify the copy there byte by byte
    (a damaged copy is regenerated); returns the data fingerprint."""
    from datasets.synthetic.generator import SyntheticSpec, write_dataset

    spec = SyntheticSpec(preset=bench.preset, quality=bench.quality, seed=bench.data_seed,
                         num_train=bench.num_train, num_test=bench.num_test)
    _, manifest = write_dataset(spec, data_dir, force=False)
    bad = [rel for rel, info in manifest["files"].items()
           if _file_sha256(data_dir / rel) != info["sha256"]]
    if bad:  # write_dataset only checks presence and sizes: start the folder afresh
        shutil.rmtree(data_dir)
        _, manifest = write_dataset(spec, data_dir, force=False)
        if any(_file_sha256(data_dir / rel) != info["sha256"] for rel, info in manifest["files"].items()):
            raise DataError(f"{data_dir}: regenerated data does not match its own manifest")
    return _fingerprint(manifest)


def _jobs(bench: DriftBenchmark, work_root: Path, data_dir: Path, repo_root: Path):
    from harness.sweep.worker import RunJob

    jobs = []
    for method, config in bench.methods:
        for seed in bench.seeds:
            work = (work_root / method / f"seed{seed}").resolve()
            if work.exists():
                shutil.rmtree(work)
            jobs.append(RunJob(
                config=config, seed=seed, work_dir=str(work), run_name=f"drift/{method}",
                data_root=str(data_dir.resolve()), cfg_options=cfg_options(bench),
                threads=bench.threads, train_command=(sys.executable, "-m", "harness", "train"),
                cwd=str(repo_root), env=(("CUDA_VISIBLE_DEVICES", ""),),
            ))
    return jobs


def _seed_run(method: str, seed: int, work: Path, outcome) -> SeedRun:
    from harness.sweep.state import RECORD, read_record

    record, why = read_record(work / RECORD) if (work / RECORD).is_file() else (None, "no record.json")
    wall = outcome.wall_s if outcome is not None else 0.0
    if record is None:
        msg = outcome.message if outcome is not None and outcome.message else why
        return SeedRun(method, seed, error=f"{msg} (log: {work / 'train.log'})", wall_s=wall)
    if record.status != "ok" or not record.mAP:
        return SeedRun(method, seed, error=f"{record.error or 'no result'} (log: {work / 'train.log'})",
                       wall_s=wall, record=record)
    return SeedRun(method, seed, metrics=record_metrics(record), wall_s=wall, record=record)


def run_benchmark(
    bench: DriftBenchmark,
    *,
    config_hashes: dict[str, str],
    work_root: Path = DEFAULT_WORK_ROOT,
    data_root: Path = DEFAULT_DATA_ROOT,
    jobs: int = 2,
    repo_root: Path = REPO_ROOT,
    on_done: Callable[[SeedRun], None] | None = None,
) -> BenchmarkRun:
    """Train every (method, seed) of ``bench`` from scratch and collect the results.

    Args:
        bench: the benchmark (already restricted to the methods/seeds to run).
        config_hashes: method → hash, from :func:`harness.drift.benchmark.check_configs`.
        work_root: run folders ``<work_root>/<method>/seed<k>/`` (emptied first).
        data_root: parent of the dataset folder (``<data_root>/<bench.data_dir_name()>``).
        jobs: trainings at a time.
        repo_root: where the trainings run (their working directory).
        on_done: called with each run as it finishes.

    Returns:
        The :class:`BenchmarkRun`.
    """
    from harness.sweep.executors import run_local

    started = time.time()
    fingerprint = prepare_data(bench, Path(data_root) / bench.data_dir_name())
    job_list = _jobs(bench, Path(work_root), Path(data_root) / bench.data_dir_name(), repo_root)
    by_key = {j.key: j for j in job_list}
    done: dict[str, SeedRun] = {}

    def collect(outcome) -> None:
        job = by_key[outcome.key]
        run = _seed_run(job.run_name.split("/", 1)[1], job.seed, Path(job.work_dir), outcome)
        done[outcome.key] = run
        if on_done is not None:
            on_done(run)

    run_local(job_list, max_parallel=max(1, jobs), on_outcome=collect)
    runs = tuple(done.get(j.key) or _seed_run(j.run_name.split("/", 1)[1], j.seed, Path(j.work_dir), None)
                 for j in job_list)
    return BenchmarkRun(bench, runs, dict(config_hashes), fingerprint, time.time() - started)
