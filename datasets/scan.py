"""Index one split of an annotation file: the cheap checks a dataset runs at init.

:func:`scan_split` never raises on bad data: it returns the data infos it could build
and a list of :class:`Finding` (errors and warnings, one line each). The dataset
raises the errors; ``check-data`` prints them all. Policies (data-and-eval.md §1, §6.4):
inverted GT (end < start) dropped with a warning naming video and row; GT beyond
[0, duration] clipped (counted, reported once), GT starting at/after the end dropped;
label ids ≥ num_classes, hostile video ids, missing fps, missing feature files and an
empty split are errors (missing files are warnings with ``allow_missing``). Optional official
policies: GT de-duplication of the ActivityNet / HACS loaders (``gt_dedup``) and the EPIC
list of classes without annotations (``find_empty_classes``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from datasets.annotations import VideoAnnotation, label_map, load_annotations
from datasets.features import feature_path
from harness.errors import DataError

MAX_LISTED = 10
DEDUP_TOLERANCE_S = 1e-3
GT_DEDUP_RULES = ("tridet", "actionformer")


@dataclass(frozen=True)
class Finding:
    """One problem found in the data; ``line()`` is the one-line message."""

    level: str  # 'error' | 'warning'
    source: str  # the file or folder concerned
    message: str
    video_id: str | None = None

    def line(self) -> str:
        return f"{self.source}: {self.message}"


class HasFindings:
    """Mixin for reports with a ``findings`` tuple: split them by level."""

    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]


@dataclass(frozen=True)
class SplitSpec:
    """Everything that decides how a split is indexed (the dataset's data arguments)."""

    ann_file: str
    feat_dir: str
    subsets: tuple[str, ...]
    num_classes: int
    feat_stride: float
    num_frames: float
    input_dim: int
    default_fps: float | None = None
    file_prefix: str = ""
    file_suffix: str = ""
    file_ext: str = ".npy"
    subset_subdir: bool = False
    channels: tuple[int, int] | None = None
    class_agnostic: bool = False
    clip_to_duration: bool = True
    allow_missing: bool = False
    exclude_videos: tuple[str, ...] = ()
    gt_dedup: str | None = None
    find_empty_classes: bool = False


@dataclass(frozen=True)
class SplitReport(HasFindings):
    """Counts and findings of one scan (the data infos are returned beside it)."""

    num_videos: int = 0
    num_gt: int = 0
    num_inverted_dropped: int = 0
    num_clipped: int = 0
    num_beyond_dropped: int = 0
    num_duplicates_dropped: int = 0
    num_short_dropped: int = 0
    missing_videos: tuple[str, ...] = ()
    excluded_videos: tuple[str, ...] = ()
    label_map: dict[str, int] = field(default_factory=dict)
    empty_label_ids: tuple[int, ...] = ()
    findings: tuple[Finding, ...] = ()

    def raise_errors(self) -> None:
        """Raise the first error as a one-line DataError, counting the others."""
        errors = self.errors
        if not errors:
            return
        more = len(errors) - 1
        tail = f" (and {more} more error{'s' * (more > 1)}; run `python -m harness check-data`)"
        raise DataError(errors[0].line() + (tail if more else ""))


def short_list(ids: Sequence[str], limit: int = MAX_LISTED) -> str:
    """'a, b, c' or 'a, b, ... (+N more)' for long lists."""
    shown = ", ".join(ids[:limit])
    return shown + (f", ... (+{len(ids) - limit} more)" if len(ids) > limit else "")


def _video_path(spec: SplitSpec, v: VideoAnnotation) -> str:
    prefix = spec.file_prefix
    if spec.subset_subdir:
        prefix = f"{v.subset}/{prefix}"
    path = feature_path(
        spec.feat_dir, v.video_id, prefix=prefix, suffix=spec.file_suffix, ext=spec.file_ext
    )
    return str(path)


def dedup_rows(segments: np.ndarray, label_ids: list[int], rule: str) -> tuple[list[int], int, int]:
    """Official ``remove_duplicate_annotations`` of the ActivityNet / HACS loaders.

    A row is dropped when an earlier kept row has the same label id and both bounds within
    1e-3 s; ``'actionformer'`` (happyharrycn HEAD) also drops rows shorter than 1e-3 s,
    ``'tridet'`` (TriDet, CLTDR-GMG) does not.

    Args:
        segments: float64 [N, 2] seconds, as in the file.
        label_ids: N label ids of the file (not the class-agnostic 0).
        rule: ``'tridet'`` or ``'actionformer'``.

    Returns:
        (kept row indices in file order, duplicates dropped, short rows dropped).
    """
    kept: list[int] = []
    dups = short = 0
    tol = DEDUP_TOLERANCE_S
    for row, ((start, end), lid) in enumerate(zip(segments.tolist(), label_ids)):
        if rule == "actionformer" and end - start < tol:
            short += 1
            continue
        if any(abs(start - segments[k, 0]) <= tol and abs(end - segments[k, 1]) <= tol
               and lid == label_ids[k] for k in kept):
            dups += 1
            continue
        kept.append(row)
    return kept, dups, short


def _segments(
    spec: SplitSpec, v: VideoAnnotation, lmap: dict[str, int], findings: list[Finding]
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Apply the GT policies to one video: (segments_sec float32 [N, 2], labels int64 [N], counts)."""
    counts = {"inverted": 0, "clipped": 0, "beyond": 0, "duplicate": 0, "short": 0}
    rows = list(range(len(v.labels)))
    if spec.gt_dedup is not None:
        ok = [r for r in rows if v.segments[r, 1] >= v.segments[r, 0]]  # inverted: warned below
        kept, counts["duplicate"], counts["short"] = dedup_rows(
            v.segments[ok], [lmap[v.labels[r]] for r in ok], spec.gt_dedup)
        kept_rows = {ok[k] for k in kept}
        rows = [r for r in rows if r in kept_rows or r not in ok]
    segs, labels = [], []
    for row in rows:
        (start, end), name = v.segments[row].tolist(), v.labels[row]
        lid = 0 if spec.class_agnostic else lmap[name]
        if lid >= spec.num_classes:
            findings.append(Finding("error", spec.ann_file, (
                f"video {v.video_id!r} annotation {row}: label {name!r} has id {lid}, "
                f"outside num_classes {spec.num_classes}"), v.video_id))
            continue
        if end < start:
            counts["inverted"] += 1
            findings.append(Finding("warning", spec.ann_file, (
                f"video {v.video_id!r} annotation {row}: end {end} < start {start}, dropped"),
                v.video_id))
            continue
        if spec.clip_to_duration:
            if start >= v.duration and v.duration > 0:
                counts["beyond"] += 1
                continue
            if start < 0 or end > v.duration:
                counts["clipped"] += 1
                start, end = max(start, 0.0), min(end, v.duration)
        segs.append((start, end))
        labels.append(lid)
    seg_arr = np.asarray(segs, dtype=np.float32).reshape(-1, 2)  # [N, 2] seconds
    return seg_arr, np.asarray(labels, dtype=np.int64), counts


def _split_videos(
    spec: SplitSpec, videos: list[VideoAnnotation], findings: list[Finding]
) -> tuple[list[VideoAnnotation], list[str]]:
    """Videos of the requested subsets, without excluded ones; an empty split is an error."""
    wanted = [v for v in videos if v.subset in spec.subsets]
    excluded = set(spec.exclude_videos)
    unknown = sorted(excluded - {v.video_id for v in wanted})
    if unknown:
        findings.append(Finding("warning", spec.ann_file, (
            f"exclude_videos not in subset(s) {list(spec.subsets)}: {short_list(unknown)}")))
    kept = [v for v in wanted if v.video_id not in excluded]
    if not kept:
        present = sorted({v.subset for v in videos})
        findings.append(Finding("error", spec.ann_file, (
            f"no videos in subset(s) {list(spec.subsets)} (subsets in the file: {present}"
            f"{', after exclusions' if wanted else ''})")))
    return kept, sorted(excluded & {v.video_id for v in wanted})


def scan_split(spec: SplitSpec) -> tuple[list[dict], SplitReport]:
    """Index a split: data infos for the pipeline plus a report of every finding.

    Returns:
        (infos, report): one dict per usable video with ``video_id``, ``feat_path``,
        ``fps``, ``duration``, ``feat_stride``, ``feat_num_frames``, ``segments_sec``
        (float32 [N, 2]), ``labels`` (int64 [N]), ``channels``, ``input_dim``.
    """
    findings: list[Finding] = []
    try:
        videos = load_annotations(spec.ann_file)
        lmap = label_map(videos, spec.ann_file)
    except DataError as exc:
        return [], SplitReport(findings=(Finding("error", spec.ann_file, _strip(exc, spec.ann_file)),))
    kept, excluded = _split_videos(spec, videos, findings)
    infos, missing, out_of_range = [], [], []
    totals = {"inverted": 0, "clipped": 0, "beyond": 0, "duplicate": 0, "short": 0}
    for v in kept:
        try:
            path = _video_path(spec, v)
        except DataError as exc:
            findings.append(Finding("error", spec.feat_dir, _strip(exc, spec.feat_dir), v.video_id))
            continue
        fps = spec.default_fps if spec.default_fps is not None else v.fps
        if fps is None:
            findings.append(Finding("error", spec.ann_file, (
                f"video {v.video_id!r} has no 'fps' and the dataset sets no default_fps"), v.video_id))
            continue
        segs, labels, counts = _segments(spec, v, lmap, findings)
        for k in totals:
            totals[k] += counts[k]
        if counts["clipped"] or counts["beyond"]:
            out_of_range.append(f"{v.video_id} ({counts['clipped'] + counts['beyond']})")
        if not os.path.isfile(path):
            missing.append(v.video_id)
            continue
        infos.append(dict(
            video_id=v.video_id, feat_path=path, fps=float(fps), duration=float(v.duration),
            feat_stride=float(spec.feat_stride), feat_num_frames=float(spec.num_frames),
            segments_sec=segs, labels=labels, channels=spec.channels, input_dim=spec.input_dim,
        ))
    if missing:
        level = "warning" if spec.allow_missing else "error"
        findings.append(Finding(level, spec.feat_dir, (
            f"{len(missing)} of {len(kept)} feature files missing for subset(s) "
            f"{list(spec.subsets)} (name {spec.file_prefix}<id>{spec.file_suffix}{spec.file_ext}"
            f"{'; skipped' if spec.allow_missing else ''}): {short_list(missing)}")))
        if spec.allow_missing and kept and not infos:
            findings.append(Finding("error", spec.feat_dir, "every feature file of the split is missing"))
    if totals["clipped"] or totals["beyond"]:
        findings.append(Finding("warning", spec.ann_file, (
            f"{totals['clipped']} GT segments clipped to [0, duration] and {totals['beyond']} "
            f"starting at/after the video end dropped (subset(s) {list(spec.subsets)}); "
            f"videos (segments): {short_list(out_of_range)}")))
    used = set(lmap.values())
    empty = (tuple(i for i in range(spec.num_classes) if i not in used)
             if spec.find_empty_classes and not spec.class_agnostic else ())
    report = SplitReport(
        num_videos=len(infos), num_gt=sum(len(i["labels"]) for i in infos),
        num_inverted_dropped=totals["inverted"], num_clipped=totals["clipped"],
        num_beyond_dropped=totals["beyond"], num_duplicates_dropped=totals["duplicate"],
        num_short_dropped=totals["short"], missing_videos=tuple(missing),
        excluded_videos=tuple(excluded), label_map=dict(lmap), empty_label_ids=empty,
        findings=tuple(findings),
    )
    return infos, report


def _strip(exc: DataError, source: str) -> str:
    """The message of a DataError without a leading '<source>: ' (Finding adds it back)."""
    msg = str(exc)
    prefix = f"{source}: "
    return msg[len(prefix):] if msg.startswith(prefix) else msg
