"""Pure converters from the public annotation layouts to the ActionFormer-family JSON.

Every function takes already-parsed Python objects (dicts, CSV rows as dicts) and returns a
``database`` dict ``{video_id: {subset, duration, [fps], annotations: [{label, label_id,
segment}]}}`` as the configs' loaders read it (datasets/README.md). Reading files is left to
:mod:`datasets.real.sources`, so these functions are tested on literals.

- ActivityNet-1.3, BSN layout (``anet_anno_action.json`` keyed ``v_<id>`` with
  ``duration_second`` / ``duration_frame`` / ``feature_frame`` + ``anet_video_info_new.csv``
  with the subset + ``anet_action_name.csv`` with the 200 class names) → the layout of
  ActionFormer's ``anet1.3_tsp_filtered.json`` (keys without ``v_``, subsets ``training`` /
  ``validation``; testing videos have no annotations and are left out).
- EPIC-KITCHENS-100 CSVs (``start_timestamp`` / ``stop_timestamp`` as ``hh:mm:ss.ff``,
  ``verb_class`` / ``noun_class``; durations from ``EPIC_100_video_info.csv``) → the layout of
  ActionFormer's ``epic_kitchens_100_{verb,noun}.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from harness.errors import DataError

ANET_SUBSETS = ("training", "validation")


def parse_timestamp(text: str) -> float:
    """``hh:mm:ss.ff`` (EPIC) → seconds."""
    parts = str(text).strip().split(":")
    if len(parts) != 3:
        raise DataError(f"timestamp {text!r} is not hh:mm:ss.ff")
    try:
        h, m, s = int(parts[0]), int(parts[1]), float(parts[2])
    except ValueError as exc:
        raise DataError(f"timestamp {text!r} is not hh:mm:ss.ff") from exc
    return 3600.0 * h + 60.0 * m + s


def _require(row: Mapping, keys: Iterable[str], where: str) -> None:
    missing = [k for k in keys if k not in row]
    if missing:
        raise DataError(f"{where}: missing column(s) {', '.join(missing)}")


def bsn_to_anet(
    anno: Mapping[str, Mapping], video_info: Sequence[Mapping[str, str]], class_names: Sequence[str],
    source: str = "anet_anno_action.json",
) -> tuple[dict, dict[str, float]]:
    """BSN ActivityNet-1.3 files → (database, covered fraction per video).

    Args:
        anno: ``{v_<id>: {duration_second, duration_frame, feature_frame, annotations: [{segment, label}]}}``.
        video_info: rows of ``anet_video_info_new.csv`` (``video``, ``subset``).
        class_names: the 200 names in the order of ``anet_action_name.csv`` (= ``label_id``).
        source: file name used in error messages.

    Returns:
        The database (training and validation videos with annotations, ids without ``v_``)
        and, per video, ``feature_frame / duration_frame``: the fraction of the video its
        features cover in BSN's extraction (the real "features stop before the end" quirk).
    """
    subset_of = {}
    for row in video_info:
        _require(row, ("video", "subset"), "anet_video_info_new.csv")
        subset_of[row["video"]] = row["subset"]
    ids = {name: i for i, name in enumerate(class_names)}
    if len(ids) != len(class_names):
        raise DataError("anet_action_name.csv: duplicated class names")
    db, covered = {}, {}
    for key, entry in anno.items():
        subset = subset_of.get(key)
        if subset is None:
            raise DataError(f"{source}: video {key!r} is not in anet_video_info_new.csv")
        if subset not in ANET_SUBSETS:
            continue
        vid = key[2:] if key.startswith("v_") else key
        anns = []
        for k, a in enumerate(entry.get("annotations", [])):
            if a["label"] not in ids:
                raise DataError(f"{source}: video {key!r} row {k}: unknown class {a['label']!r}")
            lo, hi = (float(x) for x in a["segment"])
            anns.append({"label": a["label"], "label_id": ids[a["label"]], "segment": [lo, hi]})
        db[vid] = {"subset": subset, "duration": float(entry["duration_second"]), "annotations": anns}
        frames, feat = float(entry.get("duration_frame", 0)), float(entry.get("feature_frame", 0))
        covered[vid] = min(1.0, feat / frames) if frames > 0 and feat > 0 else 1.0
    return db, covered


EPIC_COLUMNS = ("video_id", "start_timestamp", "stop_timestamp", "verb", "verb_class", "noun", "noun_class")


def epic_to_database(
    rows_by_subset: Mapping[str, Sequence[Mapping[str, str]]],
    video_info: Sequence[Mapping[str, str]],
    kind: str,
    class_names: Sequence[str],
) -> dict:
    """EPIC-KITCHENS-100 CSV rows → the ``database`` of ``epic_kitchens_100_<kind>.json``.

    Args:
        rows_by_subset: ``{'training': rows, 'validation': rows}`` of the narration CSVs.
        video_info: rows of ``EPIC_100_video_info.csv`` (``video_id``, ``duration``).
        kind: ``verb`` or ``noun``.
        class_names: the ``key`` column of ``EPIC_100_<kind>_classes.csv`` (index = id).

    Returns:
        ``{video_id: {subset, duration, annotations}}`` sorted by video id, segments in
        seconds, ``label`` the class key, ``label_id`` the CSV's ``<kind>_class``.
    """
    if kind not in ("verb", "noun"):
        raise DataError(f"EPIC kind must be 'verb' or 'noun', got {kind!r}")
    duration = {}
    for row in video_info:
        _require(row, ("video_id", "duration"), "EPIC_100_video_info.csv")
        duration[row["video_id"]] = float(row["duration"])
    db: dict[str, dict] = {}
    for subset, rows in rows_by_subset.items():
        for n, row in enumerate(rows):
            _require(row, EPIC_COLUMNS, f"EPIC {subset} CSV")
            vid = row["video_id"]
            if vid not in duration:
                raise DataError(f"EPIC {subset} CSV row {n}: video {vid!r} not in EPIC_100_video_info.csv")
            entry = db.setdefault(vid, {"subset": subset, "duration": duration[vid], "annotations": []})
            if entry["subset"] != subset:
                raise DataError(f"EPIC CSVs: video {vid!r} is in both {entry['subset']} and {subset}")
            cid = int(row[f"{kind}_class"])
            if not 0 <= cid < len(class_names):
                raise DataError(f"EPIC {subset} CSV row {n}: {kind}_class {cid} outside the {len(class_names)} classes")
            seg = [parse_timestamp(row["start_timestamp"]), parse_timestamp(row["stop_timestamp"])]
            entry["annotations"].append({"label": class_names[cid], "label_id": cid, "segment": seg})
    return dict(sorted(db.items()))


def split_for_training(db: dict, train_subset: str = "training") -> dict:
    """Without public training annotations: every other video (sorted ids) is relabelled
    ``train_subset``, the rest keeps its subset. Returns a new database."""
    out = {}
    for i, (vid, entry) in enumerate(sorted(db.items())):
        out[vid] = dict(entry, subset=train_subset) if i % 2 == 0 else dict(entry)
    return out


def select_videos(
    db: dict, subsets: Sequence[str], n: int | None, must: Sequence[str] = (), min_seconds: float = 0.0,
    pick: str = "shortest",
) -> dict:
    """Keep ``n`` videos per subset: the listed ``must`` videos first (quirk carriers), then,
    ``pick='shortest'``, the shortest lasting at least ``min_seconds`` (ties by id; shorter
    ones only when too few are that long) or, ``pick='median'``, the videos closest to the
    subset's median duration (typical sizes, for benchmarks). ``n`` None keeps everything."""
    if pick not in ("shortest", "median"):
        raise DataError(f"pick must be 'shortest' or 'median', got {pick!r}")
    if n is None:
        return dict(db)
    if n < 1:
        raise DataError(f"--videos must be at least 1, got {n}")
    keep = []
    for subset in subsets:
        vids = [v for v, e in db.items() if e["subset"].lower() == subset.lower()]
        first = [v for v in must if v in vids][:n]
        if pick == "median" and vids:
            mid = sorted(float(db[v]["duration"]) for v in vids)[len(vids) // 2]
            rest = sorted((v for v in vids if v not in first), key=lambda v: (abs(float(db[v]["duration"]) - mid), v))
        else:
            rest = sorted((v for v in vids if v not in first),
                          key=lambda v: (float(db[v]["duration"]) < min_seconds, float(db[v]["duration"]), v))
        keep += first + rest[: n - len(first)]
    return {v: db[v] for v in sorted(keep)}
