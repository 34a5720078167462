"""Ablation figures: average-mAP bars with 95 % CIs (Tables 6-11) and Table 8's parameters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from harness.core.ablations import VARIANT_SUFFIX
from reports.figures import PALETTE, FigureFile, plain, save
from reports.params import ParamCount
from reports.tables import TableView

ABLATION_TABLES = (6, 7, 8, 9, 10, 11)


def ablation_bars(view: TableView, out_dir: Path) -> FigureFile | None:
    """Bars: harness mean average mAP per variant with its 95 % t-interval; crosses: the paper
    (real scale). Rows not run are labelled as such. None when no row has runs."""
    rows = view.rows
    avg = [next((c for c in r.cells if c.metric == "avg"), None) for r in rows]
    if not any(c is not None and c.mean is not None for c in avg):
        return None
    fig = Figure(layout="constrained", figsize=(max(4.5, 0.8 * len(rows) + 1.5), 3.6))
    ax = fig.subplots()
    x = np.arange(len(rows))
    means = [c.mean if c is not None and c.mean is not None else np.nan for c in avg]
    errs = [c.half_width if c is not None and c.half_width is not None else 0.0 for c in avg]
    colors = [PALETTE[0] if VARIANT_SUFFIX.get(r.variant, "") is None else PALETTE[5] for r in rows]
    ax.bar(x, np.nan_to_num(means), yerr=errs, color=colors, capsize=4, alpha=0.85)
    low = min(m - e for m, e in zip(means, errs) if np.isfinite(m))
    high = max([m + e for m, e in zip(means, errs) if np.isfinite(m)]
               + [c.paper for c in avg if c is not None and c.paper is not None
                  and not view.synthetic])
    pad = max(0.5, 0.25 * (high - low))
    for xi, m, c in zip(x, means, avg):
        if not np.isfinite(m):
            ax.annotate("not run", (xi, max(0.0, low - pad)), ha="center", va="bottom",
                        fontsize=7, rotation=90)
        if c is not None and c.paper is not None and not view.synthetic:
            ax.scatter([xi], [c.paper], marker="x", color="black", s=30, zorder=4)
    ax.set_ylim(max(0.0, low - pad), high + pad)
    ax.set_xticks(x, [plain(r.label) for r in rows], rotation=30, ha="right", fontsize=7)
    ax.set_ylabel("average mAP (%)")
    ax.grid(axis="y", alpha=0.3)
    return save(fig, out_dir, f"table{view.table}-ablation",
                f"Table {view.table}: {view.layout.title} (average mAP)",
                "Mean over seeds with the 95 % t-interval" +
                ("" if view.synthetic else "; crosses: the paper's values") + ".", view.table)


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
