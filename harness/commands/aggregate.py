"""``python -m harness aggregate EXPERIMENT``: run records -> tidy tables with statistics.

Reads ``<results>/<run_name>/seed<k>/record.json`` of every cell, skips (and reports) anything
that is not a finished run of the cell's current config, and writes ``runs.csv``,
``summary.csv``, ``comparisons.csv``, ``problems.csv`` and ``meta.json`` atomically to
``<out>/<experiment>-<scale>/`` (default out ``results/tables``). See :mod:`harness.aggregate`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness import defaults

NAME = "aggregate"
HELP = "summarise an experiment's runs: mean ± std, t-intervals, bootstrap CIs, paper deltas"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="table1 ... table11, paper, or an experiment .json/.yaml file")
    p.add_argument("--scale", choices=["synthetic", "real"], default="synthetic")
    p.add_argument("--results", default="results/runs", help="results folder (default results/runs)")
    p.add_argument("--schedule", choices=["official", "smoke"], default="official",
                   help="the records of sweep --schedule smoke (default folders results/runs-smoke, "
                   "results/tables-smoke)")
    p.add_argument("--out", default="results/tables", help="tables folder (default results/tables)")
    p.add_argument("--data-root", default=None, help="as given to the sweep (it is part of the "
                   "config hash; real scale default: $DATA_ROOT if set)")
    p.add_argument("--seeds", default=None, help="only these seeds (default: every seed found)")
    p.add_argument("--bootstrap", type=int, default=defaults.BOOTSTRAP_SAMPLES, metavar="B",
                   help=f"video-level bootstrap replicates (default {defaults.BOOTSTRAP_SAMPLES}; "
                   "0 disables; 1000 or more for a paper)")
    p.add_argument("--bootstrap-seed", type=int, default=0, help="seed of every resample (default 0)")
    p.add_argument("--confidence", type=float, default=0.95)


def _print(result, console) -> None:
    from rich.table import Table

    s = result.summary
    s = s[s["metric"] == "avg"]
    table = Table(title=f"{result.meta['experiment']} ({result.meta['scale']} scale): average mAP")
    for col in ("row", "n", "mean ± std", "95% CI", "paper", "Δ", "verdict"):
        table.add_column(col)
    for r in s.itertuples():
        label = f"T{r.table} {r.method} / {r.features}" + (f" {r.task}" if r.task else "") + (
            f" {r.variant}" if r.variant else "")
        stat = "" if r.n == 0 else f"{r.mean:.2f} ± {r.std:.2f}" if r.n > 1 else f"{r.mean:.2f}"
        ci = f"[{r.ci_low:.2f}, {r.ci_high:.2f}]" if r.n > 1 else ""
        paper = "" if r.paper != r.paper else f"{r.paper:.1f}"
        delta = "" if r.delta != r.delta else f"{r.delta:+.2f}"
        table.add_row(label, str(r.n) if r.kind != "reported-only" else "paper only", stat, ci,
                      paper, delta, r.verdict)
    console.print(table)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.aggregate import AggregateOptions, aggregate, write_tables
    from harness.errors import ConfigError
    from harness.experiments import load_experiment
    from harness.io import contained, ensure_output_dir
    from harness.sweep.plan import parse_seeds, resolve_data_root

    if not 0 < args.confidence < 1:
        raise ConfigError("--confidence must lie in (0, 1)")
    experiment = load_experiment(args.experiment)
    options = AggregateOptions(
        bootstrap_samples=max(0, args.bootstrap), bootstrap_seed=args.bootstrap_seed,
        confidence=args.confidence, seeds=parse_seeds(args.seeds) if args.seeds else None,
    )
    from harness.schedule import banners, is_rehearsal_root, results_folder

    args.results = results_folder(args.results, "results/runs", args.schedule)
    args.out = results_folder(args.out, "results/tables", args.schedule)
    if not Path(args.results).is_dir():
        from harness.errors import DataError

        raise DataError(f"{args.results}: results folder does not exist (or is not a folder); "
                        "run `python -m harness sweep` first or pass --results")
    data_root = resolve_data_root(args.data_root, args.scale)
    result = aggregate(experiment, args.scale, Path(args.results), options, data_root=data_root,
                       schedule=args.schedule)
    result.meta["schedule"] = args.schedule
    result.meta["rehearsal"] = is_rehearsal_root(data_root)
    out_dir = contained(Path(args.out) / f"{experiment.name}-{args.scale}", args.out, "tables folder")
    ensure_output_dir(out_dir, "tables folder")
    written = write_tables(result, out_dir)
    console = Console()
    for line in banners(args.schedule, result.meta["rehearsal"]):
        console.print(f"[bold yellow]{line}[/bold yellow]")
    _print(result, console)
    problems = result.problems
    if len(problems):
        console.print(f"{len(problems)} problem(s) (skipped, listed in {out_dir / 'problems.csv'}):")
        for r in problems.head(20).itertuples():
            console.print(f"  {r.kind}: {r.path}: {r.message}")
        if len(problems) > 20:
            console.print(f"  ... and {len(problems) - 20} more")
    console.print(f"{result.meta['runs']} runs in {result.meta['cells']} cells; wrote "
                  + ", ".join(p.name for p in written) + f" to {out_dir}")
    return 0
