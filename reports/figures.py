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
from reports.layout import level_parts
from reports.tables import MAP_RANGE, RowView, TableView

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


def mpl_levels(text: str) -> str:
    """``text`` safe for matplotlib, pyramid levels ``P_{l+1}`` as mathtext subscripts."""
    return "".join(plain(t) if sub is None else f"$P_{{{sub}}}$" for t, sub in level_parts(text))


def row_name(row: RowView) -> str:
    """``[task / ]label[ / features]`` of a row, safe for matplotlib."""
    parts = [row.label]
    if row.task:
        parts.insert(0, row.task)
    if not row.variant:
        parts.append(row.features)
    return mpl_levels(" / ".join(parts))


def clip_band(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """A CI band clipped to [0, 100] mAP, and whether anything was clipped."""
    clo, chi = np.clip(lo, *MAP_RANGE), np.clip(hi, *MAP_RANGE)
    ok = np.isfinite(lo) & np.isfinite(hi)
    return clo, chi, bool(((lo < MAP_RANGE[0]) | (hi > MAP_RANGE[1]))[ok].any())


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


SMALL_MULTIPLES = 4  # a group with more run rows than this gets one panel per row


def _draw_row(ax, view: TableView, summary: pd.DataFrame, row: RowView, color: str,
              label: str | None) -> bool:
    """Mean line, clipped 95 % band (hatched where clipped), paper crosses; True if clipped."""
    pts = _tiou_points(summary, row.key, "mean")
    if not pts:
        return False
    x, y, lo, hi = pts
    ax.plot(x, y, "o-", color=color, label=label, ms=3.5, lw=1.4)
    ok = np.isfinite(lo) & np.isfinite(hi)
    clo, chi, clipped = clip_band(lo, hi)
    if ok.any():
        ax.fill_between(x[ok], clo[ok], chi[ok], color=color, alpha=0.2, lw=0,
                        hatch="//" if clipped else None)
    if not view.synthetic:
        px, py = _tiou_points(summary, row.key, "paper")[:2]
        keep = np.isfinite(py)
        ax.plot(px[keep], py[keep], "x--", color=color, lw=0.8, ms=5,
                label=f"{label} (paper)" if label else None)
    return clipped


def _finish(ax, title: str, legend: bool) -> None:
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("tIoU threshold")
    ax.set_ylabel("mAP (%)")
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize=7)


def map_vs_tiou(view: TableView, summary: pd.DataFrame, out_dir: Path) -> FigureFile | None:
    """mAP vs tIoU per run row (mean line, 95 % t-interval band clipped to [0, 100] mAP), one
    panel per row group; a group with more than ``SMALL_MULTIPLES`` rows (Table 6's seven)
    becomes small multiples: one panel per row, shared axes, the full model (else the last
    row) drawn in grey in every other panel as the reference."""
    groups = [g for g in view.groups if any(r.status == "run" for r in g.rows)]
    if not groups:
        return None
    panels: list[tuple[str, list[RowView], RowView | None]] = []
    for g in groups:
        runs = [r for r in g.rows if r.status == "run"]
        title = plain(g.title or view.layout.title)
        if len(runs) > SMALL_MULTIPLES:
            ref = next((r for r in runs if "full model" in r.note), runs[-1])
            panels += [(row_name(r), [r], ref if r is not ref else None) for r in runs]
        else:
            panels.append((title, runs, None))
    ncols = min(len(panels), 4)
    nrows = -(-len(panels) // ncols)
    small = len(panels) > len(groups)
    fig = Figure(layout="constrained", figsize=(4.2 * ncols if not small else 3.2 * ncols,
                                                 3.4 if not small else 2.8 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=small, sharex=small).reshape(-1)
    clipped = False
    for ax, (title, runs, ref) in zip(axes, panels):
        if ref is not None:
            _draw_row(ax, view, summary, ref, "#999999", f"{row_name(ref)} (reference)")
        for i, row in enumerate(runs):
            color = PALETTE[0] if small else PALETTE[i % len(PALETTE)]
            clipped |= _draw_row(ax, view, summary, row, color, None if small else row_name(row))
        _finish(ax, title, legend=not small or ref is not None)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    scale = " (synthetic stand-ins)" if view.synthetic else ""
    caption = ("Mean over seeds with the 95 % t-interval band"
               + (", clipped to [0, 100] mAP (hatched where the raw interval leaves it; raw "
                  "bounds in summary.csv)" if clipped else "")
               + ("; one panel per row, grey: the full model for reference" if small else "")
               + ("" if view.synthetic else "; crosses: the paper's values") + ".")
    return save(fig, out_dir, f"table{view.table}-map-vs-tiou",
                f"Table {view.table}: mAP vs tIoU{scale}", caption, view.table)


def _run_rows(view: TableView) -> list[RowView]:
    return [r for r in view.rows if r.status == "run"]


def _avg_runs(runs: pd.DataFrame, key: str) -> pd.DataFrame:
    return runs[(runs["row_key"] == key) & (runs["metric"] == "avg")]


def _selection(view: TableView, runs: pd.DataFrame) -> pd.DataFrame:
    """The average-mAP rows (one per run) of the table's run rows, with a test curve."""
    keys = [r.key for r in _run_rows(view)]
    r = runs[runs["row_key"].isin(keys) & (runs["metric"] == "avg")]
    return r[r["best_epoch"].notna()]


def selection_changes(view: TableView, runs: pd.DataFrame) -> bool:
    """Some run's best epoch on the test curve differs from its last epoch."""
    r = _selection(view, runs)
    return bool((r["best_epoch"].astype("int64") != r["epochs"]).any())


def inflation_note(view: TableView, runs: pd.DataFrame) -> str:
    """One line instead of the inflation figure when test-set selection changes nothing."""
    if not _run_rows(view) or selection_changes(view, runs):
        return ""
    r = _selection(view, runs)
    if r.empty:
        return "no run recorded a test curve, so there is nothing to select from."
    runs_n = len(r[["run_name", "seed"]].drop_duplicates())
    return (f"in all {runs_n} runs the best epoch on the test curve is the last epoch (the "
            "reported result), so picking the best epoch on the test set would inflate "
            "nothing here (+0.00 points).")


def inflation(view: TableView, runs: pd.DataFrame, out_dir: Path) -> FigureFile | None:
    """Best-epoch-on-test minus last-epoch average mAP per run row (mean, 95 % t-interval);
    None unless some run's best epoch differs from its last (then :func:`inflation_note`)."""
    if not selection_changes(view, runs):
        return None
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
