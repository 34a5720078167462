"""``diagnose EXPERIMENT``: DETAD's analysis of every run of an experiment, summarised over seeds.

Runs are the ones the aggregation counts (:func:`harness.aggregate.collect_cell`: ok records
of the cell's current config hash). Each run's ``predictions.json`` is diagnosed against the
test annotation file and subset of its config (``test_evaluator.ann_file`` / ``subset``).
Methods are compared within one data group (dataset and feature set / synthetic stand-in):
per method the mean and 95 % t-interval over seeds of every quantity, and paired differences
(B − A, per seed, then the interval) between the methods of the group.

Output (default ``reports/build/<experiment>-<scale>/diagnosis/``): ``index.html`` listing
the groups; per group ``<slug>/index.html`` with figures, ``diagnosis.tex``,
``summary.json``, ``runs/<method>_seed<k>.json`` and ``timelines_<method>.html/.png``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ConfigError, DataError
from harness.io import atomic_write_json, atomic_write_text

TIMELINE_RULE = ("Videos: the test videos with ground truth sorted by number of GT instances "
                 "(most first, then by name), taken at evenly spaced positions of that list; "
                 "the same videos for every method.")


@dataclass
class RunInput:
    method: str
    seed: int
    predictions: Path
    ann_file: str
    subset: str | None


@dataclass
class Group:
    """Runs of one data group: method -> seed -> :class:`RunInput`."""

    title: str
    runs: dict[str, dict[int, RunInput]] = field(default_factory=dict)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "group"


def _test_data(cell, cache: dict) -> tuple[str, str | None]:
    """(annotation file, subset) of the cell's test evaluator."""
    from harness.runner import load_config

    key = (cell.config, cell.overrides, cell.data_root)
    if key not in cache:
        cfg = load_config(cell.config, cell.override_dict(), cell.data_root)
        ev = cfg.get("test_evaluator") or {}
        ev = ev[0] if isinstance(ev, (list, tuple)) and ev else ev
        if not ev.get("ann_file"):
            raise ConfigError(f"{cell.config}: test_evaluator has no ann_file")
        cache[key] = (str(ev["ann_file"]), ev.get("subset"))
    return cache[key]


def _ground_truth(record, cell, cache: dict, repo_root: Path) -> tuple[str, str | None]:
    """(annotation file, subset) the run was evaluated on: the record's evaluator, else the config."""
    ev = record.evaluator or {}
    source, subset = ev.get("ground_truth_source"), ev.get("subset") or record.test_split
    if source:
        path = Path(source) if Path(source).is_absolute() else repo_root / source
        return str(path), subset
    ann_file, cfg_subset = _test_data(cell, cache)
    return ann_file, subset or cfg_subset


def collect_groups(experiment, scale: str, results: Path, seeds, data_root,
                   repo_root: Path | None = None, schedule: str = "official") -> tuple[list[Group], list[str]]:
    """The experiment's runs with predictions, grouped by data; also notes on what is missing
    (``schedule``: the runs of ``sweep --schedule``, harness/schedule.py)."""
    from harness.aggregate.collect import Problems, collect_cell
    from harness.manifest import REPO_ROOT
    from harness.schedule import with_schedule

    repo_root = repo_root or REPO_ROOT

    problems = Problems()
    groups: dict[str, Group] = {}
    notes: list[str] = []
    cache: dict = {}
    seen: set = set()
    for cell in experiment.cells(scale, data_root=data_root, repo_root=repo_root):
        cell = with_schedule(cell, schedule)
        if cell.kind != "run" or cell.run_name in seen:
            continue
        seen.add(cell.run_name)
        runs = collect_cell(cell, results, problems, seeds, repo_root=repo_root)
        if not runs.records:
            notes.append(f"{cell.row.label}: no runs under {results / cell.run_name}")
            continue
        data = cell.stand_in.description if cell.stand_in else f"{cell.row.dataset} {cell.row.features}"
        title = f"{cell.row.dataset} / {cell.row.features}" + (f" ({data})" if cell.stand_in else "")
        group = groups.setdefault(title, Group(title))
        method = cell.row.method + (f" {cell.row.variant}" if cell.row.variant else "")
        for seed, (folder, record) in runs.records.items():
            if not record.predictions or not (folder / record.predictions).is_file():
                notes.append(f"{folder}: no predictions file; run left out")
                continue
            ann_file, subset = _ground_truth(record, cell, cache, repo_root)
            group.runs.setdefault(method, {})[seed] = RunInput(
                method, seed, folder / record.predictions, ann_file, subset)
    notes += [f"{kind}: {path}: {msg}" for path, kind, msg in problems]
    return [g for g in groups.values() if g.runs], notes


