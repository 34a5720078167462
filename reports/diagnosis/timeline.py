"""Timelines: ground truth and the top detections of a video along time.

One panel per video: the GT segments on the top lane, then the video's top-K detections by
score, one lane each (highest score first). Colour = class; opacity = score (relative to the
video's top score); the letter at the right end of a detection and its edge colour give its
DETAD type at the chosen tIoU (T true positive, D double detection, W wrong label,
L localization, C confusion, B background).

Video choice (:func:`pick_videos`), the same for every method because it looks only at the
ground truth: the subset's videos with GT sorted by number of GT instances (most first, then
by name), and ``n`` of them at evenly spaced positions of that list (crowded to sparse).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from reports.diagnosis.inputs import GroundTruth, Predictions  # noqa: E402
from reports.diagnosis.matching import ERROR_TYPES  # noqa: E402
from reports.diagnosis.plots import COLORS, LABELS  # noqa: E402

LETTERS = {"true_positive": "T", "double_detection": "D", "wrong_label": "W",
           "localization": "L", "confusion": "C", "background": "B"}


def pick_videos(gt: GroundTruth, n: int) -> list[int]:
    """Indices of ``n`` videos spread from the most to the least crowded (see the module doc)."""
    counts = np.bincount(gt.video, minlength=len(gt.videos))
    with_gt = [v for v in range(len(gt.videos)) if counts[v]]
    with_gt.sort(key=lambda v: (-counts[v], gt.videos[v]))
    if n >= len(with_gt):
        return with_gt
    pos = np.linspace(0, len(with_gt) - 1, n).round().astype(int)
    return [with_gt[p] for p in dict.fromkeys(pos.tolist())]


def _class_colors(num_classes: int) -> list:
    cmap = plt.get_cmap("tab20" if num_classes > 10 else "tab10")
    return [cmap(i % cmap.N) for i in range(num_classes)]


def draw_video(ax, gt: GroundTruth, preds: Predictions, types: np.ndarray | None, video: int,
               top_k: int, colors: list, duration: float | None = None) -> None:
    """One panel: GT lane on top, then the top-K detections of ``video`` by score."""
    g = np.flatnonzero(gt.video == video) if video < len(gt.videos) else np.zeros(0, int)
    p = np.flatnonzero(preds.video == video)
    p = p[np.argsort(-preds.score[p], kind="stable")][:top_k]
    top = preds.score[p].max() if len(p) else 1.0
    for j in g:
        ax.barh(0, gt.end[j] - gt.start[j], left=gt.start[j], height=0.8,
                color=colors[gt.label[j]], edgecolor="k", linewidth=0.6)
    for lane, i in enumerate(p, start=1):
        alpha = 0.25 + 0.75 * (preds.score[i] / top if top > 0 else 0.0)
        kind = ERROR_TYPES[types[i]] if types is not None else None
        edge = COLORS[kind] if kind else "none"
        ax.barh(lane, preds.end[i] - preds.start[i], left=preds.start[i], height=0.75,
                color=colors[preds.label[i]], alpha=float(alpha), edgecolor=edge, linewidth=1.6)
        if kind:
            ax.text(preds.end[i], lane, " " + LETTERS[kind], va="center", fontsize=6)
    ends = [duration or 0.0, *(gt.end[g].tolist()), *(preds.end[p].tolist())]
    ax.set_xlim(0, max(ends) * 1.04 if max(ends) > 0 else 1.0)
    ax.set_ylim(len(p) + 0.6, -0.6)
    ax.set_yticks([0] + ([1, len(p)] if len(p) else []),
                  ["GT"] + ([f"#1 ({preds.score[p[0]]:.2f})", f"#{len(p)}"] if len(p) else []),
                  fontsize=7)
    ax.set_xlabel("time (s)", fontsize=8)


def timeline_figure(
    gt: GroundTruth, preds: Predictions, types: np.ndarray | None, videos: list[int], path: Path,
    title: str, top_k: int = 15, tiou: float | None = None,
) -> Path:
    """A figure with one panel per video; ``types`` [P] error type codes (or None)."""
    colors = _class_colors(len(gt.classes))
    fig, axes = plt.subplots(len(videos), 1, figsize=(10, 1.0 + 0.2 * (top_k + 2) * len(videos)),
                             squeeze=False)
    names = preds.videos
    for ax, v in zip(axes[:, 0], videos):
        dur = float(gt.duration[v]) if v < len(gt.duration) and np.isfinite(gt.duration[v]) else None
        draw_video(ax, gt, preds, types, v, top_k, colors, dur)
        ax.set_title(names[v], fontsize=9, loc="left")
    present = sorted({int(c) for v in videos for c in gt.label[gt.video == v]}
                     | {int(c) for v in videos
                        for c in preds.label[np.flatnonzero(preds.video == v)]})
    handles = [Patch(color=colors[c], label=gt.classes[c]) for c in present[:20]]
    if types is not None:
        handles += [Patch(facecolor="white", edgecolor=COLORS[t], linewidth=1.6,
                          label=f"{LETTERS[t]}: {LABELS[t]}") for t in ERROR_TYPES]
    fig.legend(handles=handles, loc="upper center", ncol=6, fontsize=7, frameon=False,
               bbox_to_anchor=(0.5, 1.0 + 0.35 / len(videos)))
    sub = f" (types at tIoU {tiou:g})" if tiou is not None else ""
    fig.suptitle(title + sub, fontsize=10, y=1.0 + 0.6 / len(videos))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    fig.savefig(tmp, dpi=100, bbox_inches="tight")
    plt.close(fig)
    tmp.replace(path)
    return path
