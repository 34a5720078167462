"""Executors: run the jobs of a plan in local processes or as Slurm jobs (submitit).

Both call :func:`harness.sweep.worker.execute` per job and report each
:class:`~harness.sweep.worker.RunOutcome` through ``on_outcome`` as soon as it is known.

- :func:`run_local`: ``jobs`` trainings at a time (threads, each waiting on its ``train``
  subprocess), CPU threads divided between them by the plan, optional GPUs handed out one per
  concurrent run (``CUDA_VISIBLE_DEVICES``). Ctrl-C or SIGTERM stops the trainings (no
  records: the next sweep resumes them) and re-raises ``KeyboardInterrupt``.
- :func:`run_submitit`: one array job per sweep through ``submitit.AutoExecutor``
  (``cluster='slurm'``; ``'local'`` runs the same code path on this machine, which is how it is
  tested). Jobs are requeued on preemption/timeout and resume from their checkpoint.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

from harness.sweep.worker import RunJob, RunOutcome, execute

OutcomeCallback = Callable[[RunOutcome], None]


class _SigtermAsInterrupt:
    """Turn SIGTERM into KeyboardInterrupt in the main thread while active."""

    def __enter__(self):
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._handler)
        return self

    @staticmethod
    def _handler(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
        return False


def run_local(
    jobs: Sequence[RunJob],
    *,
    max_parallel: int = 1,
    gpus: Sequence[str] = (),
    on_outcome: OutcomeCallback | None = None,
    on_start: Callable[[RunJob], None] | None = None,
) -> list[RunOutcome]:
    """Run ``jobs``, ``max_parallel`` at a time.

    Args:
        jobs: the runs.
        max_parallel: concurrent trainings.
        gpus: device ids handed out one per concurrent training (``CUDA_VISIBLE_DEVICES``);
            empty: the environment is left alone.
        on_outcome: called (in the main thread) with every outcome.
        on_start: called (in a worker thread) when a job starts.

    Returns:
        The outcomes in completion order.

    Raises:
        KeyboardInterrupt: after stopping the trainings on Ctrl-C or SIGTERM.
    """
    stop = threading.Event()
    devices: queue.Queue[str] = queue.Queue()
    for g in gpus:
        devices.put(str(g))
    slots = max(1, min(max_parallel, len(gpus))) if gpus else max(1, max_parallel)

    def task(job: RunJob) -> RunOutcome:
        if stop.is_set():
            return RunOutcome(job.key, "interrupted", "not started")
        device = devices.get() if gpus else None
        try:
            if device is not None:
                job = replace(job, env=(*job.env, ("CUDA_VISIBLE_DEVICES", device)))
            if on_start is not None:
                on_start(job)
            return execute(job, stop)
        except Exception as exc:  # noqa: BLE001 - a broken run must not end the sweep
            return RunOutcome(job.key, "failed", f"sweep error: {type(exc).__name__}: {exc}")
        finally:
            if device is not None:
                devices.put(device)

    outcomes: list[RunOutcome] = []
    pool = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="sweep")
    pending: set[Future] = {pool.submit(task, job) for job in jobs}
    try:
        with _SigtermAsInterrupt():
            while pending:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for fut in done:
                    outcomes.append(fut.result())
                    if on_outcome is not None:
                        on_outcome(outcomes[-1])
    except BaseException:
        stop.set()
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return outcomes


class SubmititTask:
    """The callable submitted to Slurm: runs one job; requeued on preemption or timeout."""

    def __call__(self, job: RunJob) -> RunOutcome:
        return execute(job)

    def checkpoint(self, job: RunJob):  # submitit's preemption/timeout hook
        import submitit

        return submitit.helpers.DelayedSubmission(self, job)


@dataclass(frozen=True)
class SlurmOptions:
    """Slurm parameters of a sweep (submitit ``AutoExecutor``).

    Attributes:
        folder: submitit's folder (scripts, pickles, job logs).
        cluster: ``slurm`` (default), or ``local`` / ``debug`` (submitit's local executors).
        partition: Slurm partition; time_min: time limit per run in minutes;
        gpus_per_run, cpus_per_run, mem_gb: resources of each run;
        array_parallelism: at most this many runs at once (``--array=...%N``);
        extra: additional sbatch parameters (``slurm_additional_parameters``).
    """

    folder: Path
    cluster: str = "slurm"
    partition: str | None = None
    time_min: int = 240
    gpus_per_run: int = 1
    cpus_per_run: int = 8
    mem_gb: float | None = None
    array_parallelism: int = 32
    extra: tuple[tuple[str, str], ...] = ()

    def parameters(self) -> dict:
        params: dict = dict(timeout_min=self.time_min, name="tal-sweep")
        if self.cluster == "slurm":
            params.update(gpus_per_node=self.gpus_per_run, cpus_per_task=self.cpus_per_run,
                          slurm_array_parallelism=self.array_parallelism)
            if self.partition:
                params["slurm_partition"] = self.partition
            if self.mem_gb is not None:
                params["mem_gb"] = self.mem_gb
            if self.extra:
                params["slurm_additional_parameters"] = dict(self.extra)
        return params


def run_submitit(
    jobs: Sequence[RunJob],
    options: SlurmOptions,
    *,
    on_outcome: OutcomeCallback | None = None,
    poll_s: float = 1.0,
) -> list[RunOutcome]:
    """Submit ``jobs`` as one array and collect the outcomes as jobs finish.

    On Ctrl-C the submitted Slurm jobs keep running (their records land in the results
    folder; a later sweep skips them); jobs of the local test clusters are cancelled.
    """
    import submitit

    executor = submitit.AutoExecutor(folder=str(options.folder), cluster=options.cluster)
    executor.update_parameters(**options.parameters())
    threads = options.cpus_per_run if options.cluster == "slurm" else None
    prepared = [replace(j, threads=threads or j.threads) for j in jobs]
    submitted = executor.map_array(SubmititTask(), prepared) if prepared else []
    outcomes: list[RunOutcome] = []
    waiting = dict(zip(range(len(submitted)), submitted))
    try:
        while waiting:
            for i, sjob in list(waiting.items()):
                if not sjob.done():
                    continue
                del waiting[i]
                try:
                    outcome = sjob.result()
                except Exception as exc:  # noqa: BLE001 - the job itself died
                    outcome = RunOutcome(prepared[i].key, "interrupted",
                                         f"job {sjob.job_id} ended without a result ({type(exc).__name__})")
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
            if waiting:
                time.sleep(poll_s)
    except KeyboardInterrupt:
        if options.cluster != "slurm":
            for sjob in waiting.values():
                sjob.cancel(check=False)
        raise
    return outcomes
