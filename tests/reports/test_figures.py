"""Figures: which are drawn for which data, valid PNG/PDF files, reproducible bytes."""

from __future__ import annotations

import math

import report_fakes as fakes

from reports import figures as figs
from reports import figures_ablation as ablation
from reports.frames import from_frames
from reports.tables import build_table


def _frames(table: int, scale: str, **changes):
    t = fakes.build_tables(table, scale)
    runs = t["runs"]
    for col, value in changes.items():
        runs = runs.assign(**{col: value})
    return from_frames(runs=runs, summary=t["summary"], meta=t["meta"])


def _valid(f: figs.FigureFile) -> None:
    assert f.png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f.pdf.read_bytes()[:5] == b"%PDF-"
    assert f.href == f"figures/{f.png.name}"


def test_table_figures_are_written(real_table1, synthetic_table8):
    _, out1 = real_table1
    assert sorted(f.name for f in out1.figures) == [
        "table1-inflation", "table1-map-vs-tiou", "table1-seeds"]
    _, out8 = synthetic_table8
    assert {"table8-ablation", "table8-params"} <= {f.name for f in out8.figures}
    for f in out1.figures + out8.figures:
        _valid(f)
    params = next(f for f in out8.figures if f.name == "table8-params")
    assert "Self-Attention (synthetic): config not available yet" in params.caption


def test_inflation_needs_test_curves(tmp_path):
    frames = _frames(8, "synthetic")
    view = build_table(frames, 8)
    assert figs.inflation(view, frames.runs, tmp_path) is not None
    no_curve = frames.runs.assign(best_on_test=math.nan)  # real configs record no test curve
    assert figs.inflation(view, no_curve, tmp_path / "none") is None


def test_no_runs_no_figures(tmp_path):
    frames = _frames(8, "synthetic")
    summary = frames.summary.assign(n=0, kind="unavailable")
    empty = from_frames(runs=frames.runs.iloc[0:0], summary=summary, meta=frames.meta)
    view = build_table(empty, 8)
    assert figs.map_vs_tiou(view, empty.summary, tmp_path) is None
    assert figs.seed_strip(view, empty.runs, tmp_path) is None
    assert ablation.ablation_bars(view, tmp_path) is None
    assert not list(tmp_path.iterdir())


def test_figures_are_reproducible(tmp_path):
    frames = _frames(8, "synthetic")
    view = build_table(frames, 8)
    a = figs.seed_strip(view, frames.runs, tmp_path / "a")
    b = figs.seed_strip(view, frames.runs, tmp_path / "b")
    assert a.png.read_bytes() == b.png.read_bytes()
    assert a.pdf.read_bytes() == b.pdf.read_bytes()


def test_dollar_signs_in_labels_are_not_mathtext(tmp_path):
    frames = _frames(8, "synthetic")
    bad = r"cost $\undefinedmacro{$ x"  # two '$': matplotlib would parse (and fail) mathtext
    summary = frames.summary.assign(
        method=frames.summary["method"].where(frames.summary["variant"] != "", bad))
    frames = from_frames(runs=frames.runs, summary=summary, meta=frames.meta)
    view = build_table(frames, 8)
    assert any(r.label == bad for r in view.rows)
    assert ablation.ablation_bars(view, tmp_path) is not None  # drawing would raise otherwise
    assert figs.seed_strip(view, frames.runs, tmp_path) is not None
