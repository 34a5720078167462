"""The paper's numbers (``results/paper/tables.csv``) keyed by row, and the rows to flag.

Flags (data-and-eval.md §8):

- a printed average that differs by more than 0.1 (rounding) from the mean of its printed
  columns, where every threshold of the average is printed (THUMOS14 0.3:0.7, EPIC 0.1:0.5);
- one configuration printed with different numbers in different rows (Table 1's CLTDR-GMG /
  InternVideo2-6B row and the full-model rows of Tables 6-11 share one config).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.manifest import REPO_ROOT

TABLES_CSV = REPO_ROOT / "results" / "paper" / "tables.csv"
ROUNDING = 0.1
# datasets whose printed columns are every threshold of the printed average
FULL_COLUMNS = {
    "THUMOS14": ("0.3", "0.4", "0.5", "0.6", "0.7"),
    "EPIC-KITCHENS-100": ("0.1", "0.2", "0.3", "0.4", "0.5"),
}


@dataclass(frozen=True)
class PaperValues:
    """values: (row key, metric) -> printed value; marks: row key -> footnote marks."""

    values: dict[tuple[str, str], float]
    marks: dict[str, str]

    def metrics(self, row_key: str) -> list[str]:
        return [m for (k, m) in self.values if k == row_key]

    def get(self, row_key: str, metric: str) -> float | None:
        return self.values.get((row_key, metric))


def row_key_of(rec: dict[str, str]) -> str:
    return "|".join([rec["table"], rec["dataset"], rec["task"], rec["method"], rec["variant"],
                     rec["features"]])


def load_paper_values(path: Path = TABLES_CSV) -> PaperValues:
    """Read ``tables.csv`` (one number per line)."""
    values: dict[tuple[str, str], float] = {}
    marks: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for rec in csv.DictReader(f):
            key = row_key_of(rec)
            values[(key, rec["metric"])] = float(rec["value"])
            marks[key] = rec["marks"]
    return PaperValues(values, marks)


def average_flags(paper: PaperValues) -> dict[str, str]:
    """Row key -> flag for printed averages that disagree with their printed columns."""
    flags: dict[str, str] = {}
    for key in {k for k, _ in paper.values}:
        columns = FULL_COLUMNS.get(key.split("|")[1])
        avg = paper.get(key, "avg")
        if columns is None or avg is None:
            continue
        vals = [paper.get(key, c) for c in columns]
        if any(v is None for v in vals):
            continue
        mean = sum(vals) / len(vals)  # type: ignore[arg-type]
        if abs(avg - mean) > ROUNDING + 1e-9:
            flags[key] = f"printed avg {avg:g} differs from the mean of its columns {mean:.2f}"
    return flags


def shared_config_flags(
    paper: PaperValues, rows_by_run: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """(row key, metric) -> flag where rows filled by one run folder print different numbers.

    Args:
        paper: the paper's values.
        rows_by_run: (run name, row key) pairs of one scale.
    """
    groups: dict[str, list[str]] = {}
    for run, key in rows_by_run:
        groups.setdefault(run, [])
        if key not in groups[run]:
            groups[run].append(key)
    flags: dict[tuple[str, str], str] = {}
    for keys in groups.values():
        if len(keys) < 2:
            continue
        for metric in {m for k in keys for m in paper.metrics(k)}:
            printed = {k: paper.get(k, metric) for k in keys if paper.get(k, metric) is not None}
            if len(set(printed.values())) > 1:
                text = ", ".join(f"T{k.split('|')[0]} {v:g}" for k, v in printed.items())
                for k in printed:
                    flags[(k, metric)] = f"same configuration printed differently ({text})"
    return flags


def metric_label(tiou: float) -> str:
    """0.39999999999999997 -> '0.4', 0.75 -> '0.75' (the metric names of tables.csv)."""
    return f"{tiou:.2f}".rstrip("0").rstrip(".") if tiou != 0 else "0"
