"""``python -m harness drift``: CI regression check of the mAPs against a stored baseline.

Trains a small deterministic benchmark (``harness/drift/benchmark.py``: ActionFormer, TriDet,
CLTDR-GMG on a small synthetic thumos-like set, fixed seeds, CPU, one thread per run), compares
every per-threshold and average mAP with ``results/baselines/<benchmark>.json``, prints the
table and exits 1 on drift beyond tolerance (2 on bad input: missing/corrupt baseline, missing
config). ``--update`` rewrites the baseline atomically and prints what changed.
``--experiment EXP --against paper`` instead lists the aggregated cells whose 95 % CI excludes
the paper's number (exit 1 at the real scale when there are any).
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "drift"
HELP = "regression check: retrain a small fixed benchmark and compare its mAPs with a baseline"
EPILOG = """\
tolerance rule: when the numerics key (CPU model, family/model/stepping and feature flags,
torch's CPU capability, BLAS/LAPACK/oneDNN/OpenMP builds, numpy's BLAS, library versions,
intra/inter-op threads, kernel-selecting environment variables), the device and the dataset
bytes equal the baseline's, runs are deterministic and every (method, seed, metric) must
match bit for bit. Otherwise a
notice lists the differences and each method's mean over the n compared seeds must satisfy
|delta| <= max(3 * sd * sqrt(2/n), 1.0) mAP points, sd being the baseline's own seed std.
exit status: 0 no drift, 1 drift or a failed run, 2 bad input (missing or corrupt baseline,
missing config, a baseline made for another benchmark definition).
--experiment EXP --against paper reads results/tables/EXP-SCALE/summary.csv (python -m harness
aggregate) and lists the cells whose 95% t-interval excludes the paper's number (no verdict
below 3 seeds); exit 1 at the real scale when there are any, always 0 at the synthetic scale
(stand-in numbers: not comparable with the paper).
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = EPILOG
    p.add_argument("--benchmark", default="ci", help="benchmark definition: ci (default) or smoke")
    p.add_argument("--baseline", default=None,
                   help="baseline file (default results/baselines/<benchmark>.json)")
    p.add_argument("--update", action="store_true",
                   help="run and rewrite the baseline (atomically), printing the differences")
    p.add_argument("--methods", default=None,
                   help="comma-separated subset, e.g. actionformer,tridet (default: all)")
    p.add_argument("--seeds", default=None, help="subset of the benchmark's seeds, e.g. 0 or 0-1")
    p.add_argument("--jobs", type=int, default=2, help="trainings at a time (default 2)")
    p.add_argument("--work-dir", default="results/runs/drift",
                   help="run folders <dir>/<benchmark>/<method>/seed<k> (emptied first)")
    p.add_argument("--data-dir", default="results/data/drift",
                   help="where the benchmark's synthetic data is generated (default results/data/drift)")
    p.add_argument("--json", default=None, metavar="PATH", help="also write the comparison as JSON")
    p.add_argument("--experiment", default=None,
                   help="with --against paper: an aggregated experiment (table1 ... or a file)")
    p.add_argument("--against", choices=["paper"], default=None,
                   help="compare --experiment's aggregate with the paper instead of running")
    p.add_argument("--scale", choices=["synthetic", "real"], default="synthetic",
                   help="scale of the aggregate read by --against paper")
    p.add_argument("--tables", default="results/tables", help="aggregated tables folder")


def run(args: argparse.Namespace) -> int:
    from harness.errors import ConfigError

    if args.against or args.experiment:
        if not (args.against and args.experiment):
            raise ConfigError("drift: --experiment and --against paper go together")
        return _against_paper(args)
    return _benchmark(args)


def _against_paper(args: argparse.Namespace) -> int:
    from harness.drift.paper import SYNTHETIC_NOTICE, compare_with_paper, read_summary, summary_path
    from harness.drift.render import make_console, print_paper, say
    from harness.errors import CheckFailed
    from harness.experiments import load_experiment

    experiment = load_experiment(args.experiment)
    path = summary_path(Path(args.tables), experiment.name, args.scale)
    cells = compare_with_paper(read_summary(path))
    outside = [c for c in cells if c.outside]
    console = make_console()
    if args.scale == "synthetic":
        say(console, f"notice: {SYNTHETIC_NOTICE}")
    no_verdict = sum(1 for c in cells if not c.verdict)
    print_paper(console, outside, f"{experiment.name} ({args.scale}): cells whose 95% CI excludes the paper")
    say(console, f"{len(cells)} cell(s) with a paper value: {len(outside)} outside the CI, "
                 f"{len(cells) - len(outside) - no_verdict} within, {no_verdict} without verdict (n < 3) "
                 f"[{path}]")
    for c in outside:
        say(console, f"outside CI: {c.label} {c.metric}: mean {c.mean:.2f} CI [{c.ci_low:.2f}, "
                     f"{c.ci_high:.2f}] paper {c.paper:.1f} ({c.verdict})")
    if args.json:
        from dataclasses import asdict

        from harness.io import atomic_write_json

        atomic_write_json(args.json, dict(experiment=experiment.name, scale=args.scale, source=str(path),
                                          cells=[asdict(c) for c in cells]))
    if outside and args.scale == "real":
        raise CheckFailed(f"{len(outside)} cell(s) outside the 95% CI of the paper's numbers")
    return 0


