"""Per-cell summary (``summary.csv``): seed statistics, paper value, verdict, inflation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from harness.aggregate.collect import CellRuns, best_metrics, record_metrics, row_fields
from harness.aggregate.options import AggregateOptions
from harness.core import stats
from harness.experiments.loader import paper_experiment
from harness.experiments.paper_values import (
    PaperValues,
    average_flags,
    metric_label,
    shared_config_flags,
)

SYNTHETIC_NOTE = "synthetic stand-in: not comparable with the paper's number"


def metric_order(metrics) -> list[str]:
    """Thresholds ascending, then ``avg``, then anything else (e.g. ``params_M``)."""
    def key(m: str):
        try:
            return (0, float(m), m)
        except ValueError:
            return (1 if m == "avg" else 2, 0.0, m)

    return sorted(set(metrics), key=key)


def _nan_if_none(x: float | None) -> float:
    return math.nan if x is None else float(x)


def summarize_cell(
    experiment: str, scale: str, cr: CellRuns, paper: PaperValues, flags: dict,
    boot, options: AggregateOptions,
) -> list[dict[str, Any]]:
    """Summary rows of one cell: one per metric (paper metrics and recorded metrics)."""
    cell = cr.cell
    values: dict[str, dict[int, float]] = {}
    best: dict[str, dict[int, float]] = {}
    for seed, (_, rec) in cr.records.items():
        for m, v in record_metrics(rec).items():
            values.setdefault(m, {})[seed] = v
        for m, v in best_metrics(rec)[1].items():
            best.setdefault(m, {})[seed] = v
    notes = [cell.note, *cr.notes] + ([SYNTHETIC_NOTE] if scale == "synthetic" else [])
    boot_index = {}
    if boot is not None:
        labels = [metric_label(t) for t in next(iter(cr.records.values()))[1].tiou] + ["avg"]
        low, high = boot.interval(options.confidence)
        boot_index = {m: (low[i] * 100.0, high[i] * 100.0) for i, m in enumerate(labels)}
    rows = []
    for metric in metric_order([*values, *paper.metrics(cell.row.key)]):
        per_seed = values.get(metric, {})
        x = list(per_seed.values())
        s = stats.summarize(x, options.confidence)
        p = paper.get(cell.row.key, metric)
        seed_boot = stats.percentile_bootstrap_mean(
            x, confidence=options.confidence, random_state=options.bootstrap_seed) if x else None
        delta, verdict = math.nan, None
        if scale == "real" and p is not None and s.n:
            delta, verdict = s.mean - p, stats.verdict(p, s.ci, s.n)
        b = best.get(metric, {})
        paired = [b[k] - per_seed[k] for k in b if k in per_seed]
        vb = boot_index.get(metric, (math.nan, math.nan))
        rows.append(dict(
            experiment=experiment, scale=scale, **row_fields(cell),
            marks=paper.marks.get(cell.row.key, ""), kind=cell.kind,
            run_name=cell.run_name or "", config_hash=cr.config_hash, metric=metric, n=s.n,
            seeds=",".join(map(str, per_seed)), mean=s.mean, std=s.std, ci_low=s.ci.low,
            ci_high=s.ci.high, pi_low=s.pi.low, pi_high=s.pi.high, min=s.minimum, max=s.maximum,
            seed_boot_low=seed_boot.low if seed_boot else math.nan,
            seed_boot_high=seed_boot.high if seed_boot else math.nan,
            video_boot_low=vb[0], video_boot_high=vb[1],
            video_boot_samples=boot.num_samples if boot is not None and metric in boot_index else 0,
            paper=_nan_if_none(p), delta=delta, verdict=verdict or "",
            paper_flag="; ".join(f for f in (flags.get(cell.row.key), flags.get((cell.row.key, metric))) if f),
            best_on_test_mean=float(np.mean(list(b.values()))) if b else math.nan,
            inflation_mean=float(np.mean(paired)) if paired else math.nan,
            excluded=cr.excluded, note="; ".join(n for n in notes if n),
        ))
    return rows


def paper_flags(scale: str, paper: PaperValues) -> dict:
    """Row flags (printed avg vs its columns) and (row, metric) flags (one config printed
    differently), over every paper table so that Table 1 is flagged even when alone."""
    cells = paper_experiment().cells(scale)
    flags: dict = dict(average_flags(paper))
    flags.update(shared_config_flags(paper, [(c.run_name, c.row.key) for c in cells if c.run_name]))
    return flags
