"""``evaluate_detection``: ActivityNet detection mAP on tables, with the harness's rules.

Inputs are tables (pandas DataFrames): ground truth with columns ``video_id``,
``t_start``, ``t_end``, ``label`` (optional ``label_name``, ``row``) and predictions
with the same plus ``score`` (optional ``row``). Row order matters: GT order is file
order (dedup keeps the first, IoU ties prefer the later row), prediction order breaks
score ties (earlier first). Rules (data-and-eval.md §6.4):

* a prediction with end < start, or a NaN/Inf score or bound, is a :class:`DataError`;
  zero-length predictions are allowed;
* GT with end < start is dropped with a warning naming video and row, and counted;
* ``gt_dedup``: GT with the same label and start and end within 1e-3 s of a kept
  earlier row of the same video are removed (first in file order kept);
* ``drop_zero_length_gt``: GT with start == end are dropped (after dedup);
* ``exclude_videos``: GT and predictions of these videos are removed first;
* the class set is the labels with GT left; predictions with other labels are ignored
  with one warning and counted; classes without predictions score AP 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from harness.errors import DataError
from harness.metrics.array_ops import pair_ranges
from harness.metrics.map_1d import average_precision_per_class_reference
from harness.metrics.map_fast import average_precision_per_class
from harness.metrics.result import EvaluationWarning, MAPResult
from harness.metrics.tables import Rows, check_thresholds, read_rows

DEDUP_TOLERANCE_S = 1e-3


def _dedup_mask(gt: Rows, tol: float = DEDUP_TOLERANCE_S) -> np.ndarray:
    """[N] bool, True for rows kept by the greedy dedup of the official ports.

    Within one (video, label), a row is removed when its start and end are both within
    ``tol`` of an earlier row that was kept; rows are visited in file order.
    """
    labels, label_values = pd.factorize(gt.label)
    key = pd.factorize(gt.video)[0] * len(label_values) + labels  # [N] (video, label)
    order = np.argsort(key, kind="stable")  # [N] grouped, file order inside
    _, first, counts = np.unique(key[order], return_index=True, return_counts=True)
    keep = np.ones(len(key), dtype=bool)
    size = np.repeat(counts, counts)  # [N] group size at each sorted position
    lo = np.repeat(first, counts)  # [N] group start at each sorted position
    sel = np.flatnonzero(size > 1)
    if len(sel) == 0:
        return keep
    owner, pos = pair_ranges(lo[sel], size[sel])  # every (i, j) inside a group
    i_row, j_row = order[sel[owner]], order[pos]
    close = (
        (j_row < i_row)
        & (np.abs(gt.start[i_row] - gt.start[j_row]) <= tol)
        & (np.abs(gt.end[i_row] - gt.end[j_row]) <= tol)
    )
    earlier: dict[int, list[int]] = {}
    for i, j in zip(i_row[close].tolist(), j_row[close].tolist()):
        earlier.setdefault(i, []).append(j)
    for i in sorted(earlier):  # compare against rows kept so far only
        keep[i] = not any(keep[j] for j in earlier[i])
    return keep


def _warnread_rows(what: str, gt: Rows, mask: np.ndarray, source: str) -> None:
    idx = np.flatnonzero(mask)
    shown = ", ".join(f"video {gt.video[i]!r} row {gt.row[i]}" for i in idx[:10])
    more = f" and {len(idx) - 10} more" if len(idx) > 10 else ""
    warnings.warn(f"{source}: dropped {len(idx)} {what}: {shown}{more}", EvaluationWarning, stacklevel=3)


def _resolve_labels(pred: Rows, classes: np.ndarray, gt: Rows) -> np.ndarray:
    """[P] class index of each prediction, -1 when its label has no GT."""
    if pred.label.dtype != object and classes.dtype != object:
        if classes[0] >= 0 and classes[-1] < 2**20:  # small ids: a lookup table
            table = np.full(int(classes[-1]) + 2, -1, dtype=np.int64)  # last slot: out of range
            table[classes] = np.arange(len(classes))
            return table[np.where((pred.label >= 0) & (pred.label <= classes[-1]), pred.label, -1)]
        pos = np.clip(np.searchsorted(classes, pred.label), 0, len(classes) - 1)
        return np.where(classes[pos] == pred.label, pos, -1)
    index = {c: i for i, c in enumerate(classes.tolist())}
    if gt.name is not None:
        for name, label in zip(gt.name.tolist(), gt.label.tolist()):
            index.setdefault(name, index[label])
    labels = pd.Series(pred.label)
    return labels.map(index).fillna(-1).to_numpy(np.int64)


def _clean_gt(
    gt: Rows, gt_dedup: bool, drop_zero_length_gt: bool, source: str
) -> tuple[Rows, dict[str, int]]:
    """Drop inverted GT (warned), duplicates and zero-length GT, counting each."""
    counts = {"dropped": 0, "duplicate": 0, "zero": 0}
    inverted = gt.end < gt.start
    if inverted.any():
        _warnread_rows("ground-truth segments with end < start", gt, inverted, source)
        counts["dropped"] = int(inverted.sum())
        gt = gt.take(~inverted)
    if gt_dedup and len(gt.video):
        keep = _dedup_mask(gt)
        counts["duplicate"] = int((~keep).sum())
        gt = gt.take(keep)
    if drop_zero_length_gt:
        zero = gt.end == gt.start
        counts["zero"] = int(zero.sum())
        gt = gt.take(~zero)
    return gt, counts


def _check_predictions(pred: Rows) -> None:
    bad = np.flatnonzero(pred.end < pred.start)
    if len(bad):
        i = int(bad[0])
        raise DataError(
            f"predictions: video {pred.video[i]!r} row {pred.row[i]}: end {pred.end[i]} < start "
            f"{pred.start[i]} ({len(bad)} inverted predictions)"
        )


def _excluded(rows: Rows, videos: tuple[str, ...]) -> np.ndarray:
    """[N] bool, rows on the excluded videos."""
    if not videos:
        return np.zeros(len(rows.video), dtype=bool)
    return pd.Series(rows.video).astype(str).isin(videos).to_numpy()


def _class_set(gt: Rows, source: str) -> np.ndarray:
    """[C] sorted labels with GT."""
    if not len(gt.video):
        raise DataError(f"{source}: no ground-truth segments left to evaluate")
    if gt.label.dtype != object:
        return np.unique(gt.label)
    try:
        return np.array(sorted(set(gt.label.tolist())), dtype=object)
    except TypeError:
        raise DataError(f"{source}: labels mix ids and names") from None


def evaluate_detection(
    ground_truth: pd.DataFrame,
    predictions: pd.DataFrame,
    tiou_thresholds: Sequence[float] | np.ndarray,
    *,
    gt_dedup: bool = True,
    drop_zero_length_gt: bool = True,
    exclude_videos: Iterable[str] = (),
    reference: bool = False,
) -> MAPResult:
    """Detection mAP of ``predictions`` against ``ground_truth`` at each threshold.

    Args:
        ground_truth: GT table (see the module docstring), e.g. :func:`load_ground_truth`
            (its ``attrs`` source, subset and num_dropped_gt are carried over).
        predictions: prediction table, e.g. :func:`load_predictions`.
        tiou_thresholds: [K] thresholds in [0, 1], used exactly as given.
        gt_dedup: remove duplicate GT (same label, bounds within 1e-3 s).
        drop_zero_length_gt: drop GT with start == end.
        exclude_videos: videos removed from both tables.
        reference: use the per-class reference loop (slow; for cross-checks).

    Returns:
        :class:`MAPResult` (fractions), with counts of everything dropped or ignored.
    """
    thresholds = check_thresholds(tiou_thresholds)
    attrs = dict(getattr(ground_truth, "attrs", {}) or {})
    source = str(attrs.get("source", "ground truth"))
    gt = read_rows(ground_truth, source, with_score=False)
    pred = read_rows(predictions, "predictions", with_score=True)
    _check_predictions(pred)
    excluded = tuple(dict.fromkeys(str(v) for v in exclude_videos))
    gt_out, pred_out = _excluded(gt, excluded), _excluded(pred, excluded)
    gt, counts = _clean_gt(gt.take(~gt_out), gt_dedup, drop_zero_length_gt, source)
    pred = pred.take(~pred_out)
    counts.update(excluded_gt=int(gt_out.sum()), excluded_pred=int(pred_out.sum()))
    counts["dropped"] += int(attrs.get("num_dropped_gt", 0))

    classes = _class_set(gt, source)
    pred_class = _resolve_labels(pred, classes, gt)
    unknown = pred_class < 0
    if unknown.any():
        examples = sorted({repr(x) for x in pred.label[unknown].tolist()})[:5]
        warnings.warn(
            f"predictions: {int(unknown.sum())} predictions have labels without ground truth in "
            f"the evaluated subset (e.g. {', '.join(examples)}); ignored",
            EvaluationWarning, stacklevel=2,
        )
        pred, pred_class = pred.take(~unknown), pred_class[~unknown]
    counts["ignored"] = int(unknown.sum())
    counts["no_gt_video"] = _warn_videos_without_gt(gt, pred, source)
    gt_class = np.searchsorted(classes, gt.label)  # [G]
    ap = _average_precision(gt, gt_class, pred, pred_class, len(classes), thresholds, reference)
    return _result(ap, classes, thresholds, gt, gt_class, pred, counts, attrs, excluded,
                   gt_dedup=gt_dedup, drop_zero_length_gt=drop_zero_length_gt)


def _warn_videos_without_gt(gt: Rows, pred: Rows, source: str) -> int:
    """Count (and warn about) predictions on videos with no GT in the evaluated subset: the
    official evaluator counts them as false positives; so does this one, but not silently."""
    known = set(gt.video.tolist())
    codes, videos = pd.factorize(pred.video)  # [N] codes into the distinct predicted videos
    outside = np.fromiter((v not in known for v in videos.tolist()), bool, len(videos))[codes]
    n = int(outside.sum())
    if n:
        videos = sorted(set(pred.video[outside].tolist()))
        warnings.warn(
            f"predictions: {n} predictions on {len(videos)} videos without ground truth in "
            f"{source} (e.g. {', '.join(map(repr, videos[:5]))}) count as false positives "
            "(official rule)", EvaluationWarning, stacklevel=3)
    return n


def _result(
    ap: np.ndarray, classes: np.ndarray, thresholds: np.ndarray, gt: Rows,
    gt_class: np.ndarray, pred: Rows, counts: dict[str, int], attrs: dict,
    excluded: tuple[str, ...], *, gt_dedup: bool, drop_zero_length_gt: bool,
) -> MAPResult:
    """Assemble the :class:`MAPResult` from the [C, K] AP and the bookkeeping."""
    labels = [c.item() if isinstance(c, np.generic) else c for c in classes.tolist()]
    names: dict = {}
    if gt.name is not None:
        for c, n in zip(gt_class.tolist(), gt.name.tolist()):
            names.setdefault(labels[c], str(n))
    mean = ap.mean(axis=0)  # [K]
    return MAPResult(
        tiou=tuple(thresholds.tolist()),
        mAP=tuple(mean.tolist()),
        average_mAP=float(mean.mean()),
        ap_per_class={lab: tuple(ap[c].tolist()) for c, lab in enumerate(labels)},
        classes_in_mean=tuple(labels),
        class_names={lab: names[lab] for lab in labels if lab in names},
        num_gt=len(gt.video),
        num_gt_videos=len(set(gt.video.tolist())),
        num_predictions=len(pred.video),
        num_ignored_predictions=counts["ignored"],
        num_predictions_without_gt_video=counts["no_gt_video"],
        num_excluded_predictions=counts["excluded_pred"],
        num_dropped_gt=counts["dropped"],
        num_duplicate_gt=counts["duplicate"],
        num_zero_length_gt=counts["zero"],
        num_excluded_gt=counts["excluded_gt"],
        gt_dedup=gt_dedup,
        drop_zero_length_gt=drop_zero_length_gt,
        excluded_videos=excluded,
        subset=attrs.get("subset"),
        ground_truth_source=attrs.get("source"),
    )


def _average_precision(
    gt: Rows, gt_class: np.ndarray, pred: Rows, pred_class: np.ndarray,
    num_classes: int, thresholds: np.ndarray, reference: bool,
) -> np.ndarray:
    """[C, K] AP through the fast path or the reference loop."""
    if reference:
        def frame(r: Rows, cls: np.ndarray, **extra: np.ndarray) -> pd.DataFrame:
            cols = {"video_id": r.video, "t_start": r.start, "t_end": r.end, "label": cls}
            return pd.DataFrame({**cols, **extra})

        return average_precision_per_class_reference(
            frame(gt, gt_class), frame(pred, pred_class, score=pred.score),
            list(range(num_classes)), thresholds,
        )
    codes, _ = pd.factorize(np.concatenate([gt.video, pred.video]))  # shared video codes
    n_gt = len(gt.video)
    return average_precision_per_class(
        codes[:n_gt], np.stack([gt.start, gt.end], 1), gt_class,
        codes[n_gt:], np.stack([pred.start, pred.end], 1), pred_class, pred.score,
        num_classes, thresholds,
    )
