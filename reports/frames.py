"""The aggregated tables of one experiment and scale, read back with their declared types.

``python -m harness aggregate`` writes ``runs.csv``, ``summary.csv``, ``comparisons.csv``,
``problems.csv`` and ``meta.json`` into ``results/tables/<experiment>-<scale>/`` (schemas in
``results/tables/README.md``). Reports read only these files (never torch, never run folders,
except the optional run details of :mod:`reports.runinfo`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from harness.core.schemas import COMPARISON_SCHEMA, PROBLEM_SCHEMA, RUN_SCHEMA, SUMMARY_SCHEMA
from harness.errors import DataError
from harness.io import loads_json

FILES = {
    "runs": RUN_SCHEMA, "summary": SUMMARY_SCHEMA, "comparisons": COMPARISON_SCHEMA,
    "problems": PROBLEM_SCHEMA,
}
REQUIRED = ("summary.csv", "meta.json")
# columns added after aggregates were committed: read as '' when an older file lacks them
OPTIONAL = {"code_fingerprint"}


@dataclass(frozen=True)
class AggregateFrames:
    """One aggregate (``<experiment>-<scale>/``).

    Attributes:
        experiment, scale: as in ``meta.json``.
        runs: one row per (run, metric, row) — RUN_SCHEMA.
        summary: one row per (paper row, metric) — SUMMARY_SCHEMA.
        comparisons, problems: as written by the aggregation (may be empty).
        meta: ``meta.json``.
        source: the folder read (None when built in memory).
    """

    experiment: str
    scale: str
    runs: pd.DataFrame
    summary: pd.DataFrame
    comparisons: pd.DataFrame
    problems: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    @property
    def synthetic(self) -> bool:
        return self.scale == "synthetic"

    @property
    def tables(self) -> list[int]:
        """Paper tables present, in the order of their first row."""
        return list(dict.fromkeys(int(t) for t in self.summary["table"]))


def _cast(df: pd.DataFrame, schema: dict[str, str], name: str) -> pd.DataFrame:
    """Declared columns in order, with strings ('' for missing), floats and ints."""
    missing = [c for c in schema if c not in df.columns and c not in OPTIONAL]
    if missing:
        raise DataError(f"{name}: missing columns {missing}")
    out = {}
    for col, kind in schema.items():
        s = df[col] if col in df.columns else pd.Series("", index=df.index, dtype=object)
        if kind == "str":
            out[col] = s.astype(object).where(s.notna(), "").astype(str)
        elif kind == "float":
            out[col] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif kind == "int":
            out[col] = pd.to_numeric(s, errors="coerce").fillna(0).astype("int64")
        else:  # nullable int
            out[col] = pd.to_numeric(s, errors="coerce").astype("Int64")
    return pd.DataFrame(out, columns=list(schema), index=df.index)


def read_csv(path: Path, schema: dict[str, str]) -> pd.DataFrame:
    """A CSV of the aggregate with its declared types; an empty frame when the file is absent."""
    if not path.is_file():
        return _cast(pd.DataFrame(columns=list(schema)), schema, str(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise DataError(f"{path}: cannot read CSV ({type(exc).__name__})") from exc
    except pd.errors.EmptyDataError:
        raw = pd.DataFrame(columns=list(schema))
    return _cast(raw, schema, str(path))


def aggregate_dir(tables: Path, experiment: str, scale: str) -> Path:
    """``<tables>/<experiment>-<scale>``."""
    return Path(tables) / f"{experiment}-{scale}"


def has_aggregate(folder: Path) -> bool:
    return all((Path(folder) / f).is_file() for f in REQUIRED)


def load_frames(folder: Path) -> AggregateFrames:
    """Read an aggregate folder.

    Raises:
        DataError: a required file is missing or malformed.
    """
    folder = Path(folder)
    for name in REQUIRED:
        if not (folder / name).is_file():
            raise DataError(f"{folder / name}: missing (run `python -m harness aggregate` first)")
    try:
        meta = loads_json((folder / "meta.json").read_text(encoding="utf-8"))
    except ValueError as exc:  # invalid JSON, bad encoding or a duplicated key
        raise DataError(f"{folder / 'meta.json'}: not valid JSON ({exc.__class__.__name__})") from exc
    if not isinstance(meta, dict):
        raise DataError(f"{folder / 'meta.json'}: expected a JSON object")
    frames = {name: read_csv(folder / f"{name}.csv", schema) for name, schema in FILES.items()}
    return from_frames(meta=meta, source=folder, **frames)


def from_frames(
    *, runs: pd.DataFrame, summary: pd.DataFrame, comparisons: pd.DataFrame | None = None,
    problems: pd.DataFrame | None = None, meta: dict[str, Any] | None = None,
    source: Path | None = None,
) -> AggregateFrames:
    """An :class:`AggregateFrames` from in-memory frames (e.g. an ``AggregateResult``)."""
    meta = dict(meta or {})
    summary = _cast(summary, SUMMARY_SCHEMA, "summary")
    experiment = str(meta.get("experiment") or (summary["experiment"].iloc[0] if len(summary) else ""))
    scale = str(meta.get("scale") or (summary["scale"].iloc[0] if len(summary) else "synthetic"))
    empty = {name: pd.DataFrame(columns=list(s)) for name, s in FILES.items()}
    return AggregateFrames(
        experiment=experiment, scale=scale, runs=_cast(runs, RUN_SCHEMA, "runs"), summary=summary,
        comparisons=_cast(comparisons if comparisons is not None else empty["comparisons"],
                          COMPARISON_SCHEMA, "comparisons"),
        problems=_cast(problems if problems is not None else empty["problems"], PROBLEM_SCHEMA,
                       "problems"),
        meta=meta, source=source,
    )


def finite(x: Any) -> float | None:
    """``x`` as a float, None when missing or not finite."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None
