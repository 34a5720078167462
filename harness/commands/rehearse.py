"""``python -m harness rehearse DATASET --out DIR``: a data root of real annotations and
synthetic features of real shape, to run the real configs before downloading any feature.

Writes ``<out>/<dataset>/annotations/...`` and ``<out>/<dataset>/features/<set>/...`` exactly
as the real configs read them (``datasets/README.md``) and ``<out>/<dataset>/rehearsal.json``.
Then: ``python -m harness check-data CONFIG --data-root DIR`` and
``python -m harness train CONFIG --data-root DIR --schedule smoke``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "rehearse"
HELP = "write a rehearsal data root: real annotations + synthetic features of the real shape"
DATASET_NAMES = ("thumos14", "multithumos", "epic100", "anet13")
#: the public annotation files shipped with the repository (whole, gzip-compressed)
DEFAULT_SOURCES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "real"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", choices=DATASET_NAMES,
                   help="epic100 writes both the verb and the noun annotation files")
    p.add_argument("--out", required=True, help="data root to write (then --data-root of train / check-data)")
    p.add_argument("--features", default="all",
                   help="feature set(s), comma-separated, or 'all' (thumos14: i3d,videomaev2,"
                   "internvideo2_6b; multithumos: i3d,videomaev2; epic100: slowfast; anet13: tsp)")
    p.add_argument("--annotations", default=None, metavar="FILE",
                   help="your own annotation file instead of the public one (ActionFormer-family "
                   "JSON; anet13 also BSN layout; epic100 also the EPIC training CSV)")
    p.add_argument("--videos", type=int, default=None, metavar="N",
                   help="keep N videos per split (quirk carriers first, then the shortest); default all")
    p.add_argument("--pick", choices=["shortest", "median"], default="shortest",
                   help="with --videos: the shortest videos (default; CI) or those closest to the "
                   "median duration (typical sizes)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic features (default 0)")
    p.add_argument("--sources", default=str(DEFAULT_SOURCES),
                   help="folder of the public annotation files (plain or .gz; default: the repository's copies)")
    p.add_argument("--dry-run", action="store_true", help="write nothing; print what would be written and its size")
    p.add_argument("--json", dest="json_out", action="store_true", help="print the record as JSON only")


def _mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MB" if n < 2**30 else f"{n / 2**30:,.2f} GB"


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from datasets.real.rehearse import BANNER, RehearsalSpec, rehearse

    sets = None if args.features == "all" else tuple(s.strip() for s in args.features.split(",") if s.strip())
    spec = RehearsalSpec(dataset=args.dataset, source_dir=args.sources, feature_sets=sets,
                         annotations=args.annotations, videos=args.videos, seed=args.seed,
                         pick=args.pick)
    record = rehearse(spec, args.out, dry_run=args.dry_run)
    if args.json_out:
        print(json.dumps(record.to_json(), indent=1))
        return 0
    out = Path(args.out)
    print(BANNER)
    verb = "would write" if args.dry_run else "wrote"
    for ann, info in record.annotations.items():
        counts = ", ".join(f"{k} {v}" for k, v in info["videos"].items())
        print(f"{verb} {out / ann}: {counts} videos, {info['gt']} GT")
    for fs in record.features.values():
        size = "" if args.dry_run else f", {_mb(fs.bytes)}"
        print(f"{verb} {out / fs.folder}: {fs.videos} × .{fs.format}, C={fs.channels}, "
              f"{fs.steps:,} steps{size}; every video at full length: {_mb(fs.full_size_bytes)}")
    for note in record.notes:
        print(f"note: {note}", file=sys.stderr if args.dry_run else sys.stdout)
    if not args.dry_run:
        print(f"record: {out / record.dataset / 'rehearsal.json'}")
    return 0
