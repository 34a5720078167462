"""Write a rehearsal data root: real annotations, synthetic features of real shape.

``rehearse(RehearsalSpec(...), out)`` writes, under ``out``, exactly what the real configs
read (``datasets/README.md``): the annotation files under the config names, ANet's
video-level score file, one feature file per video in the real format, channel count and
length, carrying class signal along the real GT (:mod:`datasets.real.render`), plus
``<out>/<dataset>/rehearsal.json`` describing what was written (and what is not real).
Deterministic: the bytes depend on the sources, the selection and the seed only.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from datasets.features import load_feature_file
from datasets.real import converters, render
from datasets.real.sources import AnnotationSet, load_annotations
from datasets.real.specs import DATASETS, FEATURE_SETS, DatasetSpec, FeatureSet
from harness.errors import DataError
from harness.io import atomic_write_json

RECORD = "rehearsal.json"
BANNER = ("REHEARSAL DATA: synthetic features on real annotations. mAP measures the pipeline, "
          "not the method.")
SELECTION_RULE = ("per split: the dataset's quirk carriers first, then the shortest videos (ties by id; "
                  "ActivityNet: the shortest of at least 60 s)")
MEDIAN_RULE = "per split: the dataset's quirk carriers first, then the videos closest to the median duration"
SHARED_FEATURES = {"thumos14": "multithumos", "multithumos": "thumos14"}  # same feature folders
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RehearsalSpec:
    """What to rehearse.

    Attributes:
        dataset: ``thumos14`` | ``multithumos`` | ``epic100`` | ``anet13``.
        feature_sets: names of :data:`FEATURE_SETS` (None: all of the dataset's).
        source_dir: folder with the public annotation files (plain or ``.gz``).
        annotations: the user's own annotation file (``--annotations``), or None.
        videos: videos kept per split (None: every video).
        seed: seed of the features and scores.
        pick: with ``videos``: ``shortest`` (CI) or ``median`` (typical sizes, benchmarks).
    """

    dataset: str
    source_dir: str
    feature_sets: tuple[str, ...] | None = None
    annotations: str | None = None
    videos: int | None = None
    seed: int = 0
    pick: str = "shortest"

    def resolved_sets(self) -> tuple[DatasetSpec, tuple[FeatureSet, ...]]:
        if self.dataset not in DATASETS:
            raise DataError(f"unknown dataset {self.dataset!r}; choose one of {sorted(DATASETS)}")
        spec = DATASETS[self.dataset]
        names = spec.feature_sets if self.feature_sets is None else self.feature_sets
        bad = [n for n in names if n not in spec.feature_sets]
        if bad:
            raise DataError(f"{self.dataset}: unknown feature set(s) {', '.join(bad)}; "
                            f"choose from {', '.join(spec.feature_sets)} or 'all'")
        return spec, tuple(FEATURE_SETS[n] for n in names)


@dataclass
class FeatureSummary:
    folder: str
    format: str
    channels: int
    videos: int
    steps: int
    bytes: int
    full_size_bytes: int  # every video of the source file, at full length


@dataclass
class RehearsalRecord:
    """``<out>/<dataset>/rehearsal.json``."""

    dataset: str
    seed: int
    videos_per_split: int | None
    selection: str
    banner: str
    synthetic_features: bool
    annotation_source: str
    sources: dict[str, str]
    annotations: dict[str, dict]
    features: dict[str, FeatureSummary]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def _fps(entry: dict, fs: FeatureSet, where: str = "annotation file") -> float:
    if fs.fps is not None:
        return fs.fps
    if "fps" not in entry:
        raise DataError(f"{where}: no 'fps' (the {fs.name} configs read fps per video)")
    return float(entry["fps"])


def _early(seed: int, vid: str) -> int:
    """0 or 1 step missing at the end (deterministic per video; check-data's tolerance,
    clip/stride + 1 steps, still holds)."""
    return int(render.rng_for(seed, vid, "early").integers(2))


def _union(files: dict[str, dict]) -> dict[str, dict]:
    out = {}
    for db in files.values():
        for vid, entry in db.items():
            out.setdefault(vid, entry)
    return dict(sorted(out.items()))


def _video_scores(seed: int, db: dict, subset: str, names: list[str]) -> dict:
    """CUHK-like video-level class scores [200] for every ``subset`` video: the most frequent
    GT class on top with probability 0.9 (else a random class), the rest below 0.1."""
    k = len(names)
    results = {}
    for vid, entry in db.items():
        if entry["subset"] != subset:
            continue
        rng = render.rng_for(seed, vid, "video_scores")
        vec = rng.uniform(0.0, 0.1, k)
        labels = Counter(int(a["label_id"]) for a in entry["annotations"])
        top = labels.most_common(1)[0][0] if labels else int(rng.integers(k))
        if rng.uniform() >= 0.9:
            top = int(rng.integers(k))
        vec[top] = rng.uniform(0.6, 0.99)
        results[vid] = [round(float(x), 6) for x in vec]
    return {"results": results, "class": list(names)}


def _write_json(path: Path, obj: dict) -> str:
    data = (json.dumps(obj) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()


def _check_shared(out: Path, dataset: str) -> None:
    other = SHARED_FEATURES.get(dataset)
    if other and (out / other / RECORD).exists():
        raise DataError(f"{out}: holds a {other} rehearsal, whose features share THUMOS14's feature "
                        f"folders with {dataset} (each carries its own GT's signal): rehearse "
                        f"{dataset} into another --out")


def _groups(files: dict[str, dict], vid: str, protos: dict):
    """(GT, prototypes) of every annotation file holding ``vid`` (EPIC: verb and noun)."""
    groups = []
    for ann, db in files.items():
        if ann.endswith("cuhk_val_simp_share.json") or vid not in db:
            continue
        groups.append((db[vid]["annotations"], protos[ann]))
    return groups


def rehearse(rs: RehearsalSpec, out: str | os.PathLike[str], *, dry_run: bool = False,
             progress: Progress | None = None) -> RehearsalRecord:
    """Write (or, ``dry_run``, only size) a rehearsal root for one dataset. Returns its record."""
    spec, sets = rs.resolved_sets()
    out = Path(out)
    if not dry_run:
        _check_shared(out, rs.dataset)
    aset: AnnotationSet = load_annotations(rs.dataset, rs.source_dir, rs.annotations)
    src = rs.annotations or spec.sources[0]
    full = dict(aset.files)
    chosen = {ann: converters.select_videos(db, spec.subsets, rs.videos, spec.must_keep, spec.min_seconds,
                                                    rs.pick)
              for ann, db in full.items()}
    notes = list(aset.notes)
    if rs.videos is not None:
        rule = SELECTION_RULE if rs.pick == "shortest" else MEDIAN_RULE
        notes.append(f"--videos {rs.videos}: the annotation files hold only the kept videos ({rule})")
    ann_info = {}
    for ann, db in chosen.items():
        subsets = Counter(e["subset"] for e in db.values())
        gt = sum(len(e["annotations"]) for e in db.values())
        blob = {"version": f"{aset.versions[ann]} [rehearsal]", "database": db,
                "rehearsal": {"videos_per_split": rs.videos,
                              "selection": SELECTION_RULE if rs.pick == "shortest" else MEDIAN_RULE,
                              "of_videos": len(full[ann]), "note": BANNER}}
        sha = None if dry_run else _write_json(out / ann, blob)
        ann_info[ann] = {"videos": dict(subsets), "gt": gt, "sha256": sha}
    if rs.dataset == "anet13":
        scores_rel = spec.annotations[1]
        scores = _video_scores(rs.seed, chosen[spec.annotations[0]], spec.subsets[1], aset.class_names)
        sha = None if dry_run else _write_json(out / scores_rel, scores)
        ann_info[scores_rel] = {"videos": {spec.subsets[1]: len(scores["results"])}, "gt": 0, "sha256": sha,
                                "synthetic": "video-level scores drawn from the GT (top-1 right 90 %)"}
    videos = _union(chosen)
    all_videos = _union(full)
    summaries = {}
    total = len(sets) * len(videos)
    done = 0
    for fs in sets:
        protos = {ann: render.prototypes(rs.seed, f"{rs.dataset}/{Path(ann).stem}", fs,
                                         max(len(aset.class_names), _max_label(db) + 1))
                  for ann, db in chosen.items()}
        steps = nbytes = 0
        for vid, entry in videos.items():
            length = render.num_steps(entry["duration"], _fps(entry, fs, f"{src}: video {vid!r}"), fs,
                                      aset.covered.get(vid, 1.0), _early(rs.seed, vid))
            steps += length
            if not dry_run:
                arr = render.render_video(render.rng_for(rs.seed, rs.dataset, fs.name, vid), length, fs,
                                          _fps(entry, fs, f"{src}: video {vid!r}"), _groups(chosen, vid, protos))
                nbytes += render.write_feature(out / fs.rel_path(vid), arr, fs.fmt)
            done += 1
            if progress is not None:
                progress(done, total)
        full_steps = sum(render.num_steps(e["duration"], _fps(e, fs, f"{src}: video {v!r}"), fs, aset.covered.get(v, 1.0), _early(rs.seed, v))
                         for v, e in all_videos.items())
        summaries[fs.name] = FeatureSummary(fs.folder, fs.fmt, fs.channels, len(videos), steps, nbytes,
                                            full_steps * render.bytes_per_step(fs))
    record = RehearsalRecord(
        dataset=rs.dataset, seed=rs.seed, videos_per_split=rs.videos,
        selection=SELECTION_RULE if rs.pick == "shortest" else MEDIAN_RULE,
        banner=BANNER, synthetic_features=True,
        annotation_source=Path(rs.annotations).name if rs.annotations else "public files",
        sources=aset.sources, annotations=ann_info, features=summaries, notes=notes)
    if not dry_run:
        atomic_write_json(out / rs.dataset / RECORD, record.to_json(), indent=1)
    return record


def _max_label(db: dict) -> int:
    return max((int(a["label_id"]) for e in db.values() for a in e["annotations"]), default=0)


def read_record(root: str | os.PathLike[str]) -> list[dict]:
    """Every ``<root>/*/rehearsal.json`` (empty when the root is no rehearsal)."""
    out = []
    for path in sorted(Path(root).glob(f"*/{RECORD}")):
        try:
            out.append(json.loads(path.read_text()))
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError(f"{path}: unreadable rehearsal record ({exc})") from exc
    return out


def feature_array(root: str | os.PathLike[str], fs_name: str, vid: str) -> np.ndarray:
    """Read one rehearsed feature file back as [T, C] float32 (tests, bench)."""
    fs = FEATURE_SETS[fs_name]
    return load_feature_file(str(Path(root) / fs.rel_path(vid)), channels=None, input_dim=fs.channels)
