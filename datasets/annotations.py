"""Parse annotation JSON files of the ActionFormer family (ActivityNet style).

``{version?, database: {video_id: {subset, duration, fps?, annotations: [{label,
label_id?, segment: [start_s, end_s]}]}}}``. This module checks structure only and
returns what the file says; policies on segment values (inverted segments, segments
beyond the duration, duplicates) belong to the consumer (dataset or evaluator), which
must count and report what it changes. Every error names the file and the video.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from harness.errors import DataError
from harness.io import DuplicateKeyError, loads_json, loads_json_fast


@dataclass(frozen=True)
class VideoAnnotation:
    """One video of an annotation file, as written there.

    Attributes:
        video_id: key in ``database``.
        subset: lower-cased subset name (``training``, ``validation``, ``test`` ...).
        duration: seconds (HACS stores a string; converted here).
        fps: frames per second, or None when the file has none.
        segments: float64 [N, 2] seconds, as in the file (may be inverted or exceed duration).
        labels: N label names.
        label_ids: int64 [N], or None when the file has no ``label_id``.
    """

    video_id: str
    subset: str
    duration: float
    fps: float | None
    segments: np.ndarray
    labels: tuple[str, ...]
    label_ids: np.ndarray | None = field(default=None)


def _num(value, what: str, where: str) -> float:
    """A finite float from a JSON number or numeric string, else a DataError."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{where}: {what} is not a number ({value!r})") from None
    if not math.isfinite(out):
        raise DataError(f"{where}: {what} is not finite ({value!r})")
    return out


def _loads(raw: bytes, count_pairs: Callable[[Any], int] | None = None) -> object:
    """orjson (fast, duplicate keys checked; ``count_pairs`` as :func:`loads_json_fast`);
    anything it refuses (NaN literals, a BOM, bad UTF-8 or syntax) goes through the json
    module, whose errors and NaN the callers name."""
    try:
        return loads_json_fast(raw, count_pairs)
    except DuplicateKeyError:
        raise
    except ValueError:  # orjson.JSONDecodeError
        return loads_json(raw.decode("utf-8"))


def read_json(
    path: str | os.PathLike[str], what: str = "annotation file",
    count_pairs: Callable[[Any], int] | None = None,
) -> dict:
    """Load a JSON object, with one-line errors for missing, unreadable or malformed files.

    Args:
        path: the file.
        what: how a missing file is named in the error (e.g. "predictions file").
        count_pairs: a layout-aware pair count for the duplicate-key check
            (:func:`harness.io.loads_json_fast`); default: walk every object.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: {what} not found")
    try:
        data = _loads(path.read_bytes(), count_pairs)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: malformed JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except DuplicateKeyError as exc:
        raise DataError(f"{path}: malformed JSON ({exc}: the last one would silently win)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a JSON object at the top level, got {type(data).__name__}")
    return data


def parse_database(data: dict, source: str) -> list[VideoAnnotation]:
    """Check and convert the ``database`` of an already loaded annotation object.

    Args:
        data: the JSON object.
        source: the file name used in error messages.
    """
    db = data.get("database")
    if not isinstance(db, dict):
        raise DataError(f"{source}: no 'database' object (ActivityNet-style annotation file expected)")
    videos = []
    for vid, entry in db.items():
        where = f"{source}: video {vid!r}"
        if not isinstance(entry, dict):
            raise DataError(f"{where}: entry is not an object")
        subset = entry.get("subset")
        if not isinstance(subset, str):
            raise DataError(f"{where}: missing or non-string 'subset'")
        if "duration" not in entry:
            raise DataError(f"{where}: missing 'duration'")
        duration = _num(entry["duration"], "duration", where)
        if duration < 0:
            raise DataError(f"{where}: negative duration {duration}")
        fps = _num(entry["fps"], "fps", where) if entry.get("fps") is not None else None
        if fps is not None and fps <= 0:
            raise DataError(f"{where}: fps must be positive, got {fps}")
        anns = entry.get("annotations", [])
        if not isinstance(anns, list):
            raise DataError(f"{where}: 'annotations' is not a list")
        segs, names, ids = [], [], []
        for i, ann in enumerate(anns):
            aw = f"{where} annotation {i}"
            if not isinstance(ann, dict):
                raise DataError(f"{aw}: not an object")
            seg = ann.get("segment")
            if not isinstance(seg, (list, tuple)) or len(seg) != 2:
                raise DataError(f"{aw}: 'segment' must be [start, end], got {seg!r}")
            segs.append((_num(seg[0], "segment start", aw), _num(seg[1], "segment end", aw)))
            label = ann.get("label")
            if label is None or isinstance(label, (dict, list)):
                raise DataError(f"{aw}: missing or invalid 'label'")
            names.append(str(label))
            if "label_id" in ann:
                lid = ann["label_id"]
                if isinstance(lid, bool) or not isinstance(lid, (int, float)) or int(lid) != lid or lid < 0:
                    raise DataError(f"{aw}: 'label_id' must be a non-negative integer, got {lid!r}")
                ids.append(int(lid))
        if ids and len(ids) != len(names):
            raise DataError(f"{where}: 'label_id' present on some annotations but not all")
        videos.append(
            VideoAnnotation(
                video_id=str(vid),
                subset=subset.lower(),
                duration=duration,
                fps=fps,
                segments=np.asarray(segs, dtype=np.float64).reshape(-1, 2),
                labels=tuple(names),
                label_ids=np.asarray(ids, dtype=np.int64) if ids or not names else None,
            )
        )
    return videos


def load_annotations(path: str | os.PathLike[str]) -> list[VideoAnnotation]:
    """Read and check an annotation file; see :func:`parse_database`."""
    return parse_database(read_json(path), str(path))


def label_map(videos: list[VideoAnnotation], source: str = "annotations") -> dict[str, int]:
    """Label name -> id from the file's own (label, label_id) pairs.

    Without ``label_id`` in the file, ids follow the sorted label names. A name mapped
    to two ids, or one id used by two names, is an error.
    """
    pairs: dict[str, int] = {}
    have_ids = any(v.label_ids is not None and len(v.labels) for v in videos)
    if not have_ids:
        names = sorted({n for v in videos for n in v.labels})
        return {n: i for i, n in enumerate(names)}
    for v in videos:
        if v.label_ids is None:
            if v.labels:
                raise DataError(f"{source}: video {v.video_id!r} has labels without 'label_id'")
            continue
        for name, lid in zip(v.labels, v.label_ids.tolist()):
            old = pairs.setdefault(name, lid)
            if old != lid:
                raise DataError(f"{source}: label {name!r} has two ids ({old} and {lid})")
    inverse: dict[int, str] = {}
    for name, lid in pairs.items():
        other = inverse.setdefault(lid, name)
        if other != name:
            raise DataError(f"{source}: label id {lid} is used by {other!r} and {name!r}")
    return dict(sorted(pairs.items(), key=lambda kv: kv[1]))


def video_set_label(ann_file: str | os.PathLike[str], subset: str, num_videos: int) -> str:
    """``<annotation file stem>-<subset>-<videos>``, e.g. ``thumos14-test-212`` (-211 without
    ``video_test_0000270``): the name every result records for the evaluated video set."""
    return f"{Path(ann_file).stem}-{subset.lower()}-{num_videos}"
