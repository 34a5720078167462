"""Full data checks (``python -m harness check-data``): every file, every finding.

:func:`check_dataset` runs the dataset's annotation scan, then loads every feature file
with the same checks the pipeline applies (readable, T x C, dim after channel slicing,
finite values) and compares each feature length with duration·fps/feat_stride. It
never stops at the first problem; the result lists every finding.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from datasets.features import load_feature_file
from datasets.scan import Finding, HasFindings
from harness.errors import DataError


@dataclass(frozen=True)
class DatasetCheck(HasFindings):
    """Outcome of checking one dataset of a config."""

    name: str
    split: str
    num_videos: int
    num_gt: int
    findings: tuple[Finding, ...]
    ann_file: str | None = None
    ann_sha256: str | None = None


def length_tolerance(expected: float, *, num_frames: float, feat_stride: float, rel_tol: float) -> float:
    """Allowed |T − duration·fps/stride|: one clip (num_frames/stride) + 1 step, or rel_tol·expected."""
    return max(num_frames / feat_stride + 1.0, rel_tol * expected)


def check_feature_file(info: dict, *, rel_tol: float = 0.05) -> list[Finding]:
    """Load one video's features with every content check, then check its length.

    Args:
        info: a data info of :func:`datasets.scan.scan_split`.
        rel_tol: relative tolerance of the length check.

    Returns:
        Findings (an error for an unusable file, a warning for a length mismatch or GT
        beyond the features).
    """
    path, vid = info["feat_path"], info["video_id"]
    try:
        arr = load_feature_file(path, channels=info["channels"], input_dim=info["input_dim"])  # [T, C]
    except DataError as exc:
        msg = str(exc)
        msg = msg[len(path) + 2 :] if msg.startswith(f"{path}: ") else msg
        return [Finding("error", path, msg, vid)]
    findings = []
    num_steps = arr.shape[0]
    stride, frames = info["feat_stride"], info["feat_num_frames"]
    expected = info["duration"] * info["fps"] / stride
    tol = length_tolerance(expected, num_frames=frames, feat_stride=stride, rel_tol=rel_tol)
    if abs(num_steps - expected) > tol:
        findings.append(Finding("warning", path, (
            f"video {vid!r}: {num_steps} feature steps but duration·fps/stride = {expected:.1f} "
            f"(tolerance ±{tol:.1f})"), vid))
    starts = info["segments_sec"][:, 0] * info["fps"] / stride - 0.5 * frames / stride
    beyond = int((starts >= num_steps).sum())
    if beyond:
        findings.append(Finding("warning", path, (
            f"video {vid!r}: {beyond} GT segment(s) start after the last of {num_steps} features"), vid))
    return findings


def check_dataset(
    dataset,
    *,
    split: str,
    rel_tol: float = 0.05,
    progress: Callable[[int, int], None] | None = None,
) -> DatasetCheck:
    """Scan annotations and check every feature file of a dataset.

    Args:
        dataset: a :class:`datasets.base.FeatureTALDataset` (built with ``lazy_init=True``
            so that building does not stop at the first error).
        split: label for the report (``train``, ``val``, ``test``).
        rel_tol: relative tolerance of the length check.
        progress: called as ``progress(done, total)`` after each file.
    """
    infos, report = dataset.scan()
    findings = list(report.findings)
    for i, info in enumerate(infos):
        findings.extend(check_feature_file(info, rel_tol=rel_tol))
        if progress is not None:
            progress(i + 1, len(infos))
    return DatasetCheck(
        name=describe(dataset),
        split=split,
        num_videos=len(infos),
        num_gt=report.num_gt,
        findings=tuple(findings),
        ann_file=str(dataset.ann_file),
        ann_sha256=file_sha256(str(dataset.ann_file)),
    )


def file_sha256(path: str) -> str | None:
    """SHA-256 of a file (hex), or None when it cannot be read."""
    if not os.path.isfile(path):
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def describe(dataset) -> str:
    """Short name: type, annotation file and subsets."""
    subsets = ",".join(getattr(dataset, "subsets", ()))
    return f"{type(dataset).__name__} {dataset.ann_file} [{subsets}]"
