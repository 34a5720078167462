"""Run records of an experiment → tidy tables with statistics (``python -m harness aggregate``).

For every cell (paper row at one scale) the run folder ``<results>/<run_name>/seed<k>/`` is
read; only ``record.json`` files that parse, have status ok and carry the cell's config hash
count. Everything else is reported as a problem and skipped, never fatal: foreign files,
corrupt records, failed or incomplete runs, records of another config hash. **Config hashes
are never mixed in one cell**: the hash of the current config (with the cell's overrides and
data root) is kept; when the config cannot be loaded, the hash with the most records (ties: the
newest record) is kept; the other records are excluded and the cell's note says so.

Outputs (:func:`write_tables`, atomically, under ``results/tables/<experiment>-<scale>/``):

- ``runs.csv``: one row per (run, metric, row filled) — :data:`RUN_SCHEMA`;
- ``summary.csv``: one row per (cell, metric) — n, mean, sample std, 95 % t-interval,
  prediction interval, min, max, seed bootstrap (n >= 10), video-level bootstrap CI, the paper's
  value, Δ = ours − paper and the verdict (real scale, n >= 3), best-on-test means and the
  inflation best − last — :data:`SUMMARY_SCHEMA`;
- ``comparisons.csv``: paired comparisons on common seeds — :data:`COMPARISON_SCHEMA`;
- ``problems.csv`` and ``meta.json`` (options, bootstrap seed, counts).

mAP values are in percent, like the paper's.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from harness import stats
from harness.experiments.paper_values import PaperValues, metric_label
from harness.experiments.schema import Cell, Experiment
from harness.manifest import REPO_ROOT
from harness.records import RunRecord
from harness.sweep.state import RECORD, read_record, record_problem, seed_dirs

RUN_SCHEMA = {
    "experiment": "str", "scale": "str", "table": "int", "row_key": "str", "dataset": "str",
    "task": "str", "method": "str", "variant": "str", "features": "str", "stand_in": "str",
    "run_name": "str", "config": "str", "config_hash": "str", "seed": "int", "metric": "str",
    "value": "float", "best_on_test": "float", "best_epoch": "Int", "epochs": "int",
    "git_sha": "str", "git_dirty": "str", "wall_time_s": "float",
}
SUMMARY_SCHEMA = {
    "experiment": "str", "scale": "str", "table": "int", "row_key": "str", "dataset": "str",
    "task": "str", "method": "str", "variant": "str", "features": "str", "marks": "str",
    "kind": "str", "stand_in": "str", "run_name": "str", "config_hash": "str", "metric": "str",
    "n": "int", "seeds": "str", "mean": "float", "std": "float", "ci_low": "float",
    "ci_high": "float", "pi_low": "float", "pi_high": "float", "min": "float", "max": "float",
    "seed_boot_low": "float", "seed_boot_high": "float", "video_boot_low": "float",
    "video_boot_high": "float", "video_boot_samples": "int", "paper": "float", "delta": "float",
    "verdict": "str", "paper_flag": "str", "best_on_test_mean": "float",
    "inflation_mean": "float", "excluded": "int", "note": "str",
}
COMPARISON_SCHEMA = {
    "experiment": "str", "scale": "str", "a": "str", "b": "str", "a_label": "str",
    "b_label": "str", "metric": "str", "seeds": "str", "n": "int", "mean_a": "float",
    "mean_b": "float", "delta": "float", "welch_low": "float", "welch_high": "float",
    "p_improve": "float", "p_low": "float", "p_high": "float", "video_delta_low": "float",
    "video_delta_high": "float", "note": "str",
}
PROBLEM_SCHEMA = {"path": "str", "kind": "str", "message": "str"}
SYNTHETIC_NOTE = "synthetic stand-in: not comparable with the paper's number"


@dataclass(frozen=True)
class AggregateOptions:
    """Knobs of an aggregation (all recorded in ``meta.json``).

    Attributes:
        bootstrap_samples: B of the video-level bootstrap (0 disables it).
        bootstrap_seed: seed of every resample (video bootstrap, P(A > B) CI, seed bootstrap).
        confidence: coverage of every interval.
        seeds: only these seeds (None: every seed found).
        improvement_samples: B of the stratified bootstrap of P(A > B).
    """

    bootstrap_samples: int = 1000
    bootstrap_seed: int = 0
    confidence: float = 0.95
    seeds: tuple[int, ...] | None = None
    improvement_samples: int = 2000


@dataclass
class CellRuns:
    """The kept records of one cell (seed -> (folder, record)) and what was excluded."""

    cell: Cell
    records: dict[int, tuple[Path, RunRecord]] = field(default_factory=dict)
    config_hash: str = ""
    excluded: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AggregateResult:
    runs: pd.DataFrame
    summary: pd.DataFrame
    comparisons: pd.DataFrame
    problems: pd.DataFrame
    meta: dict[str, Any]


class Problems(list):
    """Collected problems: (path, kind, message)."""

    def add(self, path: Path | str, kind: str, message: str) -> None:
        item = (str(path), kind, message)
        if item not in self:  # run folders shared by several rows are read once per row
            self.append(item)


def check_schema(df: pd.DataFrame, schema: dict[str, str], name: str) -> pd.DataFrame:
    """Cast ``df`` to the declared columns and kinds, in order; raise if anything is off.

    Kinds: ``str``, ``int``, ``Int`` (nullable int), ``float``.
    """
    if list(df.columns) != list(schema):
        raise ValueError(f"{name}: columns {list(df.columns)} != declared {list(schema)}")
    casts = {"str": "str", "int": "int64", "Int": "Int64", "float": "float64"}
    df = df.astype({c: casts[k] for c, k in schema.items()})
    checks = {
        "str": lambda s: pd.api.types.is_string_dtype(s) or s.dtype == object,
        "int": lambda s: str(s.dtype) == "int64", "Int": lambda s: str(s.dtype) == "Int64",
        "float": lambda s: str(s.dtype) == "float64",
    }
    bad = [c for c, k in schema.items() if not checks[k](df[c])]
    if bad:
        raise ValueError(f"{name}: columns {bad} do not have their declared types")
    return df


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
    from harness.errors import HarnessError
    from harness.sweep.plan import cell_hash

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
        elif (bad := record_problem(record, seed)) is not None:
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


def _row_fields(cell: Cell) -> dict[str, Any]:
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
                    experiment=experiment, scale=scale, **_row_fields(cr.cell),
                    run_name=cr.cell.run_name or "", config=rec.config_name,
                    config_hash=rec.config_hash, seed=seed, metric=metric, value=value,
                    best_on_test=best.get(metric, math.nan), best_epoch=best_epoch,
                    epochs=rec.epochs, git_sha=rec.manifest.git_sha or "",
                    git_dirty="" if rec.manifest.git_dirty is None else str(rec.manifest.git_dirty),
                    wall_time_s=rec.wall_time_s,
                ))
    df = pd.DataFrame(rows, columns=list(RUN_SCHEMA))
    return check_schema(df, RUN_SCHEMA, "runs")


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
            experiment=experiment, scale=scale, **_row_fields(cell),
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


@dataclass
class _Flags:
    """Video flags of the kept records of one cell, by seed, and their test-set key."""

    by_seed: dict[int, Any] = field(default_factory=dict)
    test_key: str = ""


def _record_flags(folder: Path, rec: RunRecord, cache: dict, problems: Problems):
    """(flags, test-set key) of a record's saved predictions, or (None, '') with a problem."""
    from harness.errors import HarnessError
    from harness.metrics.bootstrap import flags_from_files, weighted_map

    ev = rec.evaluator or {}
    opts = {**ev, **(ev.get("options") or {})}  # MAPResult.to_json nests the options
    source, subset = ev.get("ground_truth_source"), ev.get("subset") or rec.test_split
    if not rec.predictions or not source or not subset:
        problems.add(folder, "bootstrap", "no saved predictions or ground-truth source in the "
                     "record; no video bootstrap for this run")
        return None, ""
    ann = Path(source) if Path(source).is_absolute() else REPO_ROOT / source
    excluded = tuple(opts.get("excluded_videos") or ())
    try:
        flags = flags_from_files(
            ann, subset, folder / rec.predictions, rec.tiou, exclude_videos=excluded,
            gt_dedup=bool(opts.get("gt_dedup", True)),
            drop_zero_length_gt=bool(opts.get("drop_zero_length_gt", True)), cache=cache,
        )
    except (HarnessError, OSError, ValueError) as exc:
        problems.add(folder, "bootstrap", f"cannot read predictions/ground truth: {exc}")
        return None, ""
    again = weighted_map(flags, np.ones(len(flags.videos)))
    if not np.allclose(again, rec.mAP, atol=1e-9, rtol=0):
        problems.add(folder, "bootstrap", "re-evaluated predictions disagree with the record's mAP "
                     f"({np.round(again * 100, 3).tolist()} vs {np.round(np.array(rec.mAP) * 100, 3).tolist()}); skipped")
        return None, ""
    return flags, f"{ann}|{subset}|{','.join(excluded)}|{','.join(map(str, rec.tiou))}"


