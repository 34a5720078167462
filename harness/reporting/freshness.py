"""Is an aggregate missing, or older than the run records it summarises?

An aggregate is **stale** when a run folder of one of its cells holds an ok ``record.json``
that the aggregate neither counted (``runs.csv``: run folder, seed, config hash) nor listed as
a problem (``problems.csv``), or when a counted run's record now has another config hash or
status. Records that disappeared (pruned run folders, another machine) do not make it stale:
the committed tables stay renderable without ``results/runs``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from harness.experiments.schema import Experiment
from harness.io import loads_json

RECORD = "record.json"


def _resolved(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


def _read(path: Path) -> dict | None:
    try:
        data = loads_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def stale_reasons(experiment: Experiment, scale: str, runs: pd.DataFrame,
                  problems: pd.DataFrame, results: Path, limit: int = 5) -> list[str]:
    """Why the aggregate (``runs``, ``problems`` frames) is out of date; empty when current.

    Args:
        experiment, scale: what the aggregate summarises.
        runs, problems: its ``runs.csv`` and ``problems.csv``.
        results: the run folders (``results/runs``); absent = nothing to compare.
        limit: at most this many reasons (the first ones found).
    """
    results = Path(results)
    if not results.is_dir():
        return []
    counted = {(r.run_name, int(r.seed)): r.config_hash
               for r in runs[["run_name", "seed", "config_hash"]].drop_duplicates().itertuples()}
    listed = {_resolved(p) for p in problems["path"]} if len(problems) else set()
    reasons: list[str] = []
    names = dict.fromkeys(c.run_name for c in experiment.cells(scale) if c.run_name)
    for name in names:
        for seed_dir in sorted((results / name).glob("seed*")):
            if len(reasons) >= limit:
                return reasons
            path = seed_dir / RECORD
            if not path.is_file() or not seed_dir.name[4:].isdigit():
                continue
            record = _read(path)
            seed = int(seed_dir.name[4:])
            if record is None or record.get("status") != "ok":
                if (name, seed) in counted:
                    reasons.append(f"{path}: counted run is no longer an ok record")
                continue
            known = counted.get((name, seed))
            if known is None and _resolved(str(path)) not in listed:
                reasons.append(f"{path}: new run not in the aggregate")
            elif known is not None and known != record.get("config_hash"):
                reasons.append(f"{path}: config hash changed since the aggregation")
    return reasons


def code_check(runs: pd.DataFrame, root: Path) -> tuple[str, str]:
    """(banner, provenance line) comparing the runs' code fingerprints with ``root``'s.

    The banner is '' unless some counted run carries a fingerprint other than the working
    tree's; runs recorded before fingerprints existed are named in the provenance line only.
    """
    from harness.core.fingerprint import code_fingerprint

    current = code_fingerprint(root)
    col = runs["code_fingerprint"] if "code_fingerprint" in runs else pd.Series(dtype=str)
    per_run = runs.assign(fp=col.fillna("").astype(str))[["run_name", "seed", "fp"]]
    per_run = per_run.drop_duplicates(["run_name", "seed"])
    known = per_run[per_run["fp"] != ""]
    unknown = len(per_run) - len(known)
    seen = sorted(set(known["fp"]))
    other = known[known["fp"] != current]
    line = f"working tree {current}; runs: " + (", ".join(seen) if seen else "none recorded")
    if unknown:
        line += f" ({unknown} run(s) recorded before code fingerprints)"
    if other.empty:
        return "", line
    return (f"Not fresh: {len(other)} of {len(per_run)} runs were made with other code "
            f"(fingerprint {', '.join(sorted(set(other['fp'])))}) than the working tree "
            f"({current}): models, baselines, datasets, metrics, configs or the training loop "
            "changed since. Rerun the sweep and aggregate again for current numbers.", line)
