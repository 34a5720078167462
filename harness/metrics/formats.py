"""Files of the evaluator: GT from annotation JSON, ActivityNet prediction JSON, thresholds.

Prediction files follow ActivityNet: ``{version?, results: {video_id: [{label, score,
segment: [start_s, end_s]}]}, external_data?}``. Labels are ids (ints, matched to the
GT ``label_id``) or names (strings, matched to the GT ``label``).
"""

from __future__ import annotations

import itertools
import math
import operator
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from datasets.annotations import label_map, load_annotations, read_json
from harness.errors import ConfigError, DataError
from harness.io import atomic_write_json, gc_paused, json_pairs
from harness.metrics.result import EvaluationWarning

GT_COLUMNS = ["video_id", "t_start", "t_end", "label", "label_name", "row"]
PRED_COLUMNS = ["video_id", "t_start", "t_end", "label", "score", "row"]


def load_ground_truth(path: str | os.PathLike[str], subset: str = "validation") -> pd.DataFrame:
    """GT rows of one subset of an ActionFormer-family annotation file.

    Label ids are the file's ``label_id`` (or sorted names without ids, as
    :func:`datasets.annotations.label_map`). GT with end < start is dropped with a
    warning naming video and row; the count goes to ``attrs['num_dropped_gt']``.

    Args:
        path: annotation JSON.
        subset: subset name (case-insensitive).

    Returns:
        Columns video_id, t_start, t_end, label (int64), label_name, row (index of the
        annotation in its video), in file order; ``attrs`` source, subset, num_dropped_gt.
    """
    videos = load_annotations(path)
    ids = label_map(videos, source=str(path))
    chosen = [v for v in videos if v.subset == subset.lower()]
    if not chosen:
        present = sorted({v.subset for v in videos})
        raise DataError(f"{path}: no videos in subset {subset!r} (subsets present: {present})")
    cols: dict[str, list[Any]] = {c: [] for c in GT_COLUMNS}
    for v in chosen:
        n = len(v.labels)
        cols["video_id"] += [v.video_id] * n
        cols["t_start"] += v.segments[:, 0].tolist()
        cols["t_end"] += v.segments[:, 1].tolist()
        cols["label"] += [ids[name] for name in v.labels]
        cols["label_name"] += list(v.labels)
        cols["row"] += list(range(n))
    table = pd.DataFrame(cols).astype({"t_start": "float64", "t_end": "float64", "label": "int64"})
    inverted = (table["t_end"] < table["t_start"]).to_numpy()
    if inverted.any():
        bad = table[inverted]
        shown = ", ".join(f"video {v!r} row {r}" for v, r in zip(bad["video_id"][:10], bad["row"][:10]))
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        warnings.warn(
            f"{path}: dropped {len(bad)} ground-truth segments with end < start: {shown}{more}",
            EvaluationWarning, stacklevel=2,
        )
        table = table[~inverted].reset_index(drop=True)
    table.attrs.update(source=str(path), subset=subset.lower(), num_dropped_gt=int(inverted.sum()))
    return table


def _prediction_pairs(data: Any) -> int:
    """Key-value pairs of a parsed prediction object, without walking each detection: the
    objects outside ``results`` are walked, every detection object counts ``len(det)``.
    A lower bound (objects nested inside a detection are not counted), exact for the usual
    file, as :func:`harness.io.loads_json_fast` needs."""
    results = data.get("results") if type(data) is dict else None
    if type(results) is not dict:
        return json_pairs(data)
    lists = list(results.values())
    if not set(map(type, lists)) <= {list}:
        return json_pairs(data)
    dets = list(itertools.chain.from_iterable(lists))  # [N]
    if not set(map(type, dets)) <= {dict}:
        return json_pairs(data)
    outside = json_pairs({k: v for k, v in data.items() if k != "results"})
    return outside + 1 + len(results) + sum(map(len, dets))


def _read_json(path: Path) -> dict:
    """The prediction object (``read_json``: orjson for strict JSON, else the json module for
    NaN and Infinity literals, which the checks then name; a duplicated key is an error, not
    "last wins"), checked to hold a ``results`` object."""
    data = read_json(path, what="predictions file", count_pairs=_prediction_pairs)
    if not isinstance(data.get("results"), dict):
        raise DataError(f"{path}: expected an object with a 'results' object (ActivityNet format)")
    return data


def _number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f"{where}: {what} is not a number ({value!r})")
    if not math.isfinite(value):
        raise DataError(f"{where}: {what} is not finite ({value!r})")
    return float(value)


def _label(value: Any, where: str) -> int | str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and int(value) == value:
            return int(value)
    raise DataError(f"{where}: label must be an integer id or a name, got {value!r}")