def cell_flags(cells: list[CellRuns], problems: Problems, enabled: bool) -> list[_Flags]:
    """Flags of every cell's records (empty when the bootstrap is disabled or impossible)."""
    cache: dict = {}
    out = []
    done: dict[str, _Flags] = {}
    for cr in cells:
        f = _Flags()
        if cr.cell.run_name in done:
            out.append(done[cr.cell.run_name])
            continue
        if enabled:
            keys = set()
            for seed, (folder, rec) in cr.records.items():
                flags, key = _record_flags(folder, rec, cache, problems)
                if flags is not None:
                    f.by_seed[seed] = flags
                    keys.add(key)
            if len(keys) > 1:
                problems.add(cr.cell.run_name or "", "bootstrap", "runs of one cell were evaluated on "
                             "different test sets; no video bootstrap for the cell")
                f = _Flags()
            elif keys and len(f.by_seed) == len(cr.records):
                f.test_key = keys.pop()
            else:
                f = _Flags()
        if cr.cell.run_name:
            done[cr.cell.run_name] = f
        out.append(f)
    return out


def resamples(flag_sets: list[_Flags], options: AggregateOptions) -> dict[str, tuple]:
    """Per test set: (video list, [B, V] counts) drawn from (bootstrap seed, test-set key)."""
    from harness.metrics.bootstrap import key_seed, resample_counts, shared_videos

    units: dict[str, list] = {}
    for f in flag_sets:
        if f.test_key:
            units.setdefault(f.test_key, []).extend(f.by_seed.values())
    out = {}
    for key, sets in units.items():
        videos = shared_videos(sets)
        rng = np.random.default_rng(key_seed(options.bootstrap_seed, key))
        out[key] = (videos, resample_counts(len(videos), options.bootstrap_samples, rng))
    return out


