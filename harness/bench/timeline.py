"""The ``thumos14-timeline`` synthetic preset (the real THUMOS14 timeline at the synthetic
feature size) against the default ``thumos-like`` one: should ``make table1`` use it?

Cases (``python -m harness bench --only timeline``; ``--quick``: training seed 0 only):

- the trivial baseline (the oracle's per-step class prior, ``trivial-baseline``) of the
  timeline data (quality mid, data seed 0);
- per method, the timeline leaf ``<method>/synthetic_thumos14_timeline`` trained with seeds
  0-2 (``python -m harness train``, two at a time with 1 torch thread each, as ``make
  table1`` runs them): average mAP and the run's wall time (``record.json``), beside the committed thumos-like/mid runs of Table 1
  (``results/tables/table1-synthetic/runs.csv``);
- what ``make table1`` would cost on the preset: 27 runs (3 methods × 3 qualities × 3 seeds),
  two at a time, from the mean wall time.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from harness.sweep.worker import THREAD_VARS

NAME = "timeline"
DESCRIPTION = "thumos14-timeline preset: trivial baseline, per-method mAP and run time vs thumos-like"

METHODS = ("actionformer", "tridet", "cltdr_gmg")
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "results" / "data" / "synthetic" / "thumos14-timeline-mid"
TABLE1_RUNS = ROOT / "results" / "tables" / "table1-synthetic" / "runs.csv"
TABLE1_RUNS_PER_TARGET = 27


def _harness(*argv: str, threads: int | None = None) -> str:
    env = dict(os.environ, **{v: str(threads) for v in THREAD_VARS}) if threads else None
    out = subprocess.run([sys.executable, "-m", "harness", *argv], cwd=ROOT, check=True,
                         capture_output=True, text=True, env=env)
    return out.stdout


def trivial_baseline() -> float:
    """Average mAP (%) of the trivial baseline on the timeline data (written if missing)."""
    if not (DATA / "annotations.json").is_file():
        _harness("make-data", "synthetic", "--preset", "thumos14-timeline", "--quality", "mid",
                 "--seed", "0", "--out", str(DATA))
    return 100.0 * float(json.loads(_harness("trivial-baseline", str(DATA), "--json"))["trivial"]["average_mAP"])


def train(method: str, seed: int, work: Path) -> dict[str, float]:
    """Average mAP (%) and wall time (s) of one timeline run."""
    _harness("train", f"harness/configs/{method}/synthetic_thumos14_timeline.py", "--seed", str(seed),
             "--work-dir", str(work), threads=1)
    record = json.loads((work / "record.json").read_text())
    return {"mAP": 100.0 * float(record["average_mAP"]), "wall_s": float(record["wall_time_s"])}


def table1_reference(method: str) -> dict[str, float] | None:
    """Mean average mAP (%) and wall time of the committed thumos-like/mid Table 1 runs."""
    if not TABLE1_RUNS.is_file():
        return None
    import pandas as pd

    runs = pd.read_csv(TABLE1_RUNS)
    mine = runs[(runs["run_name"] == f"{method}/synthetic_thumos_like__mid") & (runs["metric"] == "avg")]
    if mine.empty:
        return None
    return {"mAP": float(mine["value"].mean()), "wall_s": float(mine["wall_time_s"].mean()),
            "n": float(len(mine))}


def run(quick: bool) -> list[dict[str, Any]]:
    seeds = (0,) if quick else (0, 1, 2)
    rows: list[dict[str, Any]] = [{
        "benchmark": NAME, "case": "thumos14-timeline mid (data seed 0)", "metric": "trivial baseline average mAP",
        "value": trivial_baseline(), "unit": "%"}]
    walls: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(m, s) for m in METHODS for s in seeds]
        with ThreadPoolExecutor(2) as pool:  # as make table1: two runs at a time, 1 thread each
            done = dict(zip(jobs, pool.map(lambda j: train(j[0], j[1], Path(tmp) / j[0] / f"seed{j[1]}"), jobs)))
        for method in METHODS:
            res = [done[(method, s)] for s in seeds]
            walls += [r["wall_s"] for r in res]
            case = f"{method}/synthetic_thumos14_timeline (seeds {','.join(map(str, seeds))})"
            ref = table1_reference(method)
            note = (f"thumos-like/mid Table 1 runs: {ref['mAP']:.1f} % over {int(ref['n'])} runs"
                    if ref else None)
            rows.append({"benchmark": NAME, "case": case, "metric": "average mAP (mean over seeds)",
                         "value": statistics.mean(r["mAP"] for r in res), "unit": "%",
                         "note": "per seed " + ", ".join(f"{r['mAP']:.1f}" for r in res) + (f"; {note}" if note else "")})
            rows.append({"benchmark": NAME, "case": case, "metric": "run wall time (mean over seeds)",
                         "value": statistics.mean(r["wall_s"] for r in res), "unit": "s",
                         "note": (f"thumos-like/mid Table 1 runs: {ref['wall_s']:.1f} s" if ref else None)})
    make_min = TABLE1_RUNS_PER_TARGET * statistics.mean(walls) / 2 / 60  # two runs at a time
    rows.append({"benchmark": NAME, "case": "make table1 on thumos14-timeline (estimate)",
                 "metric": f"{TABLE1_RUNS_PER_TARGET} runs, 2 at a time", "unit": "min",
                 "value": make_min, "target": "<= 10", "ok": make_min <= 10,
                 "note": "from the mean wall time of the runs above, measured as make table1 runs them"})
    return [{k: v for k, v in r.items() if v is not None} for r in rows]
