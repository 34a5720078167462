"""Inputs of the diagnosis: ground truth with its characteristics, and predictions.

Ground truth comes from DETAD's JSON (characteristics stored per annotation) or from the
harness's annotation JSON (``duration`` per video; characteristics computed: ``length`` =
end − start, ``coverage`` = length / duration, ``num-instances`` = GT rows of the video over
all classes). As DETAD: only the chosen subset; ``gt_id`` = running index in file order
before any filtering; rows with coverage > 1, then rows with start >= end, are dropped;
classes are indexed in order of first appearance (of the subset, before filtering).

Predictions follow the ActivityNet results format. Labels are names, or integer ids that
the harness's annotation ``label_id`` maps to names.
"""

from __future__ import annotations

import gzip
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from harness.errors import DataError
from harness.io import DuplicateKeyError, loads_json

SUBSET_PREFERENCE = ("testing", "test", "validation")


@dataclass(frozen=True)
class GroundTruth:
    """GT rows of one subset (after DETAD's filtering), in file order.

    Attributes:
        videos: names of the subset's videos (file order); index space of ``video``.
        classes: class names, order of first appearance.
        video, label, gt_id: [G] int64.
        start, end, coverage, length, num_instances: [G] float64.
        duration: [V] float64 per video (NaN when unknown).
        subset: the subset used; ``source`` the file.
        num_dropped: rows dropped (coverage > 1 or start >= end).
    """

    videos: tuple[str, ...]
    classes: tuple[str, ...]
    video: np.ndarray
    label: np.ndarray
    gt_id: np.ndarray
    start: np.ndarray
    end: np.ndarray
    coverage: np.ndarray
    length: np.ndarray
    num_instances: np.ndarray
    duration: np.ndarray
    subset: str = ""
    source: str = ""
    num_dropped: int = 0
    label_ids: dict[int, str] = field(default_factory=dict)

    @property
    def average_num_instances(self) -> float:
        """N̄ = GT rows / classes (THUMOS14 test: 3358 / 20 = 167.9)."""
        return len(self.gt_id) / len(self.classes)

    def characteristic(self, name: str) -> np.ndarray:
        return {"coverage": self.coverage, "length": self.length,
                "num_instances": self.num_instances}[name]


@dataclass(frozen=True)
class Predictions:
    """Predictions in file order (video order of ``results``, then list order).

    Attributes:
        videos: GT videos first (same indices as :class:`GroundTruth`), then videos
            that only the predictions name.
        video, label: [P] int64 (label indexes ``GroundTruth.classes``).
        start, end, score: [P] float64.
        num_unknown_label: predictions dropped because their class has no GT in the subset.
    """

    videos: tuple[str, ...]
    video: np.ndarray
    label: np.ndarray
    start: np.ndarray
    end: np.ndarray
    score: np.ndarray
    num_unknown_label: int = 0

    def __len__(self) -> int:
        return len(self.score)

    def take(self, idx: np.ndarray) -> Predictions:
        return Predictions(self.videos, self.video[idx], self.label[idx], self.start[idx],
                           self.end[idx], self.score[idx], self.num_unknown_label)


