"""Optional details from the run records behind an aggregate (when ``results/runs`` exists).

The aggregate's CSVs carry the numbers; the records add provenance the CSVs do not hold
(hardware, library versions, dates), the evaluated test set (subset, video and GT counts,
excluded videos) and per-class AP with the class names of the annotation file. Only records
counted by the aggregate are read: the (run folder, seed, config hash) triples of ``runs.csv``.
Missing or unreadable records are skipped: a report never needs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from harness.io import loads_json

RECORD = "record.json"


@dataclass(frozen=True)
class RunInfo:
    """What a report uses from one ``record.json``.

    Attributes:
        run_name, seed: the run.
        created: ISO date of the record; device, hardware, versions: from its manifest.
        test_set: e.g. ``validation: 64 videos, 501 GT``.
        class_ap: class name -> AP (percent) averaged over the record's tIoU thresholds.
    """

    run_name: str
    seed: int
    created: str = ""
    device: str = ""
    hardware: str = ""
    versions: str = ""
    test_set: str = ""
    class_ap: dict[str, float] = field(default_factory=dict)


def _hardware(manifest: dict[str, Any]) -> str:
    hw = manifest.get("hardware") or {}
    parts = [str(manifest.get("device") or "")]
    if hw.get("cpu"):
        parts.append(f"{hw['cpu']} ({hw.get('cpu_count', '?')} cores)")
    if hw.get("gpu_count"):
        parts.append(f"{hw['gpu_count']} GPU(s)")
    if manifest.get("world_size", 1) not in (1, None):
        parts.append(f"world size {manifest['world_size']}")
    return ", ".join(p for p in parts if p)


def _test_set(evaluator: dict[str, Any]) -> str:
    counts = evaluator.get("counts") or {}
    options = evaluator.get("options") or {}
    text = str(evaluator.get("subset") or "")
    if counts:
        text += f": {counts.get('gt_videos', '?')} videos, {counts.get('gt', '?')} GT"
    excluded = options.get("excluded_videos") or []
    if excluded:
        text += f", excluding {', '.join(map(str, excluded))}"
    return text


def _class_ap(record: dict[str, Any]) -> dict[str, float]:
    names = (record.get("evaluator") or {}).get("class_names") or {}
    out = {}
    for label, aps in (record.get("ap_per_class") or {}).items():
        vals = [float(a) for a in aps if a is not None and math.isfinite(float(a))]
        if vals:
            out[str(names.get(str(label), label))] = 100.0 * sum(vals) / len(vals)
    return out


def read_run(path: Path, run_name: str, seed: int) -> RunInfo | None:
    """The :class:`RunInfo` of one record, None when it is missing or unreadable."""
    try:
        record = loads_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    manifest = record.get("manifest") or {}
    versions = manifest.get("versions") or {}
    return RunInfo(
        run_name=run_name, seed=seed, created=str(record.get("created") or ""),
        device=str(manifest.get("device") or ""), hardware=_hardware(manifest),
        versions=", ".join(f"{k} {v}" for k, v in versions.items()),
        test_set=_test_set(record.get("evaluator") or {}), class_ap=_class_ap(record),
    )


def load_run_infos(runs: pd.DataFrame, results: Path | None) -> dict[tuple[str, int], RunInfo]:
    """(run folder, seed) -> :class:`RunInfo` for the records counted in ``runs`` (runs.csv).

    Records whose config hash differs from the aggregate's are skipped (a newer run that the
    aggregate has not seen must not lend its details to the old numbers).
    """
    out: dict[tuple[str, int], RunInfo] = {}
    if results is None or not Path(results).is_dir() or runs.empty:
        return out
    triples = runs[["run_name", "seed", "config_hash"]].drop_duplicates()
    for run_name, seed, config_hash in triples.itertuples(index=False):
        path = Path(results) / run_name / f"seed{seed}" / RECORD
        if not path.is_file():
            continue
        try:
            record_hash = loads_json(path.read_text(encoding="utf-8")).get("config_hash")
        except (OSError, ValueError, AttributeError):
            continue
        if record_hash != config_hash:
            continue
        info = read_run(path, run_name, int(seed))
        if info is not None:
            out[(run_name, int(seed))] = info
    return out


def class_ap_table(infos: dict[tuple[str, int], RunInfo], run_name: str) -> dict[str, float]:
    """Class name -> AP (percent, mean over tIoU and seeds) of one run folder."""
    sums: dict[str, list[float]] = {}
    for (name, _), info in sorted(infos.items()):
        if name != run_name:
            continue
        for cls, ap in info.class_ap.items():
            sums.setdefault(cls, []).append(ap)
    return {c: sum(v) / len(v) for c, v in sums.items()}


def test_sets(infos: dict[tuple[str, int], RunInfo], run_name: str) -> list[str]:
    """Distinct evaluated test sets of one run folder (normally one)."""
    return list(dict.fromkeys(i.test_set for (n, _), i in sorted(infos.items())
                              if n == run_name and i.test_set))
