"""DETAD's three analyses (false positives, sensitivity, false negatives) of one prediction set.

See ``diagnosis.md`` (the spec) and :mod:`reports.diagnosis` for the definitions. Every
number equals DETAD's by default; :class:`DiagnosisOptions` holds one switch per quirk.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from reports.diagnosis.inputs import GroundTruth, Predictions
from reports.diagnosis.matching import (
    ERROR_TYPES,
    Evaluation,
    error_types,
    evaluate,
    video_pairs,
    with_cut,
)
from reports.diagnosis.ranking import ap_n, nlargest_desc, sort_values_desc

CHARACTERISTICS = ("coverage", "length", "num_instances")
# DETAD's buckets: (edges, labels); pandas cut, right-closed, first bin includes its left edge
BINS = {
    "thumos14": {
        "coverage": ((0, 0.02, 0.04, 0.06, 0.08, 1), ("XS", "S", "M", "L", "XL")),
        "length": ((0, 3, 6, 12, 18, math.inf), ("XS", "S", "M", "L", "XL")),
        "num_instances": ((-1, 1, 40, 80, math.inf), ("XS", "S", "M", "L")),
    },
    "activitynet": {
        "coverage": ((0, 0.2, 0.4, 0.6, 0.8, 1.0), ("XS", "S", "M", "L", "XL")),
        "length": ((0, 30, 60, 120, 180, math.inf), ("XS", "S", "M", "L", "XL")),
        "num_instances": ((-1, 1, 4, 8, math.inf), ("XS", "S", "M", "L")),
    },
}
TIOU = {"thumos14": (0.5,), "activitynet": tuple(np.linspace(0.5, 0.95, 10).tolist())}
FP_ERRORS = ERROR_TYPES[1:]


@dataclass(frozen=True)
class DiagnosisOptions:
    """Settings; the defaults reproduce DETAD (THUMOS14 setting).

    Attributes:
        tiou: thresholds α (THUMOS14: 0.5; ActivityNet: 0.5:0.05:0.95).
        bins: bucket edges, ``thumos14`` or ``activitynet``.
        min_tiou: below it an unmatched prediction is background.
        limit_factor: the false-positive analysis keeps each class's top ⌊factor·n_c⌋.
        fn_tau: minimum normalised precision of the false-negative analysis.
        stable_ties: quirk 1 fixed: one stable score order everywhere.
        earlier_gt_on_tiou_ties: quirk 2 fixed: the earlier GT first among equal tIoU.
        prefer_same_label: quirk 3 fixed: among GTs tied at the top tIoU, a same-label one.
        single_evaluation: quirk 5 fixed: one evaluation (no limit, no cut) for all analyses.
    """

    tiou: tuple[float, ...] = (0.5,)
    bins: str = "thumos14"
    min_tiou: float = 0.1
    limit_factor: float = 10.0
    fn_tau: float = 0.05
    stable_ties: bool = False
    earlier_gt_on_tiou_ties: bool = False
    prefer_same_label: bool = False
    single_evaluation: bool = False

    def __post_init__(self) -> None:
        if self.bins not in BINS:
            raise ValueError(f"bins must be one of {sorted(BINS)}, got {self.bins!r}")
        if not self.tiou or min(self.tiou) <= 0:
            raise ValueError("tiou thresholds must be > 0")


@dataclass(frozen=True)
class Diagnosis:
    """The numbers of one prediction file (fractions; NaN where undefined)."""

    tiou: tuple[float, ...]
    num_predictions: int
    average_num_instances_per_class: float
    average_mAP_N: dict[str, float]
    false_positive_profile: dict[str, dict[str, float]]
    error_impact: dict[str, float]
    sensitivity: dict[str, dict[str, float]]
    false_negative: dict[str, dict[str, float]]
    options: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The spec's JSON schema (NaN as null), plus ``options`` and ``notes``."""
        return _nan_to_none(asdict(self) | {"tiou": list(self.tiou), "notes": list(self.notes)})