def _columns_of_clean_file(results: dict) -> dict[str, np.ndarray] | None:
    """The prediction columns when every detection is well formed, built without a Python loop
    per detection (``map``/``itemgetter`` and numpy); None when anything is off: the checking
    loop of :func:`load_predictions` then names the first bad detection.

    Well formed: a list per video of objects with ``segment`` = [start, end] (ints or floats,
    finite, end >= start), ``score`` (int or float, finite) and ``label`` (all ints, or all
    strings).
    """
    lists = list(results.values())
    if not all(type(d) is list for d in lists):
        return None
    counts = np.fromiter(map(len, lists), np.int64, len(lists))  # [V]
    dets = list(itertools.chain.from_iterable(lists))  # [N]
    try:
        segs = list(map(operator.itemgetter("segment"), dets))
        scores = list(map(operator.itemgetter("score"), dets))
        labels = list(map(operator.itemgetter("label"), dets))
    except (KeyError, TypeError):  # a detection that is no object, or lacks a key
        return None
    numbers = {int, float}
    if not set(map(type, scores)) <= numbers:
        return None
    try:  # a segment that is a number has no len(); a string or object of length 2 gives
        if dets and set(map(len, segs)) != {2}:  # characters or keys, refused below
            return None
    except TypeError:
        return None
    flat = list(itertools.chain.from_iterable(segs))  # [2N] start, end, start, ...
    if not set(map(type, flat)) <= numbers:
        return None
    label_types = set(map(type, labels))
    if not (label_types <= {int} or label_types == {str}):
        return None
    try:
        bounds = np.array(flat, dtype=np.float64).reshape(len(dets), 2)  # [N, 2]
        score = np.array(scores, dtype=np.float64)  # [N]
        label = np.array(labels, dtype=np.int64 if label_types <= {int} else object)  # [N]
    except (OverflowError, ValueError):
        return None
    if not (np.isfinite(bounds).all() and np.isfinite(score).all()):
        return None
    if (bounds[:, 1] < bounds[:, 0]).any():
        return None
    starts = np.repeat(np.cumsum(counts) - counts, counts)  # [N] first row of each video
    return {
        "video_id": np.repeat(np.array(list(results), dtype=object), counts),
        "t_start": bounds[:, 0], "t_end": bounds[:, 1], "label": label, "score": score,
        "row": np.arange(len(dets), dtype=np.int64) - starts,
    }


def load_predictions(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an ActivityNet prediction file.

    Args:
        path: JSON file.

    Returns:
        Columns video_id, t_start, t_end, label (int64 ids, or objects when names
        occur), score, row (index in its video's list), in file order.
    """
    path = Path(path)
    # ~10^5 detection objects: 3x faster without cyclic collections; the parsed tree is
    # freed inside the block, so the collector has nothing of it to walk afterwards
    with gc_paused():
        results = _read_json(path)["results"]
        fast = _columns_of_clean_file(results)
        if fast is None:
            return _checked_table(results, path)
        del results
    return pd.DataFrame(fast).astype({"label": fast["label"].dtype})  # names stay objects


def _checked_table(results: dict, path: Path) -> pd.DataFrame:
    """The prediction table, checking every detection (the first bad one is named)."""
    cols: dict[str, list[Any]] = {c: [] for c in PRED_COLUMNS}
    for vid, dets in results.items():
        if not isinstance(dets, list):
            raise DataError(f"{path}: video {vid!r}: detections must be a list")
        for i, det in enumerate(dets):
            where = f"{path}: video {vid!r} row {i}"
            if not isinstance(det, dict):
                raise DataError(f"{where}: detection is not an object")
            seg = det.get("segment")
            if not isinstance(seg, (list, tuple)) or len(seg) != 2:
                raise DataError(f"{where}: 'segment' must be [start, end], got {seg!r}")
            start, end = _number(seg[0], "start", where), _number(seg[1], "end", where)
            if end < start:
                raise DataError(f"{where}: end {end} < start {start}")
            cols["video_id"].append(str(vid))
            cols["t_start"].append(start)
            cols["t_end"].append(end)
            cols["label"].append(_label(det.get("label"), where))
            cols["score"].append(_number(det.get("score"), "score", where))
            cols["row"].append(i)
    all_int = all(isinstance(x, int) for x in cols["label"])
    table = pd.DataFrame(cols)
    return table.astype(
        {"t_start": "float64", "t_end": "float64", "score": "float64", "row": "int64",
         "label": "int64" if all_int else "object"}
    )


def predictions_to_json(predictions: pd.DataFrame, version: str = "tal-harness") -> dict:
    """ActivityNet prediction object from a prediction table (row order kept per video)."""
    results: dict[str, list[dict]] = {}
    labels = predictions["label"].tolist()
    for vid, s, e, lab, sc in zip(
        predictions["video_id"].tolist(), predictions["t_start"].tolist(),
        predictions["t_end"].tolist(), labels, predictions["score"].tolist(),
    ):
        lab = int(lab) if isinstance(lab, (int, np.integer)) else lab
        results.setdefault(str(vid), []).append({"label": lab, "score": sc, "segment": [s, e]})
    return {"version": version, "results": results, "external_data": {}}


def write_predictions(path: str | os.PathLike[str], predictions: pd.DataFrame) -> Path:
    """Write a prediction table as ActivityNet JSON, atomically."""
    return atomic_write_json(path, predictions_to_json(predictions), indent=None)


def parse_tiou_thresholds(text: str) -> tuple[float, ...]:
    """Thresholds from ``a:step:b`` (inclusive, the exact ``np.linspace(a, b, n)``
    values), a comma list ``0.3,0.5``, or one number.

    Raises:
        ConfigError: on anything else, or a range whose step does not divide it.
    """
    parts = text.split(":") if ":" in text else [x for x in text.split(",") if x.strip()]
    try:
        values = [float(x) for x in parts]
    except ValueError:
        values = []
    if not values or (":" in text and len(values) != 3):
        raise ConfigError(f"cannot parse tIoU thresholds {text!r} (use a:step:b or a,b,c)")
    if ":" not in text:
        return tuple(values)
    a, step, b = values
    steps = (b - a) / step if step > 0 else -1.0
    n = round(steps) if np.isfinite(steps) else -1
    if not np.isfinite(values).all() or steps < 0 or abs(steps - n) > 1e-6:
        raise ConfigError(f"tIoU range {text!r}: need a finite step > 0 dividing b - a >= 0")
    return tuple(np.linspace(a, b, n + 1).tolist())
