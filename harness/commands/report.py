"""``python -m harness report EXPERIMENT``: HTML and LaTeX reports of the paper's Tables 1-11.

Renders ``<tables>/<experiment>-<scale>/`` (written by ``python -m harness aggregate``) into
``<out>`` (default ``reports/build/<experiment>-<scale>/``): ``index.html`` and one page per
table, ``claims.html`` and ``claims.csv`` (the paper's claims with Holm-corrected verdicts,
:mod:`harness.reporting.claims`), ``latex/table<N>.tex``, ``latex/claims.tex`` plus the
standalone ``latex/report.tex``, and the figures. The last line printed is the path of the
index page. Runs whose code fingerprint differs from the working tree's get a banner.

Aggregation (``--aggregate``): ``auto`` (default) aggregates first when the aggregate is
missing, or when the run folders under ``--results`` hold ok records the aggregate has not
seen (or whose config hash changed); ``always`` re-aggregates; ``never`` renders what is there
(an error when nothing is). Without run folders the committed tables render as they are.
Experiments whose runs are missing render with empty ("not run") cells.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

from harness import defaults

NAME = "report"
HELP = "render an experiment's aggregated tables as HTML pages and LaTeX tables with figures"
DEFAULT_OUT = Path("reports") / "build"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="table1 ... table11, paper, or an experiment .json/.yaml file")
    p.add_argument("--scale", choices=["synthetic", "real"], default="synthetic")
    p.add_argument("--format", default="html,latex", help="comma-separated: html, latex")
    p.add_argument("--results", default="results/runs",
                   help="run folders (default results/runs): freshness, provenance, per-class AP")
    p.add_argument("--tables", default="results/tables", help="aggregated tables (default results/tables)")
    p.add_argument("--out", default=None, help="output folder (default reports/build/<experiment>-<scale>)")
    p.add_argument("--aggregate", choices=["auto", "always", "never"], default="auto",
                   help="aggregate first: when missing or stale (auto), always, or never")
    p.add_argument("--data-root", default=None, help="as given to the sweep (aggregation only)")
    p.add_argument("--schedule", choices=["official", "smoke"], default="official",
                   help="render the smoke-schedule aggregate (folders results/runs-smoke, "
                   "results/tables-smoke, reports/build/<experiment>-<scale>-smoke) with its banner")
    p.add_argument("--bootstrap", type=int, default=defaults.BOOTSTRAP_SAMPLES, metavar="B",
                   help=f"video bootstrap replicates when aggregating (default {defaults.BOOTSTRAP_SAMPLES})")
    p.add_argument("--no-params", action="store_true",
                   help="do not build Table 8's models to count their parameters")
    p.add_argument("--pdf", action="store_true", help="also compile latex/report.tex with pdflatex")


def _aggregate(experiment, args, folder: Path, console) -> None:
    from harness.aggregate import AggregateOptions, aggregate, write_tables
    from harness.sweep.plan import resolve_data_root

    console.print(f"aggregating {experiment.name} ({args.scale}) from {args.results} ...")
    from harness.schedule import is_rehearsal_root

    data_root = resolve_data_root(args.data_root, args.scale)
    schedule = getattr(args, "schedule", "official")
    result = aggregate(experiment, args.scale, Path(args.results),
                       AggregateOptions(bootstrap_samples=max(0, args.bootstrap)),
                       data_root=data_root, schedule=schedule)
    result.meta["schedule"] = schedule
    result.meta["rehearsal"] = is_rehearsal_root(data_root)
    write_tables(result, folder)
    console.print(f"wrote {folder} ({result.meta['runs']} runs, {len(result.problems)} problems)")


def _ensure_aggregate(experiment, args, folder: Path, console) -> None:
    from harness.errors import ConfigError
    from harness.reporting.freshness import stale_reasons
    from reports.frames import has_aggregate, load_frames

    present = has_aggregate(folder)
    if args.aggregate == "never":
        if not present:
            raise ConfigError(f"{folder}: no aggregate (run `python -m harness aggregate "
                              f"{args.experiment} --scale {args.scale}` or drop --aggregate never)")
        return
    if args.aggregate == "always" or not present:
        _aggregate(experiment, args, folder, console)
        return
    frames = load_frames(folder)
    reasons = stale_reasons(experiment, args.scale, frames.runs, frames.problems,
                            Path(args.results))
    if reasons:
        console.print("aggregate is stale: " + "; ".join(reasons))
        _aggregate(experiment, args, folder, console)


def _compile_pdf(tex: Path, console) -> Path:
    from harness.errors import CheckFailed, ConfigError

    if shutil.which("pdflatex") is None:
        raise ConfigError("--pdf: pdflatex not found (install it with .ci/system-deps.sh)")
    cmd = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name]
    for _ in range(2):  # second pass settles the float numbers and references
        done = subprocess.run(cmd, cwd=tex.parent, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            tail = "\n".join(done.stdout.splitlines()[-15:])
            console.print(tail)
            raise CheckFailed(f"{tex}: pdflatex failed (see {tex.with_suffix('.log')})")
    return tex.with_suffix(".pdf")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from harness.errors import ConfigError
    from harness.experiments import load_experiment
    from harness.manifest import git_state
    from harness.reporting.params import PARAMS_TABLE, table8_counts
    from reports.frames import aggregate_dir, load_frames
    from reports.render import FORMATS, render_report
    from reports.runinfo import load_run_infos

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if not formats or any(f not in FORMATS for f in formats):
        raise ConfigError(f"--format: expected a comma-separated subset of {', '.join(FORMATS)}, "
                          f"got {args.format!r}")
    console = Console(stderr=True)
    from harness.io import contained, ensure_output_dir

    experiment = load_experiment(args.experiment)
    from harness.schedule import banners, results_folder, stamp_banner

    args.results = results_folder(args.results, "results/runs", args.schedule)
    args.tables = results_folder(args.tables, "results/tables", args.schedule)
    suffix = "-smoke" if args.schedule == "smoke" else ""
    out = Path(args.out) if args.out else contained(
        DEFAULT_OUT / f"{experiment.name}-{args.scale}{suffix}", DEFAULT_OUT, "report folder")
    ensure_output_dir(out, "report folder")
    folder = contained(aggregate_dir(Path(args.tables), experiment.name, args.scale), args.tables,
                       "tables folder")
    _ensure_aggregate(experiment, args, folder, console)
    frames = load_frames(folder)
    params = []
    if not args.no_params and any(e.row.table == PARAMS_TABLE for e in experiment.entries):
        with console.status("counting Table 8 parameters (building its models) ..."):
            params = table8_counts(experiment)
    infos = load_run_infos(frames.runs, Path(args.results))
    claims = []
    if experiment.comparisons:
        from harness.reporting.claims import experiment_claims

        claims = experiment_claims(experiment, frames.runs, frames.comparisons, args.scale,
                                   float(frames.meta.get("confidence", 0.95)))
    from harness.manifest import REPO_ROOT
    from harness.reporting.freshness import code_check

    banner, code_line = code_check(frames.runs, REPO_ROOT)
    if banner:
        console.print(banner)
    sha, dirty = git_state()
    commit = (sha[:12] + (" (dirty)" if dirty else "")) if sha else "unknown"
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("rendering", total=1)

        def progress(description: str, done: int, total: int) -> None:
            bar.update(task, description=description, completed=done, total=total)

        output = render_report(frames, out, formats=formats, params=params, infos=infos,
                               report_commit=commit, progress=progress, claims=claims,
                               stale=banner, code_fingerprint=code_line)
    if claims:
        from harness.reporting.claims import write_claims_csv

        write_claims_csv(claims, out / "claims.csv")
    lines = banners(str(frames.meta.get("schedule", "official")), bool(frames.meta.get("rehearsal")))
    stamp_banner(out, lines)
    for line in lines:
        console.print(f"[bold yellow]{line}[/bold yellow]")
    console.print(f"{len(output.files)} files, {len(output.figures)} figures in {out}")
    if args.pdf:
        if "latex" not in formats:
            raise ConfigError("--pdf needs the latex format")
        print(_compile_pdf(out / "latex" / "report.tex", console))
    print(output.index)
    return 0
