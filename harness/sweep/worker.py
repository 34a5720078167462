"""One run of a sweep: lock its folder, decide (skip / resume / start), train, leave a record.

:func:`execute` is what every executor runs — in a thread of the local executor or inside a
Slurm job (submitit). It never trains a run twice and never loses one:

1. ``fcntl.flock`` (non-blocking) on ``<work_dir>/.sweep.lock``; a held lock means the run is
   trained by another sweep: skipped and reported. The lock file descriptor is inherited by the
   ``train`` process, so an orphaned training keeps its run locked even if the sweep dies.
2. The folder is inspected *after* locking: an ok record → skipped; a failed record → skipped
   unless ``retry_failed`` (the record is kept as ``record.failed-<time>.json`` and the run
   starts afresh); an unreadable ``record.json`` is kept as ``record.corrupt-<time>.json``; a
   checkpoint without a record (a sweep killed mid-run) → ``train --resume``; otherwise
   ``train --overwrite`` (clears a partial folder without checkpoints).
3. ``python -m harness train`` runs as a subprocess (log appended to ``train.log``). It writes
   ``record.json`` atomically, also for a NaN loss (status failed). If it exits with an error
   and no record, the worker writes a failed record with the error. A run killed by a signal
   (Ctrl-C, SIGKILL, a lost node) gets no record and is simply run (resumed) next time.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from harness.manifest import REPO_ROOT
from harness.sweep.state import LOCK, LOG, RECORD, inspect_run

INTERRUPT_CODES = (130, -signal.SIGINT, -signal.SIGTERM, -signal.SIGKILL)
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")
OUTCOMES = ("trained", "done", "stale", "skipped-failed", "running-elsewhere", "failed", "interrupted")


@dataclass(frozen=True)
class RunJob:
    """Everything needed to run one (config, seed) — picklable for Slurm jobs.

    Attributes:
        config: leaf config path (relative to ``cwd``).
        seed: training seed.
        work_dir: absolute run folder.
        run_name: ``<model>/<stem>[__<tag>]`` (display and grouping).
        data_root: ``train --data-root`` (None: the config's own).
        cfg_options: ``train --cfg-options`` items.
        expected_hash: config hash the record must carry to count as done (None: not checked).
        retry_failed: re-run a run whose record says failed.
        threads: CPU threads of the training process (OMP/MKL/OpenBLAS), None: unchanged.
        train_command: argv prefix that trains (default ``python -m harness train``).
        cwd: working directory of the training process (the repository root).
        env: extra environment variables, e.g. ``CUDA_VISIBLE_DEVICES``.
    """

    config: str
    seed: int
    work_dir: str
    run_name: str
    data_root: str | None = None
    cfg_options: tuple[str, ...] = ()
    expected_hash: str | None = None
    retry_failed: bool = False
    threads: int | None = None
    train_command: tuple[str, ...] = (sys.executable, "-m", "harness", "train")
    cwd: str = str(REPO_ROOT)
    env: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return f"{self.run_name}/seed{self.seed}"

    def argv(self, mode: str) -> list[str]:
        """The training command; ``mode`` is ``resume`` or ``fresh``."""
        argv = [*self.train_command, self.config, "--seed", str(self.seed), "--work-dir", self.work_dir]
        if self.data_root is not None:
            argv += ["--data-root", self.data_root]
        if self.cfg_options:
            argv += ["--cfg-options", *self.cfg_options]
        return argv + (["--resume"] if mode == "resume" else ["--overwrite"])


@dataclass(frozen=True)
class RunOutcome:
    """What happened to one job.

    Attributes:
        key: ``<run_name>/seed<k>``; outcome: one of :data:`OUTCOMES`; message: details
        (the error of a failed run); wall_s: seconds spent training (0 when skipped);
        resumed: the run continued from a checkpoint.
    """

    key: str
    outcome: str
    message: str = ""
    wall_s: float = 0.0
    resumed: bool = False


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")


def _keep_aside(work_dir: Path, what: str) -> Path:
    """Rename ``record.json`` to ``record.<what>-<time>.json`` (kept, never deleted)."""
    target = work_dir / f"record.{what}-{_stamp()}.json"
    os.replace(work_dir / RECORD, target)
    return target


def _lock(work_dir: Path) -> int | None:
    """A non-blocking exclusive lock on the run folder: the fd, or None when held elsewhere."""
    work_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(work_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()} {_stamp()}\n".encode())
    return fd


def _environment(job: RunJob) -> dict[str, str]:
    env = dict(os.environ)
    if job.threads is not None:
        for var in THREAD_VARS:
            env[var] = str(job.threads)
    env.update(dict(job.env))
    return env


def _log_tail(path: Path, lines: int = 40) -> list[str]:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - 16384))
            text = f.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return [ln for ln in text.splitlines() if ln.strip()][-lines:]


def error_from_log(path: Path) -> str:
    """The most telling line of a failed training's log (``error: ...`` or the exception)."""
    tail = _log_tail(path)
    for line in reversed(tail):
        if line.startswith("error:"):
            return line[len("error:"):].strip()
    for line in reversed(tail):
        head = line.split(":", 1)[0]
        if head.endswith(("Error", "Exception", "Interrupt")) and " " not in head:
            return line.strip()
    return tail[-1].strip() if tail else "no output"


def _train(job: RunJob, mode: str, fd: int, stop: threading.Event | None) -> tuple[int, float]:
    """Run the training subprocess; returns (exit code, seconds). Stops it when ``stop`` is set."""
    log = Path(job.work_dir) / LOG
    argv = job.argv(mode)
    started = time.time()
    with open(log, "ab") as out:
        out.write(f"\n=== {_stamp()} sweep: {' '.join(argv)}\n".encode())
        out.flush()
        proc = subprocess.Popen(argv, cwd=job.cwd, env=_environment(job), stdout=out,
                                stderr=subprocess.STDOUT, pass_fds=(fd,))
        while True:
            try:
                code = proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if stop is not None and stop.is_set():
                    proc.send_signal(signal.SIGINT)
                    try:
                        code = proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        code = proc.wait()
                    break
    return code, time.time() - started


def execute(job: RunJob, stop: threading.Event | None = None) -> RunOutcome:
    """Run ``job`` unless it is done, failed (without retry) or running elsewhere.

    Args:
        job: the run.
        stop: when set, the training is interrupted (SIGINT) and no record is written.

    Returns:
        The :class:`RunOutcome`.
    """
    work_dir = Path(job.work_dir)
    fd = _lock(work_dir)
    if fd is None:
        return RunOutcome(job.key, "running-elsewhere", "locked by another sweep")
    try:
        return _execute_locked(job, work_dir, fd, stop)
    finally:
        os.close(fd)  # releases the lock (the training process has exited)


def _execute_locked(job: RunJob, work_dir: Path, fd: int, stop: threading.Event | None) -> RunOutcome:
    state = inspect_run(work_dir, job.expected_hash)
    if state.state == "done":
        return RunOutcome(job.key, "done", "record exists")
    if state.state == "stale":
        return RunOutcome(job.key, "stale", state.problem + "; move the run folder away to re-run")
    if state.state == "failed":
        if not job.retry_failed:
            return RunOutcome(job.key, "skipped-failed", state.problem)
        _keep_aside(work_dir, "failed")
    if state.state == "corrupt":
        _keep_aside(work_dir, "corrupt")
    if stop is not None and stop.is_set():
        return RunOutcome(job.key, "interrupted", "not started")
    resume = state.state in ("partial", "corrupt") and state.checkpoint is not None
    code, wall = _train(job, "resume" if resume else "fresh", fd, stop)
    after = inspect_run(work_dir, None)
    if after.state == "done":
        return RunOutcome(job.key, "trained", "", wall, resume)
    if after.state == "failed":
        return RunOutcome(job.key, "failed", after.problem, wall, resume)
    if code in INTERRUPT_CODES or code < 0 or (stop is not None and stop.is_set()):
        return RunOutcome(job.key, "interrupted", f"training stopped (exit {code}); no record",
                          wall, resume)
    error = error_from_log(work_dir / LOG)
    if resume and "checkpoint" in error.lower():
        # an unreadable last checkpoint (killed while saving): start afresh once
        code, more = _train(job, "fresh", fd, stop)
        wall += more
        after = inspect_run(work_dir, None)
        if after.state in ("done", "failed"):
            outcome = "trained" if after.state == "done" else "failed"
            return RunOutcome(job.key, outcome, after.problem, wall, False)
        error = error_from_log(work_dir / LOG)
    write_failed_record(job, f"exit {code}: {error}", wall)
    return RunOutcome(job.key, "failed", f"exit {code}: {error}", wall, resume)


def write_failed_record(job: RunJob, error: str, wall_s: float) -> Path:
    """A ``record.json`` with status failed for a training that died without writing one."""
    from harness.manifest import RunManifest, collect_manifest
    from harness.records import RunRecord
    from harness.runner import config_identity

    model, stem = config_identity(job.config)
    config_hash, dataset, features, subset = job.expected_hash or "unknown", "unknown", "", None
    try:
        from harness.records import describe_data
        from harness.runner import load_config, parse_cfg_options

        cwd = Path(job.cwd)
        cfg = load_config(cwd / job.config, parse_cfg_options(list(job.cfg_options)), job.data_root)
        dataset, features, subset = describe_data(cfg)
    except Exception:  # the failure may be the config itself  # noqa: BLE001
        pass
    try:
        manifest = collect_manifest(config_hash=config_hash, seed=job.seed)
        manifest = replace(manifest, command=tuple(job.argv("fresh")[:-1]))
    except Exception:  # noqa: BLE001
        manifest = RunManifest(git_sha=None, git_dirty=None, config_hash=config_hash, seed=job.seed)
    record = RunRecord(
        model=model, config_name=f"{model}/{stem}", config_path=job.config,
        config_hash=config_hash, seed=job.seed, dataset=dataset, feature_set=features,
        test_split=subset, status="failed", error=error[:2000], manifest=manifest,
        wall_time_s=round(wall_s, 3), created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    return record.write(Path(job.work_dir) / RECORD)
