"""Video-level bootstrap: per-video flags of each kept run (from its saved predictions) and the
shared resamples of every test set (one draw per test set, so paired cells use the same)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from harness.aggregate.collect import CellRuns, Problems
from harness.aggregate.options import AggregateOptions
from harness.errors import HarnessError
from harness.manifest import REPO_ROOT
from harness.metrics.bootstrap import (
    flags_from_files,
    key_seed,
    resample_counts,
    shared_videos,
    video_bootstrap,
    weighted_map,
)
from harness.records import RunRecord


@dataclass
class CellFlags:
    """Video flags of the kept records of one cell, by seed, and their test-set key."""

    by_seed: dict[int, Any] = field(default_factory=dict)
    test_key: str = ""


def _record_flags(folder: Path, rec: RunRecord, cache: dict, problems: Problems):
    """(flags, test-set key) of a record's saved predictions, or (None, '') with a problem."""
    ev = rec.evaluator or {}
    opts = {**ev, **(ev.get("options") or {})}  # MAPResult.to_json nests the options
    source, subset = ev.get("ground_truth_source"), ev.get("subset") or rec.test_split
    if not rec.predictions or not source or not subset:
        problems.add(folder, "bootstrap", "no saved predictions or ground-truth source in the "
                     "record; no video bootstrap for this run")
        return None, ""
    ann = Path(source) if Path(source).is_absolute() else REPO_ROOT / source
    excluded = tuple(opts.get("excluded_videos") or ())
    try:
        flags = flags_from_files(
            ann, subset, folder / rec.predictions, rec.tiou, exclude_videos=excluded,
            gt_dedup=bool(opts.get("gt_dedup", True)),
            drop_zero_length_gt=bool(opts.get("drop_zero_length_gt", True)), cache=cache,
        )
    except (HarnessError, OSError, ValueError) as exc:
        problems.add(folder, "bootstrap", f"cannot read predictions/ground truth: {exc}")
        return None, ""
    again = weighted_map(flags, np.ones(len(flags.videos)))
    if not np.allclose(again, rec.mAP, atol=1e-9, rtol=0):
        problems.add(folder, "bootstrap", "re-evaluated predictions disagree with the record's mAP "
                     f"({np.round(again * 100, 3).tolist()} vs {np.round(np.array(rec.mAP) * 100, 3).tolist()}); skipped")
        return None, ""
    return flags, f"{ann}|{subset}|{','.join(excluded)}|{','.join(map(str, rec.tiou))}"


def cell_flags(cells: list[CellRuns], problems: Problems, enabled: bool) -> list[CellFlags]:
    """Flags of every cell's records (empty when the bootstrap is disabled or impossible)."""
    cache: dict = {}
    out = []
    done: dict[str, CellFlags] = {}
    for cr in cells:
        f = CellFlags()
        if cr.cell.run_name in done:
            out.append(done[cr.cell.run_name])
            continue
        if enabled:
            keys = set()
            for seed, (folder, rec) in cr.records.items():
                flags, key = _record_flags(folder, rec, cache, problems)
                if flags is not None:
                    f.by_seed[seed] = flags
                    keys.add(key)
            if len(keys) > 1:
                problems.add(cr.cell.run_name or "", "bootstrap", "runs of one cell were evaluated on "
                             "different test sets; no video bootstrap for the cell")
                f = CellFlags()
            elif keys and len(f.by_seed) == len(cr.records):
                f.test_key = keys.pop()
            else:
                f = CellFlags()
        if cr.cell.run_name:
            done[cr.cell.run_name] = f
        out.append(f)
    return out


def resamples(flag_sets: list[CellFlags], options: AggregateOptions) -> dict[str, tuple]:
    """Per test set: (video list, [B, V] counts) drawn from (bootstrap seed, test-set key)."""
    units: dict[str, list] = {}
    for f in flag_sets:
        if f.test_key:
            units.setdefault(f.test_key, []).extend(f.by_seed.values())
    out = {}
    for key, sets in units.items():
        videos = shared_videos(sets)
        rng = np.random.default_rng(key_seed(options.bootstrap_seed, key))
        out[key] = (videos, resample_counts(len(videos), options.bootstrap_samples, rng))
    return out


def video_boot(f: CellFlags, seeds, draws: dict, options: AggregateOptions):
    if not f.test_key or options.bootstrap_samples <= 0:
        return None
    videos, counts = draws[f.test_key]
    return video_bootstrap([f.by_seed[s] for s in seeds], counts, videos=videos,
                           seed=options.bootstrap_seed)
