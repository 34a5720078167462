"""Fake aggregates for the report tests, built like ``harness.aggregate`` builds real ones.

Per-seed values are planted relative to the paper's numbers, and the summary statistics come
from ``harness.core.stats`` (the aggregation's own functions), so a test knows which cell is best,
which interval excludes the paper's value and which rows are paper-only without hard-coding
rendered output.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from harness.aggregate import paper_flags
from harness.core import stats
from harness.core.schemas import (
    COMPARISON_SCHEMA,
    PROBLEM_SCHEMA,
    RUN_SCHEMA,
    SUMMARY_SCHEMA,
    check_schema,
)
from harness.experiments import paper_table
from harness.experiments.paper_values import load_paper_values

HOSTILE = "<script>alert(1)</script> 50%_&$#{}~^\\"
HOSTILE_METHOD = "<script>x</script>50%_&$#{}"
SEEDS = (0, 1, 2, 3, 4)
OFFSETS = (-0.2, 0.1, 0.3, -0.1, 0.0)  # mean +0.02, std ~0.19: the paper value stays inside the CI
GIT_SHA = "0123456789abcdef0123456789abcdef01234567"

# Table 1 (real scale): what each declared row gets
TABLE1_PLAN = {
    ("ActionFormer", "I3D"): 0.0,     # within CI, best of its group
    ("TriDet", "I3D"): -3.0,          # below the paper (CI excludes it)
    ("ActionFormer", "VideoMAEv2"): 2.0,  # above the paper
    ("TriDet", "VideoMAEv2"): 0.0,
    ("CLTDR-GMG", "I3D"): None,       # declared, never run: "not run"
    ("TriDet", "InternVideo2-6B"): 0.0,
}
UNAVAILABLE = {("CLTDR-GMG", "InternVideo2-6B"), ("CLTDR-GMG", "VideoMAEv2"),
               ("ActionFormer", "InternVideo2-6B")}
# Table 8 (synthetic scale): both rows run
TABLE8_PLAN = {"global=fft": 0.0, "global=self-attention": -1.0}


def _summary_row(base: dict, metric: str, values: list[float], paper: float | None,
                 scale: str, flag: str, best: list[float]) -> dict:
    base = dict(base)
    note = base.pop("_note", "")
    s = stats.summarize(values)
    delta, verdict = math.nan, ""
    if scale == "real" and paper is not None and s.n:
        delta, verdict = s.mean - paper, stats.verdict(paper, s.ci, s.n) or ""
    paired = [b - v for b, v in zip(best, values)]
    return dict(
        **base, metric=metric, n=s.n, seeds=",".join(map(str, SEEDS[: s.n])), mean=s.mean,
        std=s.std, ci_low=s.ci.low, ci_high=s.ci.high, pi_low=s.pi.low, pi_high=s.pi.high,
        min=s.minimum, max=s.maximum, seed_boot_low=math.nan, seed_boot_high=math.nan,
        video_boot_low=math.nan, video_boot_high=math.nan, video_boot_samples=0,
        paper=math.nan if paper is None else paper, delta=delta, verdict=verdict,
        paper_flag=flag, best_on_test_mean=sum(best) / len(best) if best else math.nan,
        inflation_mean=sum(paired) / len(paired) if paired else math.nan, excluded=0, note=note,
    )


def _plan_value(plan: dict, row) -> float | None | str:
    if row.method not in ("ActionFormer", "TriDet", "CLTDR-GMG"):
        return "reported-only"
    key = row.variant if row.variant else (row.method, row.features)
    if key in UNAVAILABLE:
        return "unavailable"
    return plan.get(key, None)


def build_tables(table: int, scale: str, *, hostile_row: bool = True) -> dict[str, pd.DataFrame]:
    """runs / summary / comparisons / problems frames and meta of a fake ``table<N>`` aggregate."""
    paper = load_paper_values()
    flags = paper_flags(scale, paper)
    plan = TABLE1_PLAN if table == 1 else TABLE8_PLAN
    experiment = paper_table(table)
    entries = list(experiment.entries)
    summary, runs = [], []
    for e in entries + ([None] if hostile_row else []):
        row = e.row if e is not None else None
        key = row.key if row else f"{table}|THUMOS14||{HOSTILE_METHOD}||I3D"
        what = _plan_value(plan, row) if row else -40.0
        kind = what if isinstance(what, str) else "run"
        metrics = [m for (k, m) in paper.values if k == key] or ["0.3", "0.5", "0.7", "avg"]
        n_runs = 0 if what is None or isinstance(what, str) else len(SEEDS)
        run_name = f"fake/{table}-{len(summary)}" if kind == "run" else ""
        base = dict(
            experiment=f"table{table}", scale=scale, table=table, row_key=key,
            dataset="THUMOS14", task="", method=row.method if row else HOSTILE_METHOD,
            variant=row.variant if row else "", features=row.features if row else "I3D",
            marks=paper.marks.get(key, ""), kind=kind,
            stand_in=f"synthetic {HOSTILE}" if scale == "synthetic" and kind == "run" else "",
            run_name=run_name, config_hash=("h" * 64) if n_runs else "",
        )
        for metric in metrics:
            p = paper.get(key, metric)
            if metric == "params_M":
                values, best = [], []
            else:
                ref = p if p is not None else 50.0
                values = [ref + float(what) + o for o in OFFSETS[:n_runs]] if n_runs else []
                best = [v + 0.5 for v in values]
            flag = "; ".join(f for f in (flags.get(key), flags.get((key, metric))) if f)
            summary.append(_summary_row(dict(base, _note=f"note {HOSTILE}" if not row else ""),
                                        metric, values, p, scale, flag, best))
            for seed, (v, b) in enumerate(zip(values, best)):
                runs.append(dict(
                    experiment=f"table{table}", scale=scale, table=table, row_key=key,
                    dataset="THUMOS14", task="", method=base["method"], variant=base["variant"],
                    features=base["features"], stand_in=base["stand_in"], run_name=run_name,
                    config=run_name, config_hash="h" * 64, seed=seed, metric=metric, value=v,
                    best_on_test=b, best_epoch=10, epochs=12, git_sha=GIT_SHA, git_dirty="False",
                    wall_time_s=1.0,
                ))
    frames = dict(
        summary=check_schema(pd.DataFrame(summary, columns=list(SUMMARY_SCHEMA)), SUMMARY_SCHEMA, "s"),
        runs=check_schema(pd.DataFrame(runs, columns=list(RUN_SCHEMA)), RUN_SCHEMA, "r"),
        comparisons=check_schema(pd.DataFrame([], columns=list(COMPARISON_SCHEMA)),
                                 COMPARISON_SCHEMA, "c"),
        problems=check_schema(pd.DataFrame([dict(path=f"results/runs/{HOSTILE}", kind="corrupt",
                                                 message="fake problem")],
                                           columns=list(PROBLEM_SCHEMA)), PROBLEM_SCHEMA, "p"),
    )
    meta = dict(experiment=f"table{table}", scale=scale, bootstrap_samples=0, bootstrap_seed=0,
                confidence=0.95, runs=len({(r['run_name'], r['seed']) for r in runs}),
                cells=len(entries), excluded_records=0, problems=1)
    return {**frames, "meta": meta}


def write_tables(tables: dict, folder: Path) -> Path:
    """Write a fake aggregate like ``harness.aggregate.write_tables``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("runs", "summary", "comparisons", "problems"):
        tables[name].to_csv(folder / f"{name}.csv", index=False)
    (folder / "meta.json").write_text(json.dumps(tables["meta"]))
    return folder


def write_records(tables: dict, results: Path) -> None:
    """Minimal ``record.json`` files for the counted runs, with a hostile class name."""
    runs = tables["runs"][["run_name", "seed", "config_hash"]].drop_duplicates()
    for r in runs.itertuples():
        folder = results / r.run_name / f"seed{r.seed}"
        folder.mkdir(parents=True, exist_ok=True)
        record = dict(
            config_hash=r.config_hash, seed=int(r.seed), status="ok",
            created=f"2026-01-0{1 + int(r.seed)}T00:00:00+00:00",
            manifest=dict(device="cpu", hardware=dict(cpu="Fake CPU", cpu_count=2, gpu_count=0),
                          versions=dict(python="3.11", torch="2.x"), world_size=1),
            evaluator=dict(class_names={"0": HOSTILE, "1": "Diving"}, subset="validation",
                           counts=dict(gt=10, gt_videos=4), options=dict(excluded_videos=[])),
            ap_per_class={"0": [0.5, 0.4], "1": [0.9, 0.7]},
        )
        (folder / "record.json").write_text(json.dumps(record))
