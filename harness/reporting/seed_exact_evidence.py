"""``results/evidence/seed_exact_seed0.json``: default vs seed-exact training, seed 0, one run
per method and mode on the synthetic thumos-like/mid benchmark (quoted in the READMEs).

The default-mode run is Table 1's (``results/runs/<m>/synthetic_thumos_like__mid/seed0``);
the seed-exact one is trained by ``--train`` (or beforehand, README "Seed-exact runs") into
``results/runs/<m>/synthetic_thumos_like_seed_exact/seed0``::

    python -m harness.reporting.seed_exact_evidence [--train] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.io import atomic_write_json

METHODS = ("actionformer", "tridet", "cltdr_gmg")
RUNS = Path("results/runs")
COMMAND = ("python -m harness train harness/configs/$m/synthetic_thumos_like.py --seed 0 "
           "[--cfg-options seed_exact=True --work-dir results/runs/$m/synthetic_thumos_like_seed_exact/seed0]")


def run_summary(work_dir: Path) -> dict[str, Any]:
    """Final average mAP (%), config hash, RNG order and the logged training-loss curve."""
    record = json.loads((work_dir / "record.json").read_text())
    logs = sorted(work_dir.glob("*/vis_data/scalars.json"))
    if not logs:
        raise SystemExit(f"{work_dir}: no vis_data/scalars.json (was the run trained here?)")
    curve = [[int(r["step"]), round(float(r["loss"]), 4)]
             for r in map(json.loads, logs[-1].read_text().splitlines()) if "loss" in r]
    return {
        "average_mAP": round(100 * float(record["average_mAP"]), 2),
        "config_hash": record["config_hash"],
        "rng_order": record["manifest"].get("rng_order", "default"),
        "loss_curve": curve,
        "final_loss": curve[-1][1] if curve else None,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train", action="store_true", help="train the seed-exact runs first")
    p.add_argument("--out", default="results/evidence/seed_exact_seed0.json")
    args = p.parse_args(argv)
    out: dict[str, Any] = {}
    for m in METHODS:
        exact = RUNS / m / "synthetic_thumos_like_seed_exact" / "seed0"
        if args.train:
            subprocess.run([sys.executable, "-m", "harness", "train",
                            f"harness/configs/{m}/synthetic_thumos_like.py", "--seed", "0",
                            "--cfg-options", "seed_exact=True", "--work-dir", str(exact),
                            "--overwrite"], check=True)
        out[m] = {"default": run_summary(RUNS / m / "synthetic_thumos_like__mid" / "seed0"),
                  "seed_exact": run_summary(exact)}
    atomic_write_json(args.out, {
        "what": "synthetic thumos-like/mid, seed 0: default mode vs seed_exact=True (official RNG order)",
        "command": COMMAND, "methods": out})
    for m, modes in out.items():
        print(m, *(f"{k}: mAP {v['average_mAP']:.2f} loss {v['final_loss']}" for k, v in modes.items()))


if __name__ == "__main__":
    main()
