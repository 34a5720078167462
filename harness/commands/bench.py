"""``python -m harness bench``: run the benchmarks of :mod:`harness.bench`."""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import platform

NAME = "bench"
HELP = "run speed/memory benchmarks (evaluator, models) and print a table; optionally save JSON"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--only", nargs="*", default=None, help="benchmark ids to run (default: all)")
    p.add_argument("--quick", action="store_true", help="fewer repeats (smoke run)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="where the model benchmarks run: auto = the CPU, and CUDA when present "
                   "(fp32 and AMP fp16)")
    p.add_argument("--json", dest="json_out", default=None, help="also write the rows to this JSON file")


def _modules():
    import harness.bench as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            yield mod


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from harness.io import atomic_write_json

    console = Console()
    rows = []
    for mod in _modules():
        if args.only and mod.NAME not in args.only:
            continue
        console.print(f"[bold]{mod.NAME}[/bold]: {mod.DESCRIPTION}")
        options = {"device": args.device} if "device" in inspect.signature(mod.run).parameters else {}
        rows.extend(mod.run(quick=args.quick, **options))
    table = Table(title=f"benchmarks on {platform.node()} ({platform.processor() or platform.machine()})")
    for col in ("benchmark", "case", "metric", "value", "unit", "target", "ok", "note"):
        table.add_column(col)
    failed = 0
    for r in rows:
        ok = r.get("ok")
        failed += ok is False
        value = r["value"]
        table.add_row(
            r["benchmark"], r["case"], r["metric"],
            f"{value:.4g}" if isinstance(value, float) else str(value), r.get("unit", ""),
            str(r.get("target", "")), {True: "ok", False: "MISSED", None: ""}[ok], r.get("note", ""),
        )
    console.print(table)
    if args.json_out:
        atomic_write_json(args.json_out, rows)
    return 1 if failed else 0
