"""Cheap per-file checks of every split before training (``train`` runs them first).

A NaN in the test split's features was found only after the whole training run. Before a
run builds anything, :func:`precheck_splits` builds each dataloader's dataset lazily, scans
its annotations and loads every feature file with the checks ``check-data`` applies
(readable, T x C, dim after channel slicing, finite values; see
:func:`datasets.checks.check_feature_file`). Files already checked are skipped: a JSON cache
keyed by path, size, mtime and the load options remembers which passed. Only errors stop a
run (length mismatches stay warnings of ``check-data``).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from datasets.checks import check_feature_file
from harness.errors import DataError
from harness.io import atomic_write_json, loads_json
from harness.registry import DATASETS

SPLITS = ("train_dataloader", "val_dataloader", "test_dataloader")
CACHE_VERSION = 1


def _key(info: dict) -> str | None:
    try:
        st = os.stat(info["feat_path"])
    except OSError:
        return None  # missing: never cached, always checked
    channels = list(info["channels"]) if info.get("channels") is not None else None
    return f"{info['feat_path']}|{st.st_size}|{st.st_mtime_ns}|{channels}|{info.get('input_dim')}"


def _read_cache(path: Path | None) -> set[str]:
    if path is None or not path.is_file():
        return set()
    try:
        data = loads_json(path.read_bytes())
    except (OSError, ValueError):
        return set()
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return set()
    return set(data.get("passed") or [])


def _datasets(cfg: Any) -> list[tuple[str, Any]]:
    """(loader name, dataset) of each distinct dataset that can be scanned."""
    seen, out = set(), []
    for name in SPLITS:
        loader = cfg.get(name)
        ds_cfg = loader.get("dataset") if isinstance(loader, dict) else None
        if not isinstance(ds_cfg, dict):
            continue
        key = repr(sorted(dict(ds_cfg).items(), key=lambda kv: kv[0]))
        if key in seen:
            continue
        seen.add(key)
        cls = ds_cfg.get("type")
        cls = DATASETS.get(cls) if isinstance(cls, str) else cls
        if not hasattr(cls, "scan"):
            continue  # not a feature dataset: nothing on disk to check
        dataset = DATASETS.build(dict(copy.deepcopy(dict(ds_cfg)), lazy_init=True))
        out.append((name.removesuffix("_dataloader"), dataset))
    return out


def precheck_splits(cfg: Any, cache: str | os.PathLike[str] | None = None) -> int:
    """Check every feature file of every split; returns the number of files loaded.

    Raises:
        DataError: naming the first bad file and the problem (and how many more there are).
    """
    cache_path = Path(cache) if cache is not None else None
    passed = _read_cache(cache_path)
    errors, loaded = [], 0
    for split, dataset in _datasets(cfg):
        infos, report = dataset.scan()
        errors += [(split, f) for f in report.findings if f.level == "error"]
        for info in infos:
            key = _key(info)
            if key is not None and key in passed:
                continue
            loaded += 1
            found = [f for f in check_feature_file(info) if f.level == "error"]
            errors += [(split, f) for f in found]
            if not found and key is not None:
                passed.add(key)
    if cache_path is not None and loaded:
        try:
            atomic_write_json(cache_path, {"version": CACHE_VERSION, "passed": sorted(passed)}, indent=None)
        except OSError:
            pass  # a cache that cannot be written only costs time
    if errors:
        split, first = errors[0]
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        raise DataError(f"{first.line()} [{split} split, found before training]{more}; "
                        "`python -m harness check-data CONFIG` lists them all")
    return loaded
