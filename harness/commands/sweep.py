"""``python -m harness sweep EXPERIMENT``: train every (config, seed) of a declared experiment.

Run folders: ``<results>/<model>/<config>[__<stand-in>]/seed<k>/`` (default results folder
``results/runs/``, git-ignored). Loss-free and resumable: finished runs are skipped, runs
killed mid-way resume from their last checkpoint, failed runs keep a failed record and run
again only with ``--retry-failed``; concurrent sweeps on one folder never train the same run
twice (a lock per run). Exit status: 0 when every planned run has an ok record, 1 when some
failed (or hold a record of another config hash), 130 when interrupted. See ``harness/sweep/__init__.py``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness import defaults

NAME = "sweep"
HELP = "train every (config, seed) of an experiment (table1..table11, paper, or a JSON/YAML file)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="table1 ... table11, paper, or an experiment .json/.yaml file")
    p.add_argument("--scale", choices=["synthetic", "real"], default="synthetic",
                   help="synthetic stand-ins (default) or the paper's datasets under the data root")
    p.add_argument("--seeds", default=defaults.SEEDS,
                   help=f"seeds, e.g. 0-4 or 0,2,5 (default {defaults.SEEDS})")
    p.add_argument("--jobs", type=int, default=defaults.SWEEP_JOBS,
                   help=f"concurrent trainings (local executor; default {defaults.SWEEP_JOBS})")
    p.add_argument("--executor", choices=["local", "slurm"], default="local")
    p.add_argument("--data-root", default=None,
                   help="real: the datasets' root (default: $DATA_ROOT if set, else each "
                   "config's own); synthetic: parent of the generated datasets (default "
                   "results/data/synthetic)")
    p.add_argument("--results", default="results/runs",
                   help="results folder (default results/runs; results/runs-smoke with --schedule smoke)")
    p.add_argument("--schedule", choices=["official", "smoke"], default="official",
                   help="smoke: every config unchanged but one epoch of a few iterations, then the "
                   "real test (harness/schedule.py)")
    p.add_argument("--retry-failed", action="store_true", help="run failed runs again (afresh)")
    p.add_argument("--dry-run", action="store_true", help="print the plan and exit")
    p.add_argument("--only", default=None, metavar="REGEX",
                   help="only rows whose label or run name matches (e.g. 'ActionFormer')")
    p.add_argument("--threads", type=int, default=None,
                   help="CPU threads per training (default: CPU cores / --jobs)")
    p.add_argument("--gpus", default="", help="local executor: GPU ids handed out one per "
                   "concurrent training, e.g. 0,1")
    g = p.add_argument_group("slurm executor (submitit)")
    g.add_argument("--partition", default=None)
    g.add_argument("--time", type=int, default=240, help="minutes per run (default 240)")
    g.add_argument("--gpus-per-run", type=int, default=1)
    g.add_argument("--cpus-per-run", type=int, default=8)
    g.add_argument("--mem-gb", type=float, default=None)
    g.add_argument("--array-parallelism", type=int, default=32, help="runs at once (array %%N)")
    g.add_argument("--slurm-folder", default=None,
                   help="submitit logs and pickles (default <results>/.submitit)")
    g.add_argument("--cluster", choices=["slurm", "local", "debug"], default="slurm",
                   help=argparse.SUPPRESS)  # 'local': submitit's local executor (tests)


def run(args: argparse.Namespace) -> int:
    import os

    from rich.console import Console

    from harness.errors import ConfigError
    from harness.experiments import load_experiment
    from harness.sweep import SlurmOptions, default_threads, parse_seeds, plan_sweep, run_sweep
    from harness.sweep.plan import resolve_data_root
    from harness.sweep.report import print_plan, print_summary

    if args.jobs < 1:
        raise ConfigError("--jobs must be >= 1")
    experiment = load_experiment(args.experiment)
    data_root = resolve_data_root(args.data_root, args.scale)
    threads = args.threads or default_threads(args.jobs if args.executor == "local" else 1)
    from harness.schedule import banners, is_rehearsal_root, results_folder

    results = results_folder(args.results, "results/runs", args.schedule)
    plan = plan_sweep(
        experiment, scale=args.scale, seeds=parse_seeds(args.seeds), results=Path(results),
        data_root=data_root, retry_failed=args.retry_failed, threads=threads, only=args.only,
        schedule=args.schedule,
    )
    console = Console()
    for line in banners(args.schedule, is_rehearsal_root(data_root)):
        console.print(f"[bold yellow]{line}[/bold yellow]")
    if args.dry_run:
        print_plan(plan, console)
        return 0
    slurm = None
    if args.executor == "slurm":
        slurm = SlurmOptions(
            folder=Path(args.slurm_folder or Path(plan.results) / ".submitit"),
            cluster=args.cluster, partition=args.partition, time_min=args.time,
            gpus_per_run=args.gpus_per_run, cpus_per_run=args.cpus_per_run, mem_gb=args.mem_gb,
            array_parallelism=args.array_parallelism,
        )
    gpus = [g for g in args.gpus.split(",") if g.strip()]
    console.print(f"{len(plan.to_run)} of {len(plan.runs)} runs to train "
                  f"({args.executor}, {args.jobs if args.executor == 'local' else 'array'} "
                  f"at a time, {threads} threads each); results in {plan.results}")
    try:
        outcomes = run_sweep(plan, executor=args.executor, jobs=args.jobs, gpus=gpus,
                             slurm=slurm, console=Console(stderr=True),
                             progress=os.environ.get("HARNESS_NO_PROGRESS") != "1")
    except KeyboardInterrupt:
        console.print("interrupted: runs without a record resume when the sweep is run again")
        return 130
    print_summary(plan, outcomes, console)
    bad = {"failed", "skipped-failed", "stale", "interrupted"}
    seen = {o.key for o in outcomes}
    failed = [o for o in outcomes if o.outcome in bad] + [
        r for r in plan.runs if r.job.key not in seen and r.state in ("failed", "stale")]
    return 1 if failed else 0
