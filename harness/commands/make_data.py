"""``python -m harness make-data synthetic``: write the synthetic benchmark to a folder."""

from __future__ import annotations

import argparse
import time

NAME = "make-data"
HELP = "generate the synthetic TAL benchmark (real on-disk format) into a folder"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from datasets.synthetic.presets import PRESETS, QUALITIES

    p.add_argument("kind", choices=["synthetic"], help="dataset kind (only 'synthetic' so far)")
    p.add_argument("--preset", required=True, choices=sorted(PRESETS))
    p.add_argument("--quality", default="mid", choices=list(QUALITIES))
    p.add_argument("--seed", type=int, default=0, help="data seed (default 0)")
    p.add_argument("--out", default=None,
                   help="target folder (default results/data/synthetic/<preset>-<quality>[-s<seed>], "
                   "where sweeps and the synthetic configs look)")
    p.add_argument("--force", action="store_true", help="replace a different dataset in --out")
    p.add_argument("--num-train", type=int, default=None, help="override the preset's training videos")
    p.add_argument("--num-test", type=int, default=None, help="override the preset's test videos")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from datasets.synthetic.generator import SyntheticSpec, write_dataset

    spec = SyntheticSpec(preset=args.preset, quality=args.quality, seed=args.seed,
                         num_train=args.num_train, num_test=args.num_test)
    suffix = f"-s{args.seed}" if args.seed else ""  # harness.experiments.schema.StandIn.data_dir
    out = Path(args.out or f"results/data/synthetic/{args.preset}-{args.quality}{suffix}")
    console = Console(stderr=True)
    t0 = time.perf_counter()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task(f"{spec.preset}/{spec.quality} seed {spec.seed}", total=None)
        status, manifest = write_dataset(
            spec, out, force=args.force,
            progress=lambda done, total: bar.update(task, completed=done, total=total))
    files = manifest.get("files", {})
    size_mb = sum(f["bytes"] for f in files.values()) / 2**20
    gt = manifest.get("gt_count", {})
    if status == "exists":
        print(f"{out}: already holds this dataset (preset {spec.preset}, quality {spec.quality}, "
              f"seed {spec.seed}, generator v{manifest['generator_version']}); nothing written")
        return 0
    print(f"{status} {out}: {manifest['num_train']} training / {manifest['num_test']} validation "
          f"videos, {gt.get('training', 0)} / {gt.get('validation', 0)} GT segments, "
          f"C={manifest['input_dim']}, K={manifest['num_classes']}, {len(files)} files, "
          f"{size_mb:.1f} MB, {time.perf_counter() - t0:.1f} s")
    return 0
