"""Paired comparisons A vs B on their common seeds (``comparisons.csv``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from harness.aggregate.collect import CellRuns, record_metrics
from harness.aggregate.options import AggregateOptions
from harness.aggregate.summary import metric_order
from harness.aggregate.video_bootstrap import CellFlags, video_boot
from harness.core import stats
from harness.core.schemas import COMPARISON_SCHEMA, check_schema
from harness.experiments.paper_values import metric_label
from harness.experiments.schema import Experiment


def compare_cells(
    experiment: Experiment, scale: str, by_key: dict[str, CellRuns], flags: dict[str, CellFlags],
    draws: dict, options: AggregateOptions,
) -> pd.DataFrame:
    """Paired comparisons A vs B on the seeds both have (see :mod:`harness.core.stats`)."""
    rows = []
    for comp in experiment.comparisons:
        a, b = by_key.get(comp.a), by_key.get(comp.b)
        if a is None or b is None:
            continue
        common = sorted(set(a.records) & set(b.records))
        va = {s: record_metrics(a.records[s][1]) for s in common}
        vb = {s: record_metrics(b.records[s][1]) for s in common}
        metrics = metric_order({m for s in common for m in va[s]} & {m for s in common for m in vb[s]})
        fa, fb = flags[comp.a], flags[comp.b]
        video = None
        if common and fa.test_key and fa.test_key == fb.test_key and options.bootstrap_samples > 0:
            ra, rb = video_boot(fa, common, draws, options), video_boot(fb, common, draws, options)
            labels = [metric_label(t) for t in a.records[common[0]][1].tiou] + ["avg"]
            diff = ra.replicates - rb.replicates  # [B, K + 1] same resamples for both
            video = {m: stats.percentile_interval(diff[:, i] * 100.0, 0.0, options.confidence)
                     for i, m in enumerate(labels)}
        note = "" if common else "no common seeds"
        for metric in metrics or ["avg"]:
            xa = [va[s][metric] for s in common if metric in va[s]]
            xb = [vb[s][metric] for s in common if metric in vb[s]]
            w = stats.welch_interval(xa, xb, options.confidence) if xa and xb else None
            p = stats.probability_of_improvement_ci(
                xa, xb, num_samples=options.improvement_samples, confidence=options.confidence,
                random_state=options.bootstrap_seed) if xa and xb else None
            v = (video or {}).get(metric)
            rows.append(dict(
                experiment=experiment.name, scale=scale, a=comp.a, b=comp.b,
                a_label=a.cell.row.label, b_label=b.cell.row.label, metric=metric,
                seeds=",".join(map(str, common)), n=len(common),
                mean_a=float(np.mean(xa)) if xa else math.nan,
                mean_b=float(np.mean(xb)) if xb else math.nan,
                delta=w.estimate if w else math.nan, welch_low=w.low if w else math.nan,
                welch_high=w.high if w else math.nan, p_improve=p.estimate if p else math.nan,
                p_low=p.low if p else math.nan, p_high=p.high if p else math.nan,
                video_delta_low=v.low if v else math.nan, video_delta_high=v.high if v else math.nan,
                note=note,
            ))
    return check_schema(pd.DataFrame(rows, columns=list(COMPARISON_SCHEMA)), COMPARISON_SCHEMA,
                        "comparisons")
