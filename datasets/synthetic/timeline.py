"""The real THUMOS14 timeline for the synthetic benchmark (preset ``thumos14-timeline``).

Videos, durations, classes and action intervals are those of the public THUMOS14 annotation
file (``tests/fixtures/real/thumos14.json.gz``: 200 ``Validation`` videos → ``training``,
212 ``Test`` videos → ``validation``); only the features are synthetic (the benchmark's
signal model at its small feature size). Per video, on the benchmark's grid (fps 30,
stride 4, clip 16): T = floor((duration·30 − 16)/4) + 1; GT starting at or after the last
step are dropped (THUMOS' ``video_test_0000270`` has 22), ends are clipped to T − 1, and GT
shorter than one step are widened to one step, so that the file's GT lie inside the features
as in the other presets. The CliffDiving/Diving double labels stay as in the file (one
interval, two rows: both classes are rendered).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from datasets.real.sources import find_source, read_json
from harness.errors import DataError

#: the public annotation files shipped with the project (whole, gzip-compressed)
PUBLIC_DIR = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "real"
SOURCES = {"thumos14": "thumos14.json"}
SUBSETS = {"validation": "training", "test": "validation"}  # file subset → benchmark subset


@dataclass(frozen=True)
class TimelineVideo:
    """One real video: source id, benchmark subset, duration (s), GT (label_id, start_s, end_s)."""

    source_id: str
    subset: str
    duration: float
    annotations: tuple[tuple[int, float, float], ...]


@lru_cache(maxsize=4)
def load_timeline(name: str) -> tuple[tuple[TimelineVideo, ...], tuple[TimelineVideo, ...], tuple[str, ...]]:
    """(training videos, validation videos, class names) of a real timeline, sorted by id."""
    if name not in SOURCES:
        raise DataError(f"unknown real timeline {name!r}; choose one of {sorted(SOURCES)}")
    path = find_source(PUBLIC_DIR, SOURCES[name])
    db = read_json(path).get("database")
    if not isinstance(db, dict):
        raise DataError(f"{path}: no 'database' object")
    names: dict[int, str] = {}
    split: dict[str, list[TimelineVideo]] = {"training": [], "validation": []}
    for vid in sorted(db):
        entry = db[vid]
        subset = SUBSETS.get(str(entry["subset"]).lower())
        if subset is None:
            continue
        anns = []
        for a in entry["annotations"]:
            k = int(a["label_id"])
            names[k] = a["label"]
            anns.append((k, float(a["segment"][0]), float(a["segment"][1])))
        split[subset].append(TimelineVideo(vid, subset, float(entry["duration"]), tuple(anns)))
    return tuple(split["training"]), tuple(split["validation"]), tuple(names[k] for k in sorted(names))