def _nan_to_none(obj):
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_nan_to_none(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def bucket_index(values: np.ndarray, edges: tuple[float, ...]) -> np.ndarray:
    """[n] bucket of each value as pandas ``cut(right=True, include_lowest=True)``; -1 outside."""
    e = np.asarray(edges, dtype=float)
    ids = np.searchsorted(e, values, side="left")
    ids[values == e[0]] = 1
    ids[(ids == 0) | (ids == len(e)) | np.isnan(values)] = 0
    return ids - 1


def _limited_frame(preds: Predictions, gt: GroundTruth, factor: float, stable: bool) -> np.ndarray:
    """DETAD's ``_limit_prediction``: per class (class order) its top ⌊factor·n_c⌋, concatenated."""
    npos = np.bincount(gt.label, minlength=len(gt.classes))
    parts = []
    for c in range(len(gt.classes)):
        idx = np.flatnonzero(preds.label == c)
        if len(idx) and npos[c]:
            parts.append(idx[nlargest_desc(preds.score[idx], int(npos[c] * factor), stable)])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def fp_profile(
    preds: Predictions, gt: GroundTruth, ev: Evaluation, types: np.ndarray, frame: np.ndarray,
    groups: int, stable: bool,
) -> dict[str, dict[str, float]]:
    """Error breakdown of the groups 1G…{groups}G (pooled over classes, averaged over α)."""
    npos = np.bincount(gt.label, minlength=len(gt.classes))
    ordered = frame[sort_values_desc(preds.score[frame], stable)]  # global sort, then by class
    members: list[list[np.ndarray]] = [[] for _ in range(groups)]
    lab = preds.label[ordered]
    for c in range(len(gt.classes)):
        mine = ordered[lab == c]
        if not npos[c] or not len(mine):
            continue
        for g in range(groups):
            members[g].append(mine[g * npos[c] : (g + 1) * npos[c]])
    out = {}
    for g in range(groups):
        idx = np.concatenate(members[g]) if members[g] else np.zeros(0, dtype=np.int64)
        counts = np.stack([np.bincount(types[k, idx], minlength=len(ERROR_TYPES))
                           for k in range(len(types))])  # [K, 6]
        mean = counts.mean(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = mean / np.float64(len(idx))
        out[f"{g + 1}G"] = {name: float(frac[i]) for i, name in enumerate(ERROR_TYPES)}
    return out


def error_impact(gt: GroundTruth, ev: Evaluation, types: np.ndarray) -> dict[str, float]:
    """average-mAP_N gain from deleting each error type's predictions (no re-matching)."""
    npos = np.bincount(gt.label, minlength=len(gt.classes)).astype(float)
    nbar = gt.average_num_instances
    out = {}
    for code, name in enumerate(ERROR_TYPES):
        if code == 0:
            continue
        ap = np.zeros(ev.ap.shape)
        for k in range(ap.shape[0]):
            for c in range(ap.shape[1]):
                o = ev.order[c]
                keep = types[k, o] != code
                ap[k, c] = ap_n(ev.matched[k, o][keep] >= 0, npos[c], nbar)
        out[name] = float(ap.mean() - ev.average_mAP)
    return out


def sensitivity(
    preds: Predictions, gt: GroundTruth, ev: Evaluation, bins: dict, stable: bool,
) -> dict[str, dict[str, float]]:
    """average-mAP_N per bucket of each characteristic (predictions matched elsewhere dropped)."""
    nbar = gt.average_num_instances
    num_classes = len(gt.classes)
    orders = []
    for c in range(num_classes):
        idx = np.flatnonzero(preds.label == c)  # file order, then pandas sort_values
        orders.append(idx[sort_values_desc(preds.score[idx], stable)])
    out = {}
    for name in CHARACTERISTICS:
        edges, labels = bins[name]
        b_gt = bucket_index(gt.characteristic(name), edges)  # [G]
        b_gt_pad = np.append(b_gt, -2)  # index -1 (unmatched) -> -2
        ap = np.full((len(labels), num_classes), np.nan)  # [B, C]
        counts = np.zeros((len(labels), num_classes), dtype=np.int64)
        valid = b_gt >= 0
        np.add.at(counts, (b_gt[valid], gt.label[valid]), 1)
        for c in range(num_classes):
            if not counts[:, c].any():
                continue
            o = orders[c]
            m = ev.matched[:, o]  # [K, n]
            mb = b_gt_pad[m]  # [K, n] bucket of the matched GT, -2 none
            unmatched = mb == -2
            for b in np.flatnonzero(counts[:, c]):
                keep = (unmatched | (mb == b)).all(axis=0)
                aps = [ap_n(m[k][keep] >= 0, float(counts[b, c]), nbar) for k in range(len(m))]
                ap[b, c] = np.mean(aps)
        out[name] = {lab: float(np.nanmean(ap[b])) if np.isfinite(ap[b]).any() else math.nan
                     for b, lab in enumerate(labels)}
    return out


def false_negative(gt: GroundTruth, ev: Evaluation, bins: dict) -> dict[str, dict[str, float]]:
    """Miss rate per bucket (GT not matched after the cut), averaged over α."""
    out = {}
    for name in CHARACTERISTICS:
        edges, labels = bins[name]
        b_gt = bucket_index(gt.characteristic(name), edges)
        valid = b_gt >= 0
        all_count = np.bincount(b_gt[valid], minlength=len(labels)).astype(float)
        total = all_count.sum()
        rates = np.zeros(len(labels))
        for k in range(len(ev.matched)):
            hit = np.zeros(len(gt.gt_id), dtype=bool)
            m = ev.matched[k]
            hit[m[m >= 0]] = True
            miss = np.bincount(b_gt[valid & ~hit], minlength=len(labels)).astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                rates = rates + miss / (all_count / total * total)  # DETAD's operation order
        rates = rates / len(ev.matched)
        out[name] = {lab: float(rates[i]) if all_count[i] else math.nan
                     for i, lab in enumerate(labels)}
    return out


@dataclass(frozen=True)
class Analyses:
    """The evaluations and types behind a :class:`Diagnosis` (for plots and timelines)."""

    all: Evaluation
    fp: Evaluation
    fn: Evaluation
    types_all: np.ndarray  # [K, P] error types under the full evaluation
    types_fp: np.ndarray  # [K, P] under the false-positive analysis's evaluation
    fp_frame: np.ndarray  # predictions of the false-positive analysis, DETAD's frame order


def analyse(preds: Predictions, gt: GroundTruth, options: DiagnosisOptions) -> Analyses:
    """Run the three evaluations and the error typing."""
    o = options
    floor = min(o.min_tiou, min(o.tiou))
    pairs = video_pairs(preds, gt, floor)
    later = not o.earlier_gt_on_tiou_ties
    full = np.arange(len(preds))
    ev_all = evaluate(preds, gt, pairs, full, o.tiou, 0.0, o.stable_ties, later)
    types_all = error_types(preds, gt, pairs, ev_all.matched, o.tiou, o.min_tiou,
                            o.prefer_same_label)
    if o.single_evaluation:
        return Analyses(ev_all, ev_all, ev_all, types_all, types_all, full)
    frame = _limited_frame(preds, gt, o.limit_factor, o.stable_ties)
    ev_fp = evaluate(preds, gt, pairs, frame, o.tiou, 0.0, o.stable_ties, later)
    types_fp = error_types(preds, gt, pairs, ev_fp.matched, o.tiou, o.min_tiou,
                           o.prefer_same_label)
    ev_fn = with_cut(ev_all, gt, o.fn_tau)
    return Analyses(ev_all, ev_fp, ev_fn, types_all, types_fp, frame)


def diagnose(preds: Predictions, gt: GroundTruth, options: DiagnosisOptions | None = None) -> Diagnosis:
    """DETAD's false-positive, sensitivity and false-negative analyses of one prediction set."""
    o = options or DiagnosisOptions()
    bins = BINS[o.bins]
    a = analyse(preds, gt, o)
    notes = []
    no_gt = preds.video >= len(gt.videos)
    if no_gt.any():
        notes.append(f"{int(no_gt.sum())} predictions in {len(np.unique(preds.video[no_gt]))} "
                     "videos without ground truth: all typed as background (DETAD types only "
                     "the first of each such video so)")
    if preds.num_unknown_label:
        notes.append(f"{preds.num_unknown_label} predictions of classes without ground truth "
                     "in the subset were left out")
    if gt.num_dropped:
        notes.append(f"{gt.num_dropped} ground-truth rows dropped (coverage > 1 or start >= end)")
    return Diagnosis(
        tiou=tuple(float(t) for t in o.tiou),
        num_predictions=len(preds),
        average_num_instances_per_class=gt.average_num_instances,
        average_mAP_N={"all": a.all.average_mAP, "fp_analysis": a.fp.average_mAP,
                       "fn_analysis": a.fn.average_mAP},
        false_positive_profile=fp_profile(preds, gt, a.fp, a.types_fp, a.fp_frame,
                                          int(o.limit_factor), o.stable_ties),
        error_impact=error_impact(gt, a.fp, a.types_fp),
        sensitivity=sensitivity(preds, gt, a.all, bins, o.stable_ties),
        false_negative=false_negative(gt, a.fn, bins),
        options=asdict(o) | {"tiou": list(o.tiou)},
        notes=tuple(notes),
    )
