"""Collection: the kept run records of each cell, and the tidy per-run table (``runs.csv``).

Only ``record.json`` files that parse, have status ok and carry the cell's config hash count;
everything else becomes a problem (see :mod:`harness.aggregate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from harness.core.schemas import RUN_SCHEMA, check_schema
from harness.errors import HarnessError
from harness.experiments.paper_values import metric_label
from harness.experiments.schema import Cell
from harness.manifest import REPO_ROOT
from harness.records import RunRecord
from harness.sweep.plan import cell_hash
from harness.sweep.state import RECORD, read_record, record_problem, seed_dirs


@dataclass
class CellRuns:
    """The kept records of one cell (seed -> (folder, record)) and what was excluded."""

    cell: Cell
    records: dict[int, tuple[Path, RunRecord]] = field(default_factory=dict)
    config_hash: str = ""
    excluded: int = 0
    notes: list[str] = field(default_factory=list)


class Problems(list):
    """Collected problems: (path, kind, message)."""

    def add(self, path: Path | str, kind: str, message: str) -> None:
        item = (str(path), kind, message)
        if item not in self:  # run folders shared by several rows are read once per row
            self.append(item)


def record_metrics(record: RunRecord) -> dict[str, float]:
    """metric label -> mAP in percent (thresholds, then ``avg``)."""
    out = {metric_label(t): 100.0 * v for t, v in zip(record.tiou, record.mAP)}
    if record.average_mAP is not None:
        out["avg"] = 100.0 * record.average_mAP
    return out


def best_metrics(record: RunRecord) -> tuple[int | None, dict[str, float]]:
    """(best-on-test epoch, metric label -> percent) from the record's test curve."""
    best = record.best_on_test
    if best is None:
        return None, {}
    out: dict[str, float] = {}
    for point in record.test_curve:
        if point.epoch != best.epoch:
            continue
        for key, value in point.metrics.items():
            if "mAP@" in key:
                try:
                    out[metric_label(float(key.rsplit("@", 1)[1]))] = 100.0 * float(value)
                except ValueError:
                    continue
    out["avg"] = 100.0 * best.average_mAP
    return best.epoch, out


def _expected_hash(cell: Cell, repo_root: Path) -> str | None:
    if cell.kind != "run":
        return None
    try:
        return cell_hash(cell, repo_root)
    except HarnessError:
        return None


def collect_cell(cell: Cell, results: Path, problems: Problems,
                 seeds: tuple[int, ...] | None = None, repo_root: Path = REPO_ROOT) -> CellRuns:
    """Read the records of one cell (see the module docstring for the rules)."""
    runs = CellRuns(cell)
    if cell.run_name is None:
        return runs
    run_dir = results / cell.run_name
    found, foreign = seed_dirs(run_dir)
    for path in foreign:
        problems.add(path, "foreign", "not a seed<k> folder; ignored")
    candidates: dict[int, tuple[Path, RunRecord]] = {}
    for seed, folder in found:
        if seeds is not None and seed not in seeds:
            continue
        path = folder / RECORD
        if not path.is_file():
            problems.add(folder, "incomplete", "no record.json (partial or running); skipped")
            continue
        record, why = read_record(path)
        if record is None:
            problems.add(path, "corrupt", why)
        elif (bad := record_problem(record, seed)) is not None:  # the sweep's rule too
            problems.add(path, *bad)
        else:
            candidates[seed] = (folder, record)
    if not candidates:
        return runs
    hashes: dict[str, list[int]] = {}
    for seed, (_, rec) in candidates.items():
        hashes.setdefault(rec.config_hash, []).append(seed)
    expected = _expected_hash(cell, repo_root)
    if expected is not None:
        keep, why = expected, "the current config's hash"
    else:
        keep = max(hashes, key=lambda h: (len(hashes[h]), max(candidates[s][1].created for s in hashes[h])))
        why = "the most frequent hash (the config cannot be loaded)"
    for h, seeds_h in hashes.items():
        if h == keep:
            continue
        runs.excluded += len(seeds_h)
        for s in seeds_h:
            problems.add(candidates[s][0] / RECORD, "stale",
                         f"config hash {h[:12]} differs from {keep[:12]} ({why}); excluded")
    if runs.excluded:
        runs.notes.append(f"kept config hash {keep[:12]} ({why}); excluded {runs.excluded} "
                          f"record(s) of {len(hashes) - (keep in hashes)} other hash(es)")
    runs.records = {s: v for s, v in sorted(candidates.items()) if v[1].config_hash == keep}
    runs.config_hash = keep if runs.records else ""
    return runs


def row_fields(cell: Cell) -> dict[str, Any]:
    r = cell.row
    return dict(table=r.table, row_key=r.key, dataset=r.dataset, task=r.task, method=r.method,
                variant=r.variant, features=r.features,
                stand_in=cell.stand_in.description if cell.stand_in else "")


def tidy_runs(experiment: str, scale: str, cells: list[CellRuns]) -> pd.DataFrame:
    """One row per (run, metric) of every cell (a run filling two rows appears twice)."""
    rows = []
    for cr in cells:
        for seed, (_, rec) in cr.records.items():
            best_epoch, best = best_metrics(rec)
            for metric, value in record_metrics(rec).items():
                rows.append(dict(
                    experiment=experiment, scale=scale, **row_fields(cr.cell),
                    run_name=cr.cell.run_name or "", config=rec.config_name,
                    config_hash=rec.config_hash, seed=seed, metric=metric, value=value,
                    best_on_test=best.get(metric, math.nan), best_epoch=best_epoch,
                    epochs=rec.epochs, git_sha=rec.manifest.git_sha or "",
                    git_dirty="" if rec.manifest.git_dirty is None else str(rec.manifest.git_dirty),
                    wall_time_s=rec.wall_time_s,
                    code_fingerprint=rec.manifest.code_fingerprint,
                ))
    df = pd.DataFrame(rows, columns=list(RUN_SCHEMA))
    return check_schema(df, RUN_SCHEMA, "runs")
