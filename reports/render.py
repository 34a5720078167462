"""Render one aggregate into HTML pages, LaTeX files and figures.

Layout of the output folder (default ``reports/build/<experiment>-<scale>/``)::

    index.html              tables, claims summary line, figures, problems, provenance
    table<N>.html           one page per paper table
    claims.html             the paper's claims with verdicts (when claims are given)
    figures/*.png, *.pdf    matplotlib figures (PNG for HTML, PDF for LaTeX)
    latex/preamble.tex      packages and macros (booktabs, siunitx, ...)
    latex/table<N>.tex      one table float per paper table
    latex/claims.tex        the claims with verdicts, one float per family (paper table)
    latex/report.tex        standalone document: \\input{preamble}, every table, every figure
    params.json             Table 8 parameter counts (when counted)

Every file is written atomically. The HTML pages carry no script.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.core.claims import ClaimResult
from harness.io import atomic_write_json, atomic_write_text
from reports import claims as claims_view
from reports import figures as figs
from reports import figures_ablation as ablation
from reports import html, latex
from reports.frames import AggregateFrames
from reports.params import ParamCount, counted_millions, to_json
from reports.provenance import Provenance, build_provenance
from reports.runinfo import RunInfo, class_ap_table, test_sets
from reports.tables import TableView, build_tables

FORMATS = ("html", "latex")
DIAGNOSIS_INDEX = "diagnosis/index.html"  # written by `python -m harness diagnose EXPERIMENT`
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReportOutput:
    """``index``: the page to open (index.html, or latex/report.tex without HTML)."""

    out_dir: Path
    index: Path
    files: tuple[Path, ...]
    figures: tuple[figs.FigureFile, ...]


def tables_text(tables: list[int]) -> str:
    """``Table 1`` / ``Tables 6, 7 and 8``."""
    if len(tables) == 1:
        return f"Table {tables[0]}"
    names = [str(t) for t in tables]
    return "Tables " + ", ".join(names[:-1]) + " and " + names[-1]


def _title(frames: AggregateFrames) -> str:
    return (f"tal-harness: {frames.experiment} ({frames.scale} scale) — reproduction of "
            f"CLTDR-GMG (AAAI 2025) {tables_text(frames.tables)}")


def row_notes(view: TableView, infos: dict[tuple[str, int], RunInfo]) -> list[tuple[str, str]]:
    """(row label, details) for every row the harness declares (paper-only rows excluded)."""
    out = []
    for r in view.rows:
        if r.reported_only:
            continue
        text = r.details()
        sets = test_sets(infos, r.run_name) if r.status == "run" else []
        if sets:
            text += "; test set " + " | ".join(sets)
        label = " / ".join(p for p in (r.task, r.label, r.features if not r.variant else "") if p)
        out.append((label, text))
    return out


def class_ap(view: TableView, infos: dict[tuple[str, int], RunInfo]) -> dict[str, Any] | None:
    """Per-class AP of the table's run rows (class names from the annotation files)."""
    cols, tables = [], []
    for r in view.rows:
        if r.status == "run" and (t := class_ap_table(infos, r.run_name)):
            cols.append(figs.row_name(r))
            tables.append(t)
    if not tables:
        return None
    classes = list(dict.fromkeys(c for t in tables for c in t))
    return dict(columns=cols, classes=[(c, [t.get(c) for t in tables]) for c in classes])


def _table_figures(view: TableView, frames: AggregateFrames, fig_dir: Path,
                   params: list[ParamCount]) -> list[figs.FigureFile]:
    made = [figs.map_vs_tiou(view, frames.summary, fig_dir),
            figs.inflation(view, frames.runs, fig_dir), figs.seed_strip(view, frames.runs, fig_dir)]
    if view.table in ablation.ABLATION_TABLES:
        made.append(ablation.ablation_bars(view, fig_dir))
    if view.table == 8 and params:
        paper = {r.key: c.paper for r in view.rows for c in r.cells
                 if c.unit == "M" and c.paper is not None}
        made.append(ablation.parameter_bars(params, fig_dir, paper))
    return [f for f in made if f is not None]


def _latex_groups(view: TableView) -> list[dict[str, Any]]:
    show_delta = not view.synthetic
    return [dict(title=g.title, lines=[ln for r in g.rows for ln in latex.row_lines(view, r, show_delta)])
            for g in view.groups]


def _write_latex(out: Path, views: list[TableView], frames: AggregateFrames,
                 prov: Provenance, figures: list[figs.FigureFile],
                 infos: dict[tuple[str, int], RunInfo], claims: list[ClaimResult],
                 stale: str) -> list[Path]:
    env = latex.environment()
    tex = out / "latex"
    written = [atomic_write_text(tex / "preamble.tex", env.get_template("preamble.tex.j2").render())]
    scale_text = "(synthetic scale)" if frames.synthetic else "(real scale)"
    for v in views:
        ctx = dict(
            view=v, synthetic=v.synthetic, scale_text=scale_text, spec=latex.column_spec(v),
            ncols=2 + len(v.checks) + len(v.columns),
            check_headers=[latex.Tex(c.tex) for c in v.checks],
            headers=[latex.Tex(c.tex) for c in v.columns], groups=_latex_groups(v),
            flagged=v.flagged_rows, row_notes=row_notes(v, infos), provenance=prov,
            inflation_note=figs.inflation_note(v, frames.runs),
        )
        written.append(atomic_write_text(tex / f"table{v.table}.tex",
                                         env.get_template("table.tex.j2").render(**ctx)))
    if claims:
        written.append(atomic_write_text(tex / "claims.tex", env.get_template(
            "claims.tex.j2").render(scale_text=scale_text,
                                    **claims_view.page_context(claims, frames.synthetic))))
    report = env.get_template("report.tex.j2").render(
        title=_title(frames), synthetic=frames.synthetic, experiment=frames.experiment,
        scale=frames.scale, source=str(frames.source or "memory"), provenance=prov,
        tables=[f"table{v.table}" for v in views] + (["claims"] if claims else []),
        claims_summary=claims_view.summarize(claims).line() if claims else "", stale=stale,
        figures=[dict(file=f.pdf.name, title=f.title, caption=f.caption) for f in figures],
    )
    written.append(atomic_write_text(tex / "report.tex", report))
    return written


