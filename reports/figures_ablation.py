"""Ablation figures: average-mAP bars with 95 % CIs (Tables 6-11) and Table 8's parameters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from reports.figures import PALETTE, FigureFile, mpl_levels, plain, save
from reports.params import ParamCount
from reports.tables import TableView

ABLATION_TABLES = (6, 7, 8, 9, 10, 11)


GROUP_COLORS = (PALETTE[0], PALETTE[2], PALETTE[4], PALETTE[1])


def ablation_bars(view: TableView, out_dir: Path) -> FigureFile | None:
    """Bars from 0: harness mean average mAP per variant with its 95 % t-interval (clipped to
    [0, 100] mAP and marked when it leaves it); crosses: the paper (real scale). Row groups
    (Table 9: classification, regression) get their own colour and a gap; the full model is
    hatched. Rows not run are labelled as such. None when no row has runs."""
    rows = view.rows
    if not any(c.mean is not None for r in rows for c in r.cells if c.metric == "avg"):
        return None
    xs, labels, group_of = [], [], []
    x = 0.0
    for gi, g in enumerate(view.groups):
        for r in g.rows:
            xs.append(x)
            labels.append(r)
            group_of.append(gi)
            x += 1.0
        x += 0.6  # gap between groups
    fig = Figure(layout="constrained", figsize=(max(4.5, 0.8 * len(rows) + 1.5), 3.8))
    ax = fig.subplots()
    clipped = False
    for xi, r, gi in zip(xs, labels, group_of):
        c = next((c for c in r.cells if c.metric == "avg"), None)
        full = "full model" in r.note
        color = GROUP_COLORS[gi % len(GROUP_COLORS)]
        if c is None or c.mean is None:
            ax.annotate("not run", (xi, 1.0), ha="center", va="bottom", fontsize=7, rotation=90)
            continue
        ax.bar([xi], [c.mean], color=color, alpha=0.85, hatch="//" if full else None,
               edgecolor="white" if full else None)
        if c.shown_ci is not None:
            lo, hi = c.shown_ci
            ax.errorbar([xi], [c.mean], yerr=[[c.mean - lo], [hi - c.mean]], fmt="none",
                        ecolor="black", capsize=4, lw=1)
            if c.clipped:
                clipped = True
                ax.annotate("CI clipped", (xi, hi), xytext=(0, 3), textcoords="offset points",
                            ha="center", fontsize=6, color="#b34700")
        if c.paper is not None and not view.synthetic:
            ax.scatter([xi], [c.paper], marker="x", color="black", s=30, zorder=4)
    ax.set_ylim(0.0, 105.0 if clipped else None)  # bars start at 0: no truncated axis
    ax.set_xticks(xs, [mpl_levels(r.label) for r in labels], rotation=30, ha="right",
                  fontsize=7)
    if len(view.groups) > 1:
        ax.legend(handles=[Patch(color=GROUP_COLORS[i % len(GROUP_COLORS)],
                                 label=plain(g.title or f"group {i + 1}"))
                           for i, g in enumerate(view.groups)], fontsize=7, loc="lower right")
    ax.set_ylabel("average mAP (%)")
    ax.grid(axis="y", alpha=0.3)
    return save(fig, out_dir, f"table{view.table}-ablation",
                f"Table {view.table}: {view.layout.title} (average mAP)",
                "Mean over seeds with the 95 % t-interval; the axis starts at 0; hatched: the "
                "full model" + ("; intervals leaving [0, 100] are clipped and marked (raw "
                                "bounds in summary.csv)" if clipped else "")
                + ("; colours: the table's row groups" if len(view.groups) > 1 else "")
                + ("" if view.synthetic else "; crosses: the paper's values") + ".", view.table)


def _stacks(real: list[ParamCount], labels: list[str], top: int = 6) -> dict[str, np.ndarray]:
    """Module -> millions per label: the ``top`` largest modules, the rest as one stack."""
    per = {lb: next((c.modules for c in real if c.label == lb), {}) for lb in labels}
    sizes: dict[str, int] = {}
    for mods in per.values():
        for m, n in mods.items():
            sizes[m] = max(sizes.get(m, 0), n)
    keep = sorted(sizes, key=lambda m: -sizes[m])[:top]
    out = {m: np.array([per[lb].get(m, 0) / 1e6 for lb in labels]) for m in keep}
    rest = np.array([sum(n for m, n in per[lb].items() if m not in keep) / 1e6 for lb in labels])
    if rest.any():
        out["other modules"] = rest
    return out


def parameter_bars(counts: list[ParamCount], out_dir: Path,
                   paper: dict[str, float]) -> FigureFile | None:
    """Table 8: the paper's parameter count next to the counted real-config model, stacked by
    top-level module; synthetic (tiny) counts in the labels. None without any count."""
    real = [c for c in counts if c.scale == "real"]
    if not any(c.total is not None for c in counts) and not paper:
        return None
    labels = list(dict.fromkeys(c.label for c in counts))
    keys = {c.label: c.row_key for c in counts}
    fig = Figure(layout="constrained", figsize=(6.0, 3.8))
    ax = fig.subplots()
    x = np.arange(len(labels))
    ax.bar(x - 0.2, [paper.get(keys[lb], np.nan) for lb in labels], width=0.38,
           color="#999999", label="paper")
    stacks = _stacks(real, labels)
    bottom = np.zeros(len(labels))
    for j, (module, vals) in enumerate(stacks.items()):
        ax.bar(x + 0.2, vals, width=0.38, bottom=bottom, color=PALETTE[j % len(PALETTE)],
               label=plain(f"harness: {module}"))
        bottom += vals
    for xi, lb in zip(x, labels):
        r = next((c for c in real if c.label == lb), None)
        text = f"{r.millions:.2f}M" if r is not None and r.millions is not None else "n/a"
        ax.annotate(text, (xi + 0.2, bottom[xi]), ha="center", va="bottom", fontsize=7)
    tiny = {c.label: c for c in counts if c.scale == "synthetic"}
    ax.set_xticks(x, [plain(lb) + (f"\n(synthetic: {tiny[lb].total:,})" if lb in tiny
                            and tiny[lb].total is not None else "") for lb in labels], fontsize=8)
    ax.set_ylabel("parameters (millions)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    ax.grid(axis="y", alpha=0.3)
    missing = [f"{c.label} ({c.scale}): {c.error}" for c in counts if c.error]
    caption = ("Parameters of the real (paper-scale) configs, by top-level module, next to the "
               "paper's count." + (" Not counted: " + "; ".join(missing) + "." if missing else ""))
    return save(fig, out_dir, "table8-params", "Table 8: parameter counts", caption, 8)
