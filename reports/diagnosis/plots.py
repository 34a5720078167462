"""Diagnosis figures with matplotlib (no LaTeX): one figure per analysis, methods side by side.

Inputs are :class:`reports.diagnosis.seeds.SeedSummary` objects (a single run is a summary
with one seed: bars without whiskers). Whiskers are the 95 % t-intervals over seeds.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from reports.diagnosis.matching import ERROR_TYPES  # noqa: E402
from reports.diagnosis.seeds import SeedSummary  # noqa: E402

COLORS = {"true_positive": "#33a02c", "double_detection": "#b2df8a", "wrong_label": "#1f78b4",
          "localization": "#fb9a99", "confusion": "#e31a1c", "background": "#a6cee3"}
LABELS = {"true_positive": "true positive", "double_detection": "double detection",
          "wrong_label": "wrong label", "localization": "localization", "confusion": "confusion",
          "background": "background"}
CHAR_TITLES = {"coverage": "coverage", "length": "length", "num_instances": "# instances"}


def _err(iv) -> tuple[float, float]:
    if not (math.isfinite(iv.low) and math.isfinite(iv.high)):
        return (0.0, 0.0)
    return (iv.mean - iv.low, iv.high - iv.mean)


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    tmp.replace(path)
    return path


def _groups(summary: SeedSummary, section: str) -> list[str]:
    m0 = summary.methods[0]
    return list(dict.fromkeys(p.split("/")[1] for p in summary.per_method[m0] if p.startswith(section + "/")))


def fp_profile_figure(summary: SeedSummary, path: Path) -> Path:
    """Stacked bars 1G…10G per method; whiskers on each segment's top (its own interval)."""
    groups = _groups(summary, "false_positive_profile")
    fig, axes = plt.subplots(1, len(summary.methods), figsize=(4.2 * len(summary.methods), 3.6),
                             sharey=True, squeeze=False)
    for ax, m in zip(axes[0], summary.methods):
        q = summary.per_method[m]
        bottom = np.zeros(len(groups))
        x = np.arange(len(groups))
        for t in ERROR_TYPES:
            ivs = [q[f"false_positive_profile/{g}/{t}"] for g in groups]
            h = np.array([0.0 if not math.isfinite(i.mean) else i.mean for i in ivs]) * 100
            ax.bar(x, h, bottom=bottom, color=COLORS[t], label=LABELS[t], width=0.85)
            err = np.array([_err(i) for i in ivs]).T * 100
            if err.any():
                ax.errorbar(x, bottom + h, yerr=err, fmt="none", ecolor="k", elinewidth=0.7,
                            capsize=1.5)
            bottom += h
        ax.set_xticks(x, groups, rotation=90)
        ax.set_ylim(0, 100)
        ax.set_title(m, fontsize=10)
        ax.set_xlabel("top predictions (groups of n_c per class)")
    axes[0][0].set_ylabel("error breakdown (%)")
    axes[0][-1].legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    fig.suptitle("False-positive profile", fontsize=11)
    return _save(fig, path)


def _grouped_bars(ax, summary: SeedSummary, paths: list[str], labels: list[str], scale=100.0):
    n = len(summary.methods)
    width = 0.8 / n
    x = np.arange(len(paths))
    for j, m in enumerate(summary.methods):
        ivs = [summary.per_method[m].get(p) for p in paths]
        h = np.array([i.mean if i is not None and math.isfinite(i.mean) else 0.0 for i in ivs]) * scale
        err = np.array([_err(i) if i is not None else (0.0, 0.0) for i in ivs]).T * scale
        ax.bar(x + (j - (n - 1) / 2) * width, h, width=width, label=m, color=f"C{j}")
        if err.any():
            ax.errorbar(x + (j - (n - 1) / 2) * width, h, yerr=err, fmt="none", ecolor="k",
                        elinewidth=0.8, capsize=2)
    ax.set_xticks(x, labels)
    ax.set_ylim(bottom=0)