def preset_for(ann_file: str) -> str:
    return "activitynet" if "anet" in ann_file.lower() or "activitynet" in ann_file.lower() else "thumos14"


def diagnose_group(group: Group, out: Path, options_kw: dict, timelines: int, top_k: int,
                   timeline_tiou: float) -> tuple[Path, list[str]]:
    """Diagnose every run of a group and write its page; returns (page, notes)."""
    from reports.diagnosis import (
        TIOU,
        DiagnosisOptions,
        analyse,
        diagnose,
        load_ground_truth,
        load_predictions,
    )
    from reports.diagnosis.page import html_page, latex_table, timeline_page
    from reports.diagnosis.plots import all_figures
    from reports.diagnosis.seeds import summarise
    from reports.diagnosis.timeline import pick_videos, timeline_figure

    notes: list[str] = []
    gts: dict = {}
    per_method: dict[str, dict[int, dict]] = {}
    last_pred: dict[str, tuple] = {}
    for method, seeds in group.runs.items():
        for seed, run in sorted(seeds.items()):
            key = (run.ann_file, run.subset)
            if key not in gts:
                gts[key] = load_ground_truth(run.ann_file, run.subset)
            gt = gts[key]
            preset = preset_for(run.ann_file)
            opts = DiagnosisOptions(**({"tiou": TIOU[preset], "bins": preset} | options_kw))
            preds = load_predictions(run.predictions, gt)
            d = diagnose(preds, gt, opts)
            per_method.setdefault(method, {})[seed] = d.to_json()
            atomic_write_json(out / "runs" / f"{slug(method)}_seed{seed}.json",
                              d.to_json() | {"predictions": str(run.predictions)})
            notes += [f"{method} seed {seed}: {n}" for n in d.notes]
            if seed == min(seeds):
                last_pred[method] = (gt, preds, opts)
    summary = summarise(per_method)
    atomic_write_json(out / "summary.json", summary.to_json())
    figures = {k: p.name for k, p in all_figures(summary, out).items()}
    atomic_write_text(out / "diagnosis.tex",
                      latex_table(summary, f"DETAD diagnosis, {group.title}: average-mAP_N and the "
                                  "gain from removing each error type (points, mean ± 95% "
                                  "t half-width over seeds)"))
    pages = {}
    if timelines > 0:
        for method, (gt, preds, opts) in last_pred.items():
            tl = DiagnosisOptions(**(options_kw | {"tiou": (timeline_tiou,), "bins": opts.bins,
                                                   "single_evaluation": True}))
            types = analyse(preds, gt, tl).types_all[0]
            seed = min(group.runs[method])
            png = timeline_figure(gt, preds, types, pick_videos(gt, timelines),
                                  out / f"timelines_{slug(method)}.png",
                                  f"{method}, seed {seed}", top_k=top_k, tiou=timeline_tiou)
            page = out / f"timelines_{slug(method)}.html"
            atomic_write_text(page, timeline_page(f"{method} (seed {seed})", png.name, TIMELINE_RULE))
            pages[method] = page.name
    atomic_write_text(out / "index.html", html_page(summary, f"Diagnosis: {group.title}",
                                                    figures, pages, notes))
    return out / "index.html", notes


def write_index(out: Path, title: str, pages: list[tuple[str, Path]], notes: list[str]) -> Path:
    items = "".join(f"<li><a href='{html.escape(str(p.relative_to(out)))}'>{html.escape(t)}</a></li>"
                    for t, p in pages)
    extra = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    text = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"</head><body style='font-family:sans-serif'><h1>{html.escape(title)}</h1>"
            f"<p>One page per data group (methods compared on the same data).</p><ul>{items}</ul>"
            + (f"<h2>Notes</h2><ul>{extra}</ul>" if extra else "") + "</body></html>")
    return atomic_write_text(out / "index.html", text)


def check_inputs(groups: list[Group]) -> None:
    for g in groups:
        for seeds in g.runs.values():
            for run in seeds.values():
                if not Path(run.ann_file).is_file():
                    raise DataError(f"{run.ann_file}: annotation file of {run.method} not found "
                                    "(pass the sweep's --data-root)")