def _benchmark(args: argparse.Namespace) -> int:
    from harness.drift.baseline import read_baseline
    from harness.drift.benchmark import check_configs, get_benchmark
    from harness.drift.compare import check_compatible
    from harness.manifest import REPO_ROOT
    from harness.sweep.plan import parse_seeds

    full = get_benchmark(args.benchmark)
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip()) if args.methods else None
    bench = full.select(methods, parse_seeds(args.seeds) if args.seeds else None)
    path = Path(args.baseline) if args.baseline else Path("results") / "baselines" / f"{full.name}.json"
    baseline = None
    if not args.update:
        baseline = read_baseline(path)
        check_compatible(baseline, bench, path)
    hashes = check_configs(bench, REPO_ROOT)
    result = _execute(args, bench, hashes)
    if args.update:
        return _update(args, result, path)
    return _check(args, result, baseline, path)


def _execute(args, bench, hashes):
    from harness.drift.execute import run_benchmark
    from harness.drift.render import make_console, say

    console = make_console()
    n = len(bench.methods) * len(bench.seeds)
    say(console, f"drift benchmark {bench.name}: {n} run(s) ({', '.join(bench.method_names)} x seeds "
                 f"{list(bench.seeds)}), {bench.preset}/{bench.quality} {bench.num_train}/{bench.num_test} "
                 f"videos, {bench.threads} thread(s) each, {max(1, args.jobs)} at a time")

    def done(r) -> None:
        what = f"avg {100 * r.metrics['average_mAP']:.2f}" if r.error is None else f"FAILED: {r.error}"
        say(console, f"  {r.method} seed {r.seed}: {what} ({r.wall_s:.1f} s)")

    result = run_benchmark(bench, config_hashes=hashes, work_root=Path(args.work_dir) / bench.name,
                           data_root=Path(args.data_dir), jobs=args.jobs, on_done=done)
    say(console, f"benchmark done in {result.wall_s:.1f} s")
    return result


def _update(args, result, path: Path) -> int:
    from harness.drift.baseline import baseline_from_run, read_baseline, write_baseline
    from harness.drift.compare import TOLERANCE, baseline_differences
    from harness.drift.render import make_console, print_rows, say
    from harness.errors import HarnessError

    console = make_console()
    new = baseline_from_run(result, TOLERANCE)
    try:
        old = read_baseline(path)
    except HarnessError as exc:
        old = None
        say(console, f"no previous baseline to compare with ({exc})")
    if old is not None:
        lines, rows = baseline_differences(old, new)
        for line in lines:
            say(console, f"changed: {line}")
        if rows:
            print_rows(console, rows, "update", f"values that change in {path}")
        if not lines and not rows:
            say(console, "no differences: the new baseline holds the same values")
    prov = new.provenance
    if prov.git_dirty:
        say(console, "warning: the working tree has uncommitted changes; the baseline is not tied to a commit")
    write_baseline(new, path)
    say(console, f"wrote {path} (commit {prov.git_sha or 'unknown'}, torch {prov.versions.get('torch')}, "
                 f"{prov.created})")
    _write_json(args, dict(mode="update", baseline=str(path), **new.to_json()))
    return 0


def _check(args, result, baseline, path: Path) -> int:
    from dataclasses import asdict

    from harness.drift.baseline import provenance_of
    from harness.drift.compare import (
        EXACT,
        SPREAD,
        TOLERANCE,
        compare_exact,
        compare_spread,
        config_changes,
        environment_differences,
    )
    from harness.drift.render import make_console, print_rows, say
    from harness.errors import CheckFailed

    console = make_console()
    prov = baseline.provenance
    say(console, f"baseline {path}: commit {prov.git_sha or 'unknown'}, {prov.created}")
    differences = environment_differences(prov, provenance_of(result)) if result.manifest() else []
    mode = SPREAD if differences else EXACT
    if differences:
        say(console, "notice: environment differs from the baseline's (" + "; ".join(differences)
                     + f"), so runs are not bit-comparable; spread rule: {TOLERANCE['spread']}")
    for line in config_changes(baseline, result):
        say(console, f"notice: {line}")
    rows = compare_exact(baseline, result) if mode == EXACT else compare_spread(baseline, result)
    print_rows(console, rows, mode, f"drift vs {path} ({mode}: {TOLERANCE[mode]}); mAP in %")
    moved = [r for r in rows if r.moved]
    _write_json(args, dict(mode=mode, baseline=str(path), environment_differences=differences,
                           rows=[asdict(r) for r in rows]))
    if moved:
        say(console, f"DRIFT: {len(moved)} value(s) beyond tolerance: "
                     + ", ".join(f"{r.label} ({r.status}" + (f" {r.delta:+.4g} pp)" if r.delta is not None else ")")
                                 for r in moved))
        raise CheckFailed(f"drift: {len(moved)} value(s) moved beyond tolerance ({mode} rule)")
    say(console, f"no drift: {len(rows)} value(s) within tolerance ({mode} rule)")
    return 0


def _write_json(args, payload: dict) -> None:
    if args.json:
        from harness.io import atomic_write_json

        atomic_write_json(args.json, payload)
