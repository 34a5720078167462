"""Fault-tolerant seed sweeps over a declared experiment (``python -m harness sweep``).

- :mod:`harness.sweep.plan`: experiment × scale × seeds → runs (one folder per (config, seed)).
- :mod:`harness.sweep.worker`: one run under a per-run file lock: skip, resume or train, and
  always a record for a run that failed.
- :mod:`harness.sweep.executors`: local processes or Slurm jobs (submitit).
- :mod:`harness.sweep.state`: what a run folder holds (shared with aggregation).
- :mod:`harness.sweep.report`: plan, progress bar and summary.

Guarantees: a run with a valid record is never run again; a sweep killed at any moment
continues where it stopped when run again (runs with a checkpoint resume through
``train --resume``); records are written atomically and only by the training or, for a
training that died with an error, by the worker under the run's lock; two sweeps on one
results folder never train the same run at the same time.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.sweep.executors import SlurmOptions, run_local, run_submitit
from harness.sweep.plan import PlannedRun, SweepPlan, default_threads, parse_seeds, plan_sweep
from harness.sweep.worker import RunJob, RunOutcome, execute

__all__ = [
    "PlannedRun",
    "RunJob",
    "RunOutcome",
    "SlurmOptions",
    "SweepPlan",
    "default_threads",
    "execute",
    "parse_seeds",
    "plan_sweep",
    "run_local",
    "run_submitit",
    "run_sweep",
]


def run_sweep(
    plan: SweepPlan,
    *,
    executor: str = "local",
    jobs: int = 1,
    gpus: Sequence[str] = (),
    slurm: SlurmOptions | None = None,
    console=None,
    progress: bool = True,
) -> list[RunOutcome]:
    """Execute the runs of ``plan`` that need work; returns their outcomes.

    Raises:
        KeyboardInterrupt: the sweep was interrupted (trainings stopped, no partial records).
    """
    from harness.sweep.report import SweepProgress

    todo = [r.job for r in plan.to_run]
    bar = SweepProgress(len(todo), console=console, label=f"{plan.experiment} ({plan.scale})")
    on_outcome = bar.update if progress else None
    if progress:
        bar.__enter__()
    try:
        if executor == "local":
            return run_local(todo, max_parallel=jobs, gpus=gpus, on_outcome=on_outcome)
        if executor == "slurm":
            if slurm is None:
                raise ValueError("the slurm executor needs SlurmOptions")
            return run_submitit(todo, slurm, on_outcome=on_outcome)
        raise ValueError(f"unknown executor {executor!r}")
    finally:
        if progress:
            bar.__exit__(None, None, None)
