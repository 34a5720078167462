"""Read the public annotation files (plain or ``.gz``) and turn them into rehearsal databases.

``load_annotations(dataset, source_dir, user_file)`` returns an :class:`AnnotationSet`: one
ActionFormer-family database per annotation file the configs read, built by the pure
converters of :mod:`datasets.real.converters`, plus the notes a rehearsal must print and
record (e.g. EPIC's missing training CSV).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from datasets.real import converters
from datasets.real.specs import DATASETS
from harness.errors import DataError

EPIC_NO_TRAIN = ("the EPIC-KITCHENS-100 training CSV is not public here: every other validation "
                 "video (sorted ids) is relabelled 'training', so training and evaluation use "
                 "disjoint halves of the validation videos")


@dataclass
class AnnotationSet:
    """What a rehearsal writes as annotations.

    Attributes:
        files: annotation path (relative to the data root) → database.
        versions: annotation path → the ``version`` string of the source.
        covered: video id → fraction of the video its features cover (default 1).
        class_names: class names in label-id order of the first file.
        sources: source file name → SHA-256 of its (decompressed) bytes.
        notes: lines to print and record.
    """

    files: dict[str, dict]
    versions: dict[str, str]
    class_names: list[str]
    covered: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def find_source(source_dir: str | os.PathLike[str], name: str) -> Path:
    """``<dir>/<name>`` or ``<dir>/<name>.gz``."""
    for cand in (Path(source_dir) / name, Path(source_dir) / f"{name}.gz"):
        if cand.is_file():
            return cand
    raise DataError(f"{Path(source_dir) / name}: public annotation file not found (nor {name}.gz)")


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    path = Path(path)
    try:
        data = path.read_bytes()
        return gzip.decompress(data) if path.suffix == ".gz" else data
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc


def read_json(path: Path) -> dict:
    try:
        out = json.loads(read_bytes(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(out, dict):
        raise DataError(f"{path}: expected a JSON object at the top level")
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    text = read_bytes(path).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _sha(path: Path) -> str:
    return hashlib.sha256(read_bytes(path)).hexdigest()


def _names_from_db(db: dict) -> list[str]:
    pairs = {}
    for entry in db.values():
        for a in entry.get("annotations", []):
            pairs[int(a["label_id"])] = a["label"]
    return [pairs.get(i, f"class_{i}") for i in range(max(pairs) + 1)] if pairs else []


def _family_json(path: Path, what: str) -> tuple[dict, str]:
    blob = read_json(path)
    if not isinstance(blob.get("database"), dict):
        raise DataError(f"{path}: not an ActionFormer-family {what} file (no 'database' object)")
    return blob["database"], str(blob.get("version", ""))


def load_annotations(dataset: str, source_dir: str | os.PathLike[str], user_file: str | None = None) -> AnnotationSet:
    """The annotation databases of one dataset.

    Args:
        dataset: a key of :data:`datasets.real.specs.DATASETS`.
        source_dir: folder with the public files (plain or ``.gz``).
        user_file: the user's own file (``--annotations``): an ActionFormer-family JSON for
            any dataset; for ``anet13`` also a BSN ``anet_anno_action.json``-style file; for
            ``epic100`` also the EPIC **training** CSV (joined with the public validation CSV).
    """
    if dataset not in DATASETS:
        raise DataError(f"unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}")
    spec = DATASETS[dataset]
    user = Path(user_file) if user_file else None
    if dataset in ("thumos14", "multithumos"):
        path = user or find_source(source_dir, spec.sources[0])
        db, version = _family_json(path, dataset)
        return AnnotationSet({spec.annotations[0]: db}, {spec.annotations[0]: version}, _names_from_db(db),
                             sources={path.name: _sha(path)})
    if dataset == "anet13":
        return _anet(spec, source_dir, user)
    return _epic(spec, source_dir, user)


def _anet(spec, source_dir, user: Path | None) -> AnnotationSet:
    names_path = find_source(source_dir, "anet_action_name.csv")
    names = [r["action"] for r in read_csv(names_path)]
    info_path = find_source(source_dir, "anet_video_info_new.csv")
    sources = {names_path.name: _sha(names_path)}
    blob = read_json(user or find_source(source_dir, "anet_anno_action.json"))
    path = user or find_source(source_dir, "anet_anno_action.json")
    sources[path.name] = _sha(path)
    if isinstance(blob.get("database"), dict):  # already the ActionFormer layout
        db, covered, version = blob["database"], {}, str(blob.get("version", ""))
        names = _names_from_db(db) or names
    else:
        sources[info_path.name] = _sha(info_path)
        db, covered = converters.bsn_to_anet(blob, read_csv(info_path), names, source=path.name)
        version = "ActivityNet-1.3 (converted from the BSN files)"
    ann = spec.annotations[0]
    return AnnotationSet({ann: db}, {ann: version}, names, covered=covered, sources=sources)


def _epic(spec, source_dir, user: Path | None) -> AnnotationSet:
    info_path = find_source(source_dir, "EPIC_100_video_info.csv")
    val_path = find_source(source_dir, "EPIC_100_validation.csv")
    info = read_csv(info_path)
    sources = {p.name: _sha(p) for p in (info_path, val_path)}
    notes = []
    if user is not None and user.suffix == ".json":  # a ready EPIC JSON: used for both files
        db, version = _family_json(user, "EPIC")
        sources[user.name] = _sha(user)
        files = {a: db for a in spec.annotations}
        return AnnotationSet(files, dict.fromkeys(spec.annotations, version), _names_from_db(db),
                             sources=sources)
    rows = {"validation": read_csv(val_path)}
    if user is not None:
        rows["training"] = read_csv(user)
        sources[user.name] = _sha(user)
    else:
        notes.append(EPIC_NO_TRAIN)
    files, versions, first_names = {}, {}, None
    for kind, ann in zip(("verb", "noun"), spec.annotations):
        cpath = find_source(source_dir, f"EPIC_100_{kind}_classes.csv")
        sources[cpath.name] = _sha(cpath)
        names = [r["key"] for r in read_csv(cpath)]
        db = converters.epic_to_database(rows, info, kind, names)
        if user is None:
            db = converters.split_for_training(db)
        files[ann], versions[ann] = db, f"EPIC-KITCHENS-100 {kind}s (converted from the CSVs)"
        first_names = first_names or names
    return AnnotationSet(files, versions, first_names or [], sources=sources, notes=notes)


def write_anet_ground_truth(source_dir: str | os.PathLike[str], out: str | os.PathLike[str]) -> Path:
    """ActivityNet-1.3 training + validation GT from the BSN files, in the ActionFormer
    layout (ids without ``v_``; label ids in ``anet_action_name.csv`` order), written to ``out``."""
    aset = _anet(DATASETS["anet13"], source_dir, None)
    db = aset.files[DATASETS["anet13"].annotations[0]]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"version": "ActivityNet-1.3 (from the BSN files)", "database": db}))
    return out