def _read(path: str | os.PathLike[str], what: str) -> dict:
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: {what} not found")
    try:
        raw = path.read_bytes()
        data = loads_json(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: malformed JSON (line {exc.lineno}: {exc.msg})") from None
    except DuplicateKeyError as exc:
        raise DataError(f"{path}: malformed JSON ({exc})") from None
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a JSON object at the top level")
    return data


def _pick_subset(db: dict, subset: str | None, source: str) -> str:
    present = {str(v.get("subset", "")).lower() for v in db.values() if isinstance(v, dict)}
    if subset is not None:
        if subset.lower() not in present:
            raise DataError(f"{source}: no videos in subset {subset!r} (present: {sorted(present)})")
        return subset.lower()
    for name in SUBSET_PREFERENCE:
        if name in present:
            return name
    raise DataError(f"{source}: no testing/test/validation subset (present: {sorted(present)})")


def _num(value, what: str, where: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{where}: {what} is not a number ({value!r})") from None
    if math.isnan(out):
        raise DataError(f"{where}: {what} is NaN")
    return out


def load_ground_truth(path: str | os.PathLike[str], subset: str | None = None) -> GroundTruth:
    """GT of one subset from a DETAD or a harness annotation JSON (see the module doc).

    Args:
        path: the file.
        subset: subset name (case-insensitive); default the first of testing, test,
            validation present.
    """
    source = str(path)
    db = _read(path, "ground-truth file").get("database")
    if not isinstance(db, dict):
        raise DataError(f"{source}: no 'database' object (DETAD or ActivityNet-style file expected)")
    subset = _pick_subset(db, subset, source)
    videos: list[str] = []
    classes: dict[str, int] = {}
    label_ids: dict[int, str] = {}
    rows: list[tuple] = []  # (video, label, start, end, coverage, length, num_instances)
    durations: list[float] = []
    for vid, entry in db.items():
        where = f"{source}: video {vid!r}"
        if not isinstance(entry, dict) or str(entry.get("subset", "")).lower() != subset:
            continue
        anns = entry.get("annotations", [])
        if not isinstance(anns, list):
            raise DataError(f"{where}: 'annotations' is not a list")
        vi = len(videos)
        videos.append(str(vid))
        duration = _num(entry["duration"], "duration", where) if "duration" in entry else math.nan
        durations.append(duration)
        for i, ann in enumerate(anns):
            aw = f"{where} annotation {i}"
            if not isinstance(ann, dict) or "label" not in ann:
                raise DataError(f"{aw}: not an object with a 'label'")
            seg = ann.get("segment")
            if not isinstance(seg, (list, tuple)) or len(seg) != 2:
                raise DataError(f"{aw}: 'segment' must be [start, end], got {seg!r}")
            name = str(ann["label"])
            ci = classes.setdefault(name, len(classes))
            if "label_id" in ann:
                label_ids[int(ann["label_id"])] = name
            s, e = _num(seg[0], "segment start", aw), _num(seg[1], "segment end", aw)
            if "coverage" in ann and "length" in ann and "num-instances" in ann:
                cov, length = _num(ann["coverage"], "coverage", aw), _num(ann["length"], "length", aw)
                ninst = _num(ann["num-instances"], "num-instances", aw)
            elif math.isfinite(duration):
                length, ninst = e - s, float(len(anns))
                cov = length / duration if duration > 0 else math.inf
            else:
                raise DataError(f"{aw}: neither DETAD characteristics (coverage, length, "
                                f"num-instances) nor the video's 'duration'")
            rows.append((vi, ci, s, e, cov, length, ninst))
    if not classes:
        raise DataError(f"{source}: subset {subset!r} has no annotations")
    arr = np.asarray([r[2:] for r in rows], dtype=np.float64).reshape(-1, 5)  # [G0, 5]
    vid_arr = np.asarray([r[0] for r in rows], dtype=np.int64)
    lab_arr = np.asarray([r[1] for r in rows], dtype=np.int64)
    gt_id = np.arange(len(rows), dtype=np.int64)
    keep = arr[:, 2] <= 1.0
    keep &= arr[:, 0] < arr[:, 1]
    return GroundTruth(
        videos=tuple(videos), classes=tuple(classes), video=vid_arr[keep], label=lab_arr[keep],
        gt_id=gt_id[keep], start=arr[keep, 0], end=arr[keep, 1], coverage=arr[keep, 2],
        length=arr[keep, 3], num_instances=arr[keep, 4],
        duration=np.asarray(durations, dtype=np.float64), subset=subset, source=source,
        num_dropped=int((~keep).sum()), label_ids=label_ids,
    )


def predictions_from_results(results: dict, gt: GroundTruth, source: str = "predictions") -> Predictions:
    """:class:`Predictions` from an ActivityNet ``results`` object (``{vid: [det]}``)."""
    if not isinstance(results, dict):
        raise DataError(f"{source}: expected a 'results' object (ActivityNet format)")
    vindex = {v: i for i, v in enumerate(gt.videos)}
    videos = list(gt.videos)
    cindex = {c: i for i, c in enumerate(gt.classes)}
    vid_l, lab_l, seg_l, score_l = [], [], [], []
    unknown = 0
    for vid, dets in results.items():
        if not isinstance(dets, list):
            raise DataError(f"{source}: video {vid!r}: detections must be a list")
        vid = str(vid)
        if vid not in vindex:
            vindex[vid] = len(videos)
            videos.append(vid)
        vi = vindex[vid]
        for i, det in enumerate(dets):
            where = f"{source}: video {vid!r} row {i}"
            try:
                label, seg, score = det["label"], det["segment"], det["score"]
                s, e, sc = float(seg[0]), float(seg[1]), float(score)
            except (KeyError, TypeError, ValueError, IndexError):
                raise DataError(f"{where}: expected {{label, score, segment: [start, end]}}") from None
            if not (math.isfinite(s) and math.isfinite(e) and math.isfinite(sc)):
                raise DataError(f"{where}: segment or score is not finite")
            if not isinstance(label, str):
                label = gt.label_ids.get(int(label), str(label))
            ci = cindex.get(label)
            if ci is None:
                unknown += 1
                continue
            vid_l.append(vi)
            lab_l.append(ci)
            seg_l.append((s, e))
            score_l.append(sc)
    seg = np.asarray(seg_l, dtype=np.float64).reshape(-1, 2)
    return Predictions(
        videos=tuple(videos), video=np.asarray(vid_l, dtype=np.int64),
        label=np.asarray(lab_l, dtype=np.int64), start=seg[:, 0].copy(), end=seg[:, 1].copy(),
        score=np.asarray(score_l, dtype=np.float64), num_unknown_label=unknown,
    )


def load_predictions(path: str | os.PathLike[str], gt: GroundTruth) -> Predictions:
    """Predictions of an ActivityNet results file, indexed against ``gt``."""
    return predictions_from_results(_read(path, "predictions file").get("results"), gt, str(path))
