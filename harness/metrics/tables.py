"""Column arrays of the evaluator's input tables, with value checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from harness.errors import ConfigError, DataError


@dataclass(frozen=True)
class Rows:
    """Column arrays of a GT or prediction table (score is None for GT)."""

    video: np.ndarray  # [N] object
    start: np.ndarray  # [N] float64
    end: np.ndarray  # [N] float64
    label: np.ndarray  # [N] int64 or object
    row: np.ndarray  # [N] int64, row index shown in messages
    score: np.ndarray | None = None  # [N] float64
    name: np.ndarray | None = None  # [N] object, GT label names

    def take(self, keep: np.ndarray) -> Rows:
        """The rows where ``keep`` [N] is True."""
        if keep.all():
            return self
        cols = {f.name: getattr(self, f.name) for f in fields(self)}
        return Rows(**{k: None if v is None else v[keep] for k, v in cols.items()})


def check_thresholds(tiou_thresholds: Iterable[float]) -> np.ndarray:
    """[K] float64 thresholds, each finite and in [0, 1], else a ConfigError."""
    try:
        thr = np.asarray(list(tiou_thresholds), dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ConfigError(f"tIoU thresholds must be numbers, got {tiou_thresholds!r}") from None
    if thr.size == 0 or not np.all(np.isfinite(thr)) or thr.min() < 0 or thr.max() > 1:
        raise ConfigError(f"tIoU thresholds must be a non-empty list in [0, 1], got {thr.tolist()}")
    return thr


def _label_array(values: pd.Series) -> np.ndarray:
    """Integer labels as int64 (integral floats accepted), anything else as objects."""
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(object)
    if pd.api.types.is_integer_dtype(values):
        return values.to_numpy(np.int64)
    if pd.api.types.is_float_dtype(values):
        arr = values.to_numpy(np.float64)
        if np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            return arr.astype(np.int64)
    return values.to_numpy(object)


def _floats(values: pd.Series) -> np.ndarray:
    """float64 values; anything non-numeric becomes NaN (reported by the caller)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(np.float64)
    return pd.to_numeric(values, errors="coerce").to_numpy(np.float64)


def read_rows(table: pd.DataFrame, what: str, with_score: bool) -> Rows:
    """Check a table's columns and values; return its arrays."""
    numeric = ["t_start", "t_end"] + (["score"] if with_score else [])
    missing = [c for c in ["video_id", "label", *numeric] if c not in table.columns]
    if missing:
        raise DataError(f"{what}: missing columns {missing} (have {list(table.columns)})")
    video = table["video_id"].to_numpy(object)
    row = table["row"].to_numpy(np.int64) if "row" in table.columns else np.arange(len(table))
    num = {c: _floats(table[c]) for c in numeric}
    for col, arr in num.items():
        bad = np.flatnonzero(~np.isfinite(arr))
        if len(bad):
            i = int(bad[0])
            raise DataError(
                f"{what}: video {video[i]!r} row {row[i]}: {col} is not a finite number "
                f"({table[col].iloc[i]!r}); {len(bad)} such rows"
            )
    name = table["label_name"].to_numpy(object) if "label_name" in table.columns else None
    return Rows(
        video=video, start=num["t_start"], end=num["t_end"], label=_label_array(table["label"]),
        row=row, score=num.get("score"), name=name,
    )