def error_impact_figure(summary: SeedSummary, path: Path) -> Path:
    """average-mAP_N gain (points) from removing each error type, methods side by side."""
    types = list(ERROR_TYPES[1:])
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    _grouped_bars(ax, summary, [f"error_impact/{t}" for t in types], [LABELS[t] for t in types])
    ax.set_ylabel("average-mAP$_N$ gain (points)")
    ax.set_title("Removing-error impact", fontsize=11)
    ax.legend(fontsize=8)
    return _save(fig, path)


def _by_bucket_figure(summary: SeedSummary, section: str, path: Path, ylabel: str, title: str,
                      base: bool) -> Path:
    chars = _groups(summary, section)
    fig, axes = plt.subplots(1, len(chars), figsize=(4.0 * len(chars), 3.4), sharey=True,
                             squeeze=False)
    for ax, c in zip(axes[0], chars):
        m0 = summary.per_method[summary.methods[0]]
        buckets = [p.split("/")[2] for p in m0 if p.startswith(f"{section}/{c}/")]
        _grouped_bars(ax, summary, [f"{section}/{c}/{b}" for b in buckets], buckets)
        if base:
            for j, m in enumerate(summary.methods):
                iv = summary.per_method[m]["average_mAP_N/all"]
                ax.axhline(iv.mean * 100, color=f"C{j}", linestyle="--", linewidth=1)
        ax.set_title(CHAR_TITLES.get(c, c), fontsize=10)
        ax.set_ylim(0, 100)
    axes[0][0].set_ylabel(ylabel)
    axes[0][-1].legend(fontsize=8, loc="upper right")
    fig.suptitle(title, fontsize=11)
    return _save(fig, path)


def sensitivity_figure(summary: SeedSummary, path: Path) -> Path:
    return _by_bucket_figure(summary, "sensitivity", path, "average-mAP$_N$ (%)",
                             "Sensitivity (dashed: each method's average-mAP$_N$ over all GT)", True)


def false_negative_figure(summary: SeedSummary, path: Path) -> Path:
    return _by_bucket_figure(summary, "false_negative", path, "false negatives (%)",
                             "False-negative rate per bucket", False)


PAIRED = [("average_mAP_N/all", "average-mAP$_N$")] + [
    (f"error_impact/{t}", f"gain w/o {LABELS[t]}") for t in ERROR_TYPES[1:]]


def paired_figure(summary: SeedSummary, path: Path) -> Path | None:
    """Paired differences B − A (points) of the headline numbers: mean and 95 % interval."""
    if not summary.paired:
        return None
    pairs = list(summary.paired)
    fig, ax = plt.subplots(figsize=(7.5, 0.5 + 0.32 * len(PAIRED) * len(pairs)))
    y, ticks, labels = 0, [], []
    for j, pair in enumerate(pairs):
        q = summary.paired[pair]
        for p, name in PAIRED:
            iv = q.get(p)
            if iv is not None and math.isfinite(iv.mean):
                lo, hi = _err(iv)
                ax.errorbar(iv.mean * 100, y, xerr=[[lo * 100], [hi * 100]], fmt="o",
                            color=f"C{j}", capsize=3, markersize=4)
            ticks.append(y)
            labels.append(f"{pair[0]} − {pair[1]}: {name}")
            y -= 1
        y -= 0.5
    ax.axvline(0, color="k", linewidth=0.8)
    ax.set_yticks(ticks, labels, fontsize=7)
    ax.set_xlabel("difference (points); 95 % t-interval over common seeds")
    ax.set_title("Paired differences between methods", fontsize=11)
    return _save(fig, path)


def all_figures(summary: SeedSummary, folder: Path) -> dict[str, Path]:
    """Write every figure as PNG under ``folder``; name -> path."""
    return {
        "false_positive_profile": fp_profile_figure(summary, folder / "false_positive_profile.png"),
        "error_impact": error_impact_figure(summary, folder / "error_impact.png"),
        "sensitivity": sensitivity_figure(summary, folder / "sensitivity.png"),
        "false_negative": false_negative_figure(summary, folder / "false_negative.png"),
    } | ({"paired_differences": paired_figure(summary, folder / "paired_differences.png")}
         if summary.paired else {})
