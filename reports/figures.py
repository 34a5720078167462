"""Figures of a report (matplotlib, object API on the Agg/PDF canvases, no pyplot state).

Per table: mAP vs tIoU with 95 % CI bands per run row; the inflation from selecting the best
epoch on the test set (best-epoch minus last-epoch average mAP, mean with t-interval); the
average mAP of every seed (strip plot). Ablation bars and parameter counts live in
:mod:`reports.figures_ablation`. Every figure is written as PNG (HTML) and PDF (LaTeX),
atomically and without timestamps, so the same input gives the same files.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from harness.core import stats
from harness.io import atomic_write_bytes
from reports.tables import RowView, TableView

# Okabe-Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
DPI = 110


@dataclass(frozen=True)
class FigureFile:
    """A written figure: ``png``/``pdf`` paths, relative ``href`` for the HTML pages."""

    name: str
    title: str
    caption: str
    png: Path
    pdf: Path
    table: int | None = None

    @property
    def href(self) -> str:
        return f"{self.png.parent.name}/{self.png.name}"


def save(fig: Figure, out_dir: Path, name: str, title: str, caption: str,
         table: int | None) -> FigureFile:
    """Write ``fig`` as ``<out_dir>/<name>.png`` and ``.pdf`` (no dates in the files)."""
    paths = {}
    for ext, meta in (("png", {"Software": None}),
                      ("pdf", {"CreationDate": None, "ModDate": None, "Producer": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=DPI, metadata=meta)
        paths[ext] = atomic_write_bytes(out_dir / f"{name}.{ext}", buf.getvalue())
    return FigureFile(name, title, caption, paths["png"], paths["pdf"], table)


def plain(text: str) -> str:
    """Text from data as matplotlib prints it literally (``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


def row_name(row: RowView) -> str:
    """``[task / ]label[ / features]`` of a row, safe for matplotlib."""
    parts = [row.label]
    if row.task:
        parts.insert(0, row.task)
    if not row.variant:
        parts.append(row.features)
    return plain(" / ".join(parts))


def _tiou_points(summary: pd.DataFrame, key: str, column: str) -> tuple[np.ndarray, ...]:
    s = summary[summary["row_key"] == key]
    pts = []
    for r in s.itertuples():
        try:
            x = float(r.metric)
        except ValueError:
            continue
        pts.append((x, getattr(r, column), r.ci_low, r.ci_high))
    pts.sort()
    return tuple(np.array(v, dtype=float) for v in zip(*pts)) if pts else ()


def map_vs_tiou(view: TableView, summary: pd.DataFrame, out_dir: Path) -> FigureFile | None:
    """mAP vs tIoU per run row (mean line, 95 % t-interval band), one panel per row group."""
    groups = [g for g in view.groups if any(r.status == "run" for r in g.rows)]
    if not groups:
        return None
    fig = Figure(layout="constrained", figsize=(4.2 * len(groups), 3.4))
    axes = fig.subplots(1, len(groups), squeeze=False)[0]
    for ax, group in zip(axes, groups):
        runs = [r for r in group.rows if r.status == "run"]
        for i, row in enumerate(runs):
            pts = _tiou_points(summary, row.key, "mean")
            if not pts:
                continue
            x, y, lo, hi = pts
            color = PALETTE[i % len(PALETTE)]
            ax.plot(x, y, "o-", color=color, label=row_name(row), ms=3.5, lw=1.4)
            ok = np.isfinite(lo) & np.isfinite(hi)
            if ok.any():
                ax.fill_between(x[ok], lo[ok], hi[ok], color=color, alpha=0.2, lw=0)
            if not view.synthetic:
                px, py = _tiou_points(summary, row.key, "paper")[:2]
                keep = np.isfinite(py)
                ax.plot(px[keep], py[keep], "x--", color=color, lw=0.8, ms=5,
                        label=f"{row_name(row)} (paper)")
        ax.set_title(plain(group.title or view.layout.title), fontsize=9)
        ax.set_xlabel("tIoU threshold")
        ax.set_ylabel("mAP (%)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    scale = " (synthetic stand-ins)" if view.synthetic else ""
    return save(fig, out_dir, f"table{view.table}-map-vs-tiou",
                f"Table {view.table}: mAP vs tIoU{scale}",
                "Mean over seeds with the 95 % t-interval band"
                + ("" if view.synthetic else "; crosses: the paper's values") + ".", view.table)


def _run_rows(view: TableView) -> list[RowView]:
    return [r for r in view.rows if r.status == "run"]


def _avg_runs(runs: pd.DataFrame, key: str) -> pd.DataFrame:
    return runs[(runs["row_key"] == key) & (runs["metric"] == "avg")]


def inflation(view: TableView, runs: pd.DataFrame, out_dir: Path) -> FigureFile | None:
    """Best-epoch-on-test minus last-epoch average mAP per run row (mean, 95 % t-interval)."""
    labels, means, lows, highs, ns = [], [], [], [], []
    for row in _run_rows(view):
        r = _avg_runs(runs, row.key)
        diff = (r["best_on_test"] - r["value"]).to_numpy(dtype=float)
        diff = diff[np.isfinite(diff)]
        if len(diff) == 0:
            continue
        ci = stats.t_interval(diff)
        labels.append(row_name(row))
        means.append(ci.estimate)
        lows.append(ci.estimate - ci.low if ci.defined else 0.0)
        highs.append(ci.high - ci.estimate if ci.defined else 0.0)
        ns.append(len(diff))
    if not labels:
        return None
    fig = Figure(layout="constrained", figsize=(6.0, 0.45 * len(labels) + 1.2))
    ax = fig.subplots()
    y = np.arange(len(labels))[::-1]
    ax.errorbar(means, y, xerr=[lows, highs], fmt="o", color=PALETTE[3], capsize=3)
    for yi, m, n in zip(y, means, ns):
        ax.annotate(f"{m:+.2f} (n={n})", (m, yi), xytext=(4, 5), textcoords="offset points",
                    fontsize=7)
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("best-on-test epoch − last epoch, average mAP (points)")
    ax.grid(axis="x", alpha=0.3)
    return save(fig, out_dir, f"table{view.table}-inflation",
                f"Table {view.table}: inflation from test-set epoch selection",
                "Per run: average mAP of the best epoch on the test curve minus that of the last "
                "epoch (the reported result); mean over seeds with the 95 % t-interval "
                "(no interval for n = 1).", view.table)


def seed_strip(view: TableView, runs: pd.DataFrame, out_dir: Path) -> FigureFile | None:
    """Average mAP of every seed per run row (points), with the mean (bar) and paper (cross)."""
    rows = [r for r in _run_rows(view) if not _avg_runs(runs, r.key).empty]
    if not rows:
        return None
    fig = Figure(layout="constrained", figsize=(max(4.0, 0.9 * len(rows) + 1.5), 3.6))
    ax = fig.subplots()
    rng = np.random.default_rng(0)  # jitter only; fixed so that files are reproducible
    for i, row in enumerate(rows):
        vals = _avg_runs(runs, row.key)["value"].to_numpy(dtype=float)
        color = PALETTE[i % len(PALETTE)]
        ax.scatter(i + rng.uniform(-0.12, 0.12, len(vals)), vals, s=16, color=color, zorder=3)
        ax.hlines(vals.mean(), i - 0.25, i + 0.25, color=color, lw=2)
        paper = next((c.paper for c in row.cells if c.metric == "avg"), None)
        if paper is not None and not view.synthetic and math.isfinite(paper):
            ax.scatter([i], [paper], marker="x", color="black", s=30, zorder=4)
    ax.set_xticks(range(len(rows)), [row_name(r) for r in rows], rotation=30, ha="right",
                  fontsize=7)
    ax.set_ylabel("average mAP (%)")
    ax.grid(axis="y", alpha=0.3)
    return save(fig, out_dir, f"table{view.table}-seeds",
                f"Table {view.table}: average mAP per seed",
                "Points: one run each (last epoch); bar: mean over seeds"
                + ("" if view.synthetic else "; cross: the paper's value") + ".", view.table)
