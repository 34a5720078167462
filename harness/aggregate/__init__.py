"""Run records of an experiment → tidy tables with statistics (``python -m harness aggregate``).

For every cell (paper row at one scale) the run folder ``<results>/<run_name>/seed<k>/`` is
read; only ``record.json`` files that parse, have status ok and carry the cell's config hash
count. Everything else is reported as a problem and skipped, never fatal: foreign files,
corrupt records, failed or incomplete runs, records of another config hash. **Config hashes
are never mixed in one cell**: the hash of the current config (with the cell's overrides and
data root) is kept; when the config cannot be loaded, the hash with the most records (ties: the
newest record) is kept; the other records are excluded and the cell's note says so.

Outputs (:func:`write_tables`, atomically, under ``results/tables/<experiment>-<scale>/``):

- ``runs.csv``: one row per (run, metric, row filled) — :data:`~harness.core.schemas.RUN_SCHEMA`;
- ``summary.csv``: one row per (cell, metric) — n, mean, sample std, 95 % t-interval,
  prediction interval, min, max, seed bootstrap (n >= 10), video-level bootstrap CI, the paper's
  value, Δ = ours − paper and the verdict (real scale, n >= 3), best-on-test means and the
  inflation best − last — :data:`~harness.core.schemas.SUMMARY_SCHEMA`;
- ``comparisons.csv``: paired comparisons on common seeds —
  :data:`~harness.core.schemas.COMPARISON_SCHEMA`;
- ``problems.csv`` and ``meta.json`` (options, bootstrap seed, counts).

mAP values are in percent, like the paper's.

Modules: :mod:`~harness.aggregate.collect` (records of each cell, ``runs.csv``),
:mod:`~harness.aggregate.summary` (per-cell statistics), :mod:`~harness.aggregate.video_bootstrap`
(video-level resampling), :mod:`~harness.aggregate.compare` (paired comparisons); this module
runs them in order and writes the tables.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from harness.aggregate.collect import CellRuns, Problems, collect_cell, tidy_runs
from harness.aggregate.compare import compare_cells
from harness.aggregate.options import AggregateOptions
from harness.aggregate.summary import paper_flags, summarize_cell
from harness.aggregate.video_bootstrap import cell_flags, resamples, video_boot
from harness.core.schemas import (
    COMPARISON_SCHEMA,
    PROBLEM_SCHEMA,
    RUN_SCHEMA,
    SUMMARY_SCHEMA,
    check_schema,
)
from harness.experiments.paper_values import PaperValues, load_paper_values
from harness.experiments.schema import Experiment
from harness.io import atomic_write_json, atomic_write_text
from harness.manifest import REPO_ROOT

__all__ = ["AggregateOptions", "AggregateResult", "aggregate", "paper_flags", "write_tables"]


@dataclass(frozen=True)
class AggregateResult:
    runs: pd.DataFrame
    summary: pd.DataFrame
    comparisons: pd.DataFrame
    problems: pd.DataFrame
    meta: dict[str, Any]


def aggregate(
    experiment: Experiment, scale: str, results: Path, options: AggregateOptions | None = None,
    *, data_root: str | None = None, paper: PaperValues | None = None,
    repo_root: Path = REPO_ROOT, schedule: str = "official",
) -> AggregateResult:
    """Collect, check and summarise the records of ``experiment`` at ``scale`` (``schedule``:
    the records of ``sweep --schedule``, harness/schedule.py)."""
    from harness.schedule import with_schedule

    options = options or AggregateOptions()
    paper = paper or load_paper_values()
    problems = Problems()
    results = Path(results)
    if not results.is_dir():
        problems.add(results, "missing", "results folder does not exist")
    cells: list[CellRuns] = []
    by_run: dict[str, CellRuns] = {}
    for c in experiment.cells(scale, data_root=data_root, repo_root=repo_root):
        c = with_schedule(c, schedule)
        prev = by_run.get(c.run_name or "")
        if prev is not None:  # rows sharing a run folder share its records
            cells.append(CellRuns(c, prev.records, prev.config_hash, prev.excluded, list(prev.notes)))
            continue
        cells.append(collect_cell(c, results, problems, options.seeds, repo_root))
        if c.run_name:
            by_run[c.run_name] = cells[-1]
    flag_sets = cell_flags(cells, problems, options.bootstrap_samples > 0)
    draws = resamples(flag_sets, options)
    flags = paper_flags(scale, paper)
    summary_rows = []
    boots: dict[str, Any] = {}
    for cr, f in zip(cells, flag_sets):
        name = cr.cell.run_name or ""
        if name not in boots or not name:
            boots[name] = video_boot(f, list(cr.records), draws, options) if cr.records else None
        boot = boots[name]
        summary_rows += summarize_cell(experiment.name, scale, cr, paper, flags, boot, options)
    summary = check_schema(pd.DataFrame(summary_rows, columns=list(SUMMARY_SCHEMA)),
                           SUMMARY_SCHEMA, "summary")
    by_key = {cr.cell.row.key: cr for cr in cells}
    comparisons = compare_cells(experiment, scale, by_key,
                                {cr.cell.row.key: f for cr, f in zip(cells, flag_sets)}, draws, options)
    problem_df = check_schema(pd.DataFrame(list(problems), columns=list(PROBLEM_SCHEMA)),
                              PROBLEM_SCHEMA, "problems")
    meta = dict(
        experiment=experiment.name, scale=scale, results=str(results),
        bootstrap_samples=options.bootstrap_samples, bootstrap_seed=options.bootstrap_seed,
        confidence=options.confidence, improvement_samples=options.improvement_samples,
        seeds=list(options.seeds) if options.seeds is not None else None,
        cells=len(cells), runs=int(sum(len(c.records) for c in cells)),
        excluded_records=int(sum(c.excluded for c in cells)), problems=len(problems),
        created=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        hardware="; ".join(_hardware_summaries(cells)) or None,
        versions="; ".join(sorted({", ".join(f"{k} {v}" for k, v in rec.manifest.versions.items())
                                   for c in cells for _f, rec in c.records.values()
                                   if rec.manifest.versions})) or None,
        schemas=dict(runs=RUN_SCHEMA, summary=SUMMARY_SCHEMA, comparisons=COMPARISON_SCHEMA,
                     problems=PROBLEM_SCHEMA),
    )
    return AggregateResult(tidy_runs(experiment.name, scale, cells), summary, comparisons,
                           problem_df, meta)


def _hardware_summaries(cells: list[CellRuns]) -> list[str]:
    """Distinct 'device, CPU model, N cores' of the runs (for the report footer)."""
    out = set()
    for c in cells:
        for _folder, rec in c.records.values():
            hw = rec.manifest.hardware or {}
            out.add(f"{rec.manifest.device}, {hw.get('cpu', '?')}, "
                    f"{hw.get('cpu_count', '?')} cores")
    return sorted(out)


def write_tables(result: AggregateResult, out_dir: Path) -> list[Path]:
    """Write the four CSV files and ``meta.json`` atomically into ``out_dir``."""
    out_dir = Path(out_dir)
    written = []
    for name, df in (("runs", result.runs), ("summary", result.summary),
                     ("comparisons", result.comparisons), ("problems", result.problems)):
        written.append(atomic_write_text(out_dir / f"{name}.csv", df.to_csv(index=False)))
    written.append(atomic_write_json(out_dir / "meta.json", result.meta))
    return written
