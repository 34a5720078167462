"""From an experiment, a scale and seeds to the list of runs a sweep executes.

Every runnable cell gives one run per seed in ``<results>/<run_name>/seed<k>/``; cells that
share a run folder (the full-model rows of the ablation tables and Table 1) are run once.
Cells that cannot run are kept with the reason: reported-only rows, configs not available
yet, configs that do not load. The state of each run folder is inspected here for the plan
(dry run, progress total); :func:`harness.sweep.worker.execute` inspects it again under the
run's lock before acting.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError, HarnessError
from harness.experiments.schema import Cell, Experiment
from harness.io import contained
from harness.manifest import REPO_ROOT
from harness.sweep.state import inspect_run
from harness.sweep.worker import RunJob

ACTIONS = {"done": "skip", "stale": "skip", "failed": "skip", "corrupt": "start",
           "partial": "resume", "fresh": "start"}


@dataclass(frozen=True)
class PlannedRun:
    """One run of the plan: the job, the rows it fills, its folder state and what happens."""

    job: RunJob
    rows: tuple[str, ...]
    state: str
    action: str
    problem: str = ""


@dataclass(frozen=True)
class SweepPlan:
    """The runs of a sweep and the cells it cannot run (with the reason)."""

    experiment: str
    scale: str
    results: Path
    seeds: tuple[int, ...]
    runs: tuple[PlannedRun, ...]
    not_run: tuple[tuple[Cell, str], ...]

    @property
    def to_run(self) -> tuple[PlannedRun, ...]:
        return tuple(r for r in self.runs if r.action != "skip")


def parse_seeds(text: str) -> tuple[int, ...]:
    """``0-4`` -> (0, 1, 2, 3, 4); ``0,2,7-8`` -> (0, 2, 7, 8)."""
    seeds: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m or (m.group(2) is not None and int(m.group(2)) < int(m.group(1))):
            raise ConfigError(f"--seeds: cannot parse {text!r} (use e.g. 0-4 or 0,2,5)")
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) is not None else lo
        seeds.extend(range(lo, hi + 1))
    return tuple(dict.fromkeys(seeds))


def cell_hash(cell: Cell, repo_root: Path = REPO_ROOT) -> str:
    """The experiment hash the cell's runs get (``harness.runner.experiment_hash``).

    Raises:
        HarnessError: the config does not load with the cell's overrides and data root.
    """
    from harness.runner import experiment_hash, load_config, parse_cfg_options

    overrides = parse_cfg_options(cell.cfg_options())
    cfg = load_config(repo_root / str(cell.config), overrides, cell.data_root)
    return experiment_hash(cfg)


def _selected(cell: Cell, only: re.Pattern | None) -> bool:
    if only is None:
        return True
    return bool(only.search(cell.row.label) or (cell.run_name and only.search(cell.run_name)))


def _pattern(only: str | None) -> re.Pattern | None:
    if not only:
        return None
    try:
        return re.compile(only)
    except re.error as exc:
        raise ConfigError(f"--only: bad regular expression {only!r} ({exc})") from None


def plan_sweep(
    experiment: Experiment,
    *,
    scale: str,
    seeds: Sequence[int],
    results: Path,
    data_root: str | None = None,
    retry_failed: bool = False,
    threads: int | None = None,
    only: str | None = None,
    train_command: tuple[str, ...] | None = None,
    repo_root: Path = REPO_ROOT,
    schedule: str = "official",
) -> SweepPlan:
    """The plan of ``python -m harness sweep`` (nothing is run or written).

    Args:
        experiment: the declared experiment.
        scale: ``synthetic`` or ``real``.
        seeds: training seeds.
        results: results folder (run folders ``<results>/<run_name>/seed<k>``).
        data_root: see :meth:`Experiment.cells`.
        retry_failed: failed runs are run again.
        threads: CPU threads per training process.
        only: regular expression; only cells whose row label or run name matches.
        train_command: argv prefix replacing ``python -m harness train`` (tests).
        repo_root: where configs are found and trainings run.
        schedule: ``official`` or ``smoke`` (harness/schedule.py).

    Returns:
        The :class:`SweepPlan`.
    """
    results = Path(results).resolve()
    pattern = _pattern(only)
    runs: dict[str, PlannedRun] = {}
    not_run: list[tuple[Cell, str]] = []
    from harness.schedule import with_schedule

    for cell in experiment.cells(scale, data_root=data_root, repo_root=repo_root):
        cell = with_schedule(cell, schedule)
        if not _selected(cell, pattern):
            continue
        if cell.kind != "run":
            not_run.append((cell, cell.note or cell.kind))
            continue
        try:
            expected = cell_hash(cell, repo_root)
        except HarnessError as exc:
            not_run.append((cell, f"config does not load: {exc}"))
            continue
        for seed in seeds:
            work_dir = contained(results / str(cell.run_name) / f"seed{seed}", results, "run folder")
            key = str(work_dir)
            if key in runs:
                prev = runs[key]
                runs[key] = PlannedRun(prev.job, (*prev.rows, cell.row.label), prev.state,
                                       prev.action, prev.problem)
                continue
            job = RunJob(
                config=str(cell.config), seed=int(seed), work_dir=key, run_name=str(cell.run_name),
                data_root=cell.data_root, cfg_options=tuple(cell.cfg_options()),
                expected_hash=expected, retry_failed=retry_failed, threads=threads,
                cwd=str(repo_root),
                **({"train_command": tuple(train_command)} if train_command else {}),
            )
            state = inspect_run(work_dir, expected)
            action = ACTIONS[state.state]
            if state.state == "failed" and retry_failed:
                action = "retry"
            runs[key] = PlannedRun(job, (cell.row.label,), state.state, action, state.problem)
    return SweepPlan(experiment.name, scale, results, tuple(seeds), tuple(runs.values()),
                     tuple(not_run))


def default_threads(jobs: int) -> int:
    """CPU threads per training when ``jobs`` trainings share this machine."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus // max(1, jobs))


def resolve_data_root(data_root: str | None, scale: str) -> str | None:
    """The ``--data-root`` of a sweep or aggregation: at real scale ``$DATA_ROOT`` when not
    given; a relative path is made absolute when the command does not run from the repository
    root (trainings always do). The string is part of the config hash, so sweep and aggregate
    must be given the same one."""
    if data_root is None and scale == "real":
        data_root = os.environ.get("DATA_ROOT") or None
    if data_root is not None and not Path(data_root).is_absolute() and Path.cwd() != REPO_ROOT:
        data_root = str(Path(data_root).resolve())
    return data_root