def _write_html(out: Path, views: list[TableView], frames: AggregateFrames, prov: Provenance,
                by_table: dict[int, list[figs.FigureFile]], infos: dict[tuple[str, int], RunInfo],
                latex_href: str | None, claims: list[ClaimResult], stale: str) -> list[Path]:
    env = html.environment()
    nav = [dict(table=v.table, href=f"table{v.table}.html") for v in views]
    common = dict(experiment=frames.experiment, scale=frames.scale, synthetic=frames.synthetic,
                  provenance=prov, nav=nav, claims_href="claims.html" if claims else None,
                  stale_banner=stale)
    written = []
    for v in views:
        page = env.get_template("table.html.j2").render(
            view=v, figures=by_table.get(v.table, []), row_notes=row_notes(v, infos),
            class_ap=class_ap(v, infos), inflation_note=figs.inflation_note(v, frames.runs),
            **common)
        written.append(atomic_write_text(out / f"table{v.table}.html", page))
    if claims:
        ctx = {**claims_view.page_context(claims, frames.synthetic), **common}
        page = env.get_template("claims.html.j2").render(**ctx)
        written.append(atomic_write_text(out / "claims.html", page))
    index = env.get_template("index.html.j2").render(
        title=_title(frames), source=str(frames.source or "memory"),
        claims_summary=claims_view.summarize(claims).line() if claims else "",
        tables=[html.table_summary(v, f"table{v.table}.html") for v in views],
        figures=[f for v in views for f in by_table.get(v.table, [])],
        problems=list(frames.problems.itertuples()), latex=latex_href,
        diagnosis=DIAGNOSIS_INDEX if (out / DIAGNOSIS_INDEX).is_file() else None, **common)
    written.append(atomic_write_text(out / "index.html", index))
    return written


def render_report(
    frames: AggregateFrames, out_dir: Path, *, formats: tuple[str, ...] = FORMATS,
    params: list[ParamCount] | None = None, infos: dict[tuple[str, int], RunInfo] | None = None,
    report_commit: str = "unknown", rendered: str | None = None,
    progress: Progress | None = None, claims: list[ClaimResult] | None = None,
    stale: str = "", code_fingerprint: str = "",
) -> ReportOutput:
    """Render ``frames`` into ``out_dir``.

    Args:
        frames: the aggregate.
        out_dir: output folder (created).
        formats: any of ``html``, ``latex``.
        params: Table 8 parameter counts (see :mod:`reports.params`).
        infos: run details (see :mod:`reports.runinfo`); None = none.
        report_commit: commit of the rendering code (provenance).
        rendered: timestamp to print (default now).
        progress: called as ``progress(description, done, total)``.
        claims: the decided claims (:mod:`harness.core.claims`); None/empty = no Claims page.
        stale: a freshness warning shown as a banner on every page ('' = none).
        code_fingerprint: the provenance line on code fingerprints (runs vs working tree).
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown report formats {bad} (known: {', '.join(FORMATS)})")
    out, params, infos = Path(out_dir), list(params or []), infos or {}
    claims = list(claims or [])
    views = build_tables(frames, counted_millions(params))
    prov = build_provenance(frames, infos, report_commit=report_commit, rendered=rendered,
                            code_fingerprint=code_fingerprint)
    total, done = len(views) + len(formats), 0
    by_table: dict[int, list[figs.FigureFile]] = {}
    for v in views:
        if progress:
            progress(f"figures of Table {v.table}", done, total)
        by_table[v.table] = _table_figures(v, frames, out / "figures", params)
        done += 1
    all_figs = [f for v in views for f in by_table[v.table]]
    files = [p for f in all_figs for p in (f.png, f.pdf)]
    if params:
        files.append(atomic_write_json(out / "params.json", to_json(params)))
    if "latex" in formats:
        if progress:
            progress("LaTeX", done, total)
        files += _write_latex(out, views, frames, prov, all_figs, infos, claims, stale)
        done += 1
    if "html" in formats:
        if progress:
            progress("HTML", done, total)
        files += _write_html(out, views, frames, prov, by_table, infos,
                             "latex/report.tex" if "latex" in formats else None, claims, stale)
        done += 1
    if progress:
        progress("done", done, total)
    index = out / "index.html" if "html" in formats else out / "latex" / "report.tex"
    return ReportOutput(out, index, tuple(files), tuple(all_figs))