def _video_boot(f: _Flags, seeds, draws: dict, options: AggregateOptions):
    from harness.metrics.bootstrap import video_bootstrap

    if not f.test_key or options.bootstrap_samples <= 0:
        return None
    videos, counts = draws[f.test_key]
    return video_bootstrap([f.by_seed[s] for s in seeds], counts, videos=videos,
                           seed=options.bootstrap_seed)


def compare_cells(
    experiment: Experiment, scale: str, by_key: dict[str, CellRuns], flags: dict[str, _Flags],
    draws: dict, options: AggregateOptions,
) -> pd.DataFrame:
    """Paired comparisons A vs B on the seeds both have (see :mod:`harness.stats`)."""
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
            ra, rb = _video_boot(fa, common, draws, options), _video_boot(fb, common, draws, options)
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


def paper_flags(scale: str, paper: PaperValues) -> dict:
    """Row flags (printed avg vs its columns) and (row, metric) flags (one config printed
    differently), over every paper table so that Table 1 is flagged even when alone."""
    from harness.experiments.loader import paper_experiment
    from harness.experiments.paper_values import average_flags, shared_config_flags

    cells = paper_experiment().cells(scale)
    flags: dict = dict(average_flags(paper))
    flags.update(shared_config_flags(paper, [(c.run_name, c.row.key) for c in cells if c.run_name]))
    return flags


def aggregate(
    experiment: Experiment, scale: str, results: Path, options: AggregateOptions | None = None,
    *, data_root: str | None = None, paper: PaperValues | None = None,
    repo_root: Path = REPO_ROOT,
) -> AggregateResult:
    """Collect, check and summarise the records of ``experiment`` at ``scale``."""
    from harness.experiments.paper_values import load_paper_values

    options = options or AggregateOptions()
    paper = paper or load_paper_values()
    problems = Problems()
    results = Path(results)
    if not results.is_dir():
        problems.add(results, "missing", "results folder does not exist")
    cells: list[CellRuns] = []
    by_run: dict[str, CellRuns] = {}
    for c in experiment.cells(scale, data_root=data_root, repo_root=repo_root):
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
            boots[name] = _video_boot(f, list(cr.records), draws, options) if cr.records else None
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
    from harness.io import atomic_write_json, atomic_write_text

    out_dir = Path(out_dir)
    written = []
    for name, df in (("runs", result.runs), ("summary", result.summary),
                     ("comparisons", result.comparisons), ("problems", result.problems)):
        written.append(atomic_write_text(out_dir / f"{name}.csv", df.to_csv(index=False)))
    written.append(atomic_write_json(out_dir / "meta.json", result.meta))
    return written
