"""``python -m harness parity FILE.pt``: re-run official parity vectors on the harness model."""

from __future__ import annotations

import argparse
import sys

NAME = "parity"
HELP = ("compare the harness with an official parity file (*_small_seed0.pt: one step; "
        "trajectory/<kind>_seed0.pt: training trajectory); exit 1 on a miss")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="parity reference file, e.g. tests/golden/reference/actionformer_small_seed0.pt")
    p.add_argument("--json", dest="json_out", default=None, help="also write the rows to this JSON file")
    p.add_argument("--failed-only", action="store_true", help="print only the rows beyond tolerance")
    p.add_argument("--device", default="cpu",
                   help="run the harness model on this device, e.g. cuda (TF32 off; default cpu)")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (the references used 1)")
    p.add_argument("--part", choices=("A", "B", "all"), default="all",
                   help="trajectory files: replay part A (fixed), B (seeded) or both (default); "
                        "a part left out is named in the output")
    p.add_argument("--recipe", default=None,
                   help="trajectory files: config whose optim_wrapper builds the parameter groups "
                        "(default: configs/<kind>/thumos14_i3d.py)")
    p.add_argument("--data", dest="data_dir", default=None,
                   help="trajectory part B: the synthetic thumos-like/mid seed-0 data folder "
                        "(default: generated into a temporary folder)")
    p.add_argument("--compile", action="store_true",
                   help="run with the speed switch on (torch.compile of the network, as torch_compile=True)")


def run(args: argparse.Namespace) -> int:
    import torch
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from harness.io import atomic_write_json
    from harness.parity import run_parity

    torch.set_num_threads(max(1, args.threads))
    if args.device.startswith("cuda"):
        if not torch.cuda.is_available():
            print(f"parity: --device {args.device}: no CUDA device is available", file=sys.stderr)
            return 2
        # the references are float32 CPU runs: no TF32 in convolutions and matrix products
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
    parts = ("A", "B") if args.part == "all" else (args.part,)
    report = run_parity(args.file, args.device, torch_compile=args.compile or None, parts=parts,
                        recipe=args.recipe, data_dir=args.data_dir)
    if args.json_out:
        atomic_write_json(args.json_out, report.to_json())
    console = Console() if sys.stdout.isatty() else Console(width=150)
    mode = " (torch_compile)" if args.compile else ""
    table = Table(title=f"parity: {report.kind} on {args.device}{mode} vs {args.file}")
    table.add_column("tensor", no_wrap=True)
    table.add_column("max abs err", justify="right")
    table.add_column("max rel err", justify="right")
    table.add_column("err/allowed", justify="right")
    table.add_column("tolerance", no_wrap=True)
    table.add_column("status")
    for r in report.rows:
        if args.failed_only and r.ok:
            continue
        status = "[green]ok[/green]" if r.ok else f"[red]FAIL[/red] {escape(r.note)}".rstrip()
        table.add_row(escape(r.name), f"{r.max_abs:.3g}", f"{r.max_rel:.3g}", f"{r.worst:.3g}", escape(r.tolerance), status)
    console.print(table)
    for note in report.notes:
        console.print(note, markup=False)
    n_fail = len(report.failed)
    console.print(
        f"{len(report.rows)} values compared, {n_fail} beyond tolerance: "
        + ("[green]PASS[/green]" if report.ok else "[red]FAIL[/red]")
    )
    return 0 if report.ok else 1
