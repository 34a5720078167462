"""The cell model of a report: one :class:`TableView` per paper table, built from the aggregate.

A cell holds the paper's value, the harness mean with its 95 % t-interval half-width and n, and
Δ = mean − paper; the verdict (``above paper`` / ``below paper`` = the interval excludes the
paper's value, real scale and n >= 3 only) comes from ``summary.csv`` unchanged. Bold = best
harness mean in its column within a row group (underline = second), and separately the best
paper value. Rows of methods the harness does not run carry the paper's value only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from harness.core.schemas import RESULT_SELECTION
from reports.frames import AggregateFrames, finite
from reports.layout import (
    CITATIONS,
    CheckColumn,
    Column,
    TableLayout,
    checks,
    layout_for,
    row_label,
)

EXCLUDES = ("above paper", "below paper")
MAP_RANGE = (0.0, 100.0)  # mAP in percent: intervals are shown clipped to this range
STATUS_TEXT = {
    "run": "run", "not run": "not run", "reported": "reported",
    "unavailable": "not run (config not available yet)",
}


@dataclass(frozen=True)
class CellView:
    """One (row, column) cell.

    Attributes:
        metric: column metric; unit: ``%`` or ``M``.
        paper: the paper's value; mean, std, half_width (CI half-width), n: the harness's.
        delta: mean − paper (real scale only); verdict: from summary.csv.
        flag: the paper's inconsistency flag of this value ('' if none).
        best, second: best / second harness mean of its column within the group.
        paper_best: best paper value of its column within the group.
        pi: 95 % prediction interval (where one more run lands; the paper's numbers are
            single runs); video_ci: video-level bootstrap interval of the mean, if computed.
        ci_low, ci_high: the raw 95 % t-interval (may leave [0, 100] at small n; cells show
            it clipped and marked, see :attr:`clipped`).
    """

    metric: str
    unit: str = "%"
    paper: float | None = None
    mean: float | None = None
    std: float | None = None
    half_width: float | None = None
    n: int = 0
    delta: float | None = None
    verdict: str = ""
    flag: str = ""
    best: bool = False
    second: bool = False
    paper_best: bool = False
    pi: tuple[float, float] | None = None
    video_ci: tuple[float, float] | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def clipped(self) -> bool:
        """The raw 95 % interval leaves [0, 100] mAP (possible at n = 3 with a large sd)."""
        if self.unit != "%" or self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low < MAP_RANGE[0] or self.ci_high > MAP_RANGE[1]

    @property
    def shown_ci(self) -> tuple[float, float] | None:
        """The interval as drawn: clipped to [0, 100] mAP."""
        if self.ci_low is None or self.ci_high is None:
            return None
        if self.unit != "%":
            return self.ci_low, self.ci_high
        return max(self.ci_low, MAP_RANGE[0]), min(self.ci_high, MAP_RANGE[1])

    @property
    def excludes(self) -> bool:
        """The harness's 95 % interval excludes the paper's value."""
        return self.verdict in EXCLUDES

    @property
    def direction(self) -> str:
        """``above`` / ``below`` when the interval excludes the paper value, else ''."""
        return self.verdict.split()[0] if self.excludes else ""


@dataclass(frozen=True)
class RowView:
    """One paper row.

    Attributes:
        key: row key of tables.csv; label: printed label; citation: the paper's citation.
        status: ``run`` (n > 0), ``not run``, ``reported`` (paper only) or ``unavailable``.
        n, seeds: counted runs and seeds (max over the row's cells).
        checks: switch marks (Tables 6 and 9).
        flags: distinct paper flags of the row.
    """

    key: str
    label: str
    method: str
    features: str
    task: str
    variant: str
    marks: str
    citation: str
    status: str
    n: int
    seeds: tuple[str, ...]
    stand_in: str
    run_name: str
    config_hash: str
    note: str
    checks: tuple[bool, ...]
    flags: tuple[str, ...]
    cells: tuple[CellView, ...]

    @property
    def reported_only(self) -> bool:
        return self.status == "reported"

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    def cell_flags(self, cell: CellView) -> str:
        """The cell's paper flags that are not shared by every flagged value of the row
        (those are shown once, on the row label)."""
        common = self._common_flags()
        return "; ".join(f for f in cell.flag.split("; ") if f and f not in common)

    def _common_flags(self) -> set[str]:
        sets = [set(c.flag.split("; ")) - {""} for c in self.cells if c.paper is not None]
        return set.intersection(*sets) if sets else set()

    def details(self, selection: str = RESULT_SELECTION) -> str:
        """One line about the row: n, seeds, selection rule, features, stand-in, config."""
        if self.status != "run":
            return "; ".join(p for p in (self.status_text, self.features, self.note) if p)
        parts = [f"n = {self.n}", f"seeds {', '.join(self.seeds)}", f"result: {selection}",
                 f"features: {self.features}"]
        if self.stand_in:
            parts.append(f"stand-in: {self.stand_in}")
        if self.run_name:
            parts.append(f"runs: {self.run_name}")
        if self.config_hash:
            parts.append(f"config {self.config_hash[:12]}")
        return "; ".join(parts)


@dataclass(frozen=True)
class GroupView:
    title: str
    rows: tuple[RowView, ...]


@dataclass(frozen=True)
class ComparisonView:
    """A declared pair A vs B at the average (comparisons.csv)."""

    a: str
    b: str
    n: int
    delta: float | None
    low: float | None
    high: float | None
    p_improve: float | None
    p_low: float | None
    p_high: float | None
    note: str
    video_low: float | None = None
    video_high: float | None = None


@dataclass(frozen=True)
class TableView:
    """Everything a template needs for one table."""

    table: int
    layout: TableLayout
    scale: str
    groups: tuple[GroupView, ...]
    comparisons: tuple[ComparisonView, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.layout.columns

    @property
    def checks(self) -> tuple[CheckColumn, ...]:
        return self.layout.checks

    @property
    def synthetic(self) -> bool:
        return self.scale == "synthetic"

    @property
    def rows(self) -> list[RowView]:
        return [r for g in self.groups for r in g.rows]

    @property
    def flagged_rows(self) -> list[RowView]:
        return [r for r in self.rows if r.flags]


def _status(kind: str, n: int) -> str:
    if kind == "reported-only":
        return "reported"
    if kind == "unavailable":
        return "unavailable"
    return "run" if n > 0 else "not run"


def _pair(low: object, high: object) -> tuple[float, float] | None:
    lo, hi = finite(low), finite(high)
    return (lo, hi) if lo is not None and hi is not None else None


def _cell(rec: pd.Series | None, column: Column, status: str, params: dict[str, float],
          key: str) -> CellView:
    if column.unit == "M":
        paper = finite(rec["paper"]) if rec is not None else None
        counted = params.get(key)
        delta = counted - paper if counted is not None and paper is not None else None
        return CellView(column.metric, "M", paper=paper, mean=counted, delta=delta)
    if rec is None:
        return CellView(column.metric)
    n = int(rec["n"]) if status == "run" else 0
    low, high = finite(rec["ci_low"]), finite(rec["ci_high"])
    return CellView(
        metric=column.metric, paper=finite(rec["paper"]),
        mean=finite(rec["mean"]) if n else None, std=finite(rec["std"]) if n else None,
        half_width=(high - low) / 2 if n and low is not None and high is not None else None,
        n=n, delta=finite(rec["delta"]) if n else None, verdict=rec["verdict"] if n else "",
        flag=str(rec["paper_flag"]),
        pi=_pair(rec["pi_low"], rec["pi_high"]) if n else None,
        video_ci=_pair(rec["video_boot_low"], rec["video_boot_high"]) if n else None,
        ci_low=low if n else None, ci_high=high if n else None,
    )


def build_row(table: int, rows: pd.DataFrame, layout: TableLayout,
              params: dict[str, float]) -> RowView:
    """A :class:`RowView` from the summary rows (one per metric) of one paper row."""
    first = rows.iloc[0]
    by_metric = {m: r for m, r in zip(rows["metric"], (r for _, r in rows.iterrows()))}
    n = int(rows["n"].max()) if len(rows) else 0
    status = _status(str(first["kind"]), n)
    cells = tuple(_cell(by_metric.get(c.metric), c, status, params, str(first["row_key"]))
                  for c in layout.columns)
    seeds = max((str(s) for s in rows["seeds"]), key=lambda s: len(s.split(",")), default="")
    flags = tuple(dict.fromkeys(f for fl in rows["paper_flag"] for f in str(fl).split("; ") if f))
    method, variant = str(first["method"]), str(first["variant"])
    return RowView(
        key=str(first["row_key"]), label=row_label(table, method, variant), method=method,
        features=str(first["features"]), task=str(first["task"]), variant=variant,
        marks=str(first["marks"]), citation=CITATIONS.get(method, "") if not variant else "",
        status=status, n=n, seeds=tuple(s for s in seeds.split(",") if s),
        stand_in=str(first["stand_in"]), run_name=str(first["run_name"]),
        config_hash=str(first["config_hash"]), note=str(first["note"]),
        checks=checks(table, variant), flags=flags, cells=cells,
    )


def _rank(rows: list[RowView]) -> list[RowView]:
    """Mark best/second harness mean and best paper value per column within ``rows``."""
    out = [list(r.cells) for r in rows]
    for j, col in enumerate(rows[0].cells if rows else ()):
        if col.unit != "%":
            continue
        means = sorted({c.mean for r in rows if (c := r.cells[j]).mean is not None}, reverse=True)
        papers = [r.cells[j].paper for r in rows if r.cells[j].paper is not None]
        top_paper = max(papers) if papers else None
        for i, r in enumerate(rows):
            c = r.cells[j]
            out[i][j] = replace(
                c, best=bool(means) and c.mean == means[0],
                second=len(means) > 1 and c.mean == means[1],
                paper_best=c.paper is not None and c.paper == top_paper,
            )
    return [replace(r, cells=tuple(cells)) for r, cells in zip(rows, out)]


def group_rows(layout: TableLayout, rows: list[RowView]) -> tuple[GroupView, ...]:
    """Rows into the layout's groups (rows matching no rule: one group per feature set)."""
    buckets: dict[str, tuple[str, list[RowView]]] = {}
    order = [title for title, _ in layout.groups]
    for r in rows:
        for i, (title, rule) in enumerate(layout.groups):
            if rule(r.method, r.features, r.task, r.variant):
                buckets.setdefault(f"rule{i}", (title, []))[1].append(r)
                break
        else:
            buckets.setdefault(f"feat:{r.features}", (r.features, []))[1].append(r)
    keys = [f"rule{i}" for i in range(len(order)) if f"rule{i}" in buckets]
    keys += [k for k in buckets if k.startswith("feat:")]
    return tuple(GroupView(buckets[k][0], tuple(_rank(buckets[k][1]))) for k in keys)


def _label_of(key: str, other: str, rows: list[RowView], fallback: str) -> str:
    """The printed label of row ``key``; when another row of the table holds the same runs
    (same config hash) in ``other``'s group (Table 9: the full model is both ``cls=...`` and
    ``reg=...``), that row's label."""
    by_key = {r.key: r for r in rows}
    row, peer = by_key.get(key), by_key.get(other)
    if row is None:
        return fallback
    if peer is not None and row.variant and peer.variant:
        group = peer.variant.partition("=")[0]
        same = [r for r in rows if r.config_hash and r.config_hash == row.config_hash
                and r.variant.partition("=")[0] == group]
        row = same[0] if same else row
    parts = [row.task, row.label, row.features if not row.variant else ""]
    return " / ".join(p for p in parts if p)


def _comparisons(frames: AggregateFrames, table: int,
                 rows: list[RowView] | None = None) -> tuple[ComparisonView, ...]:
    c = frames.comparisons
    c = c[(c["metric"] == "avg") & c["a"].str.startswith(f"{table}|")]
    rows = rows or []
    return tuple(
        ComparisonView(a=_label_of(r.a, r.b, rows, r.a_label), b=_label_of(r.b, r.a, rows, r.b_label),
                       n=int(r.n), delta=finite(r.delta),
                       low=finite(r.welch_low), high=finite(r.welch_high),
                       p_improve=finite(r.p_improve), p_low=finite(r.p_low),
                       p_high=finite(r.p_high), note=r.note,
                       video_low=finite(r.video_delta_low), video_high=finite(r.video_delta_high))
        for r in c.itertuples()
    )


def build_table(frames: AggregateFrames, table: int,
                params: dict[str, float] | None = None) -> TableView:
    """The :class:`TableView` of paper table ``table``.

    Args:
        frames: the aggregate.
        table: paper table number (rows in summary.csv order).
        params: row key -> counted parameters (millions) of the row's real config (Table 8).
    """
    s = frames.summary[frames.summary["table"] == table]
    layout = layout_for(table, [m for m in dict.fromkeys(s["metric"])])
    rows = [build_row(table, g, layout, params or {})
            for _, g in s.groupby("row_key", sort=False)]
    return TableView(table=table, layout=layout, scale=frames.scale,
                     groups=group_rows(layout, rows), comparisons=_comparisons(frames, table, rows))


def build_tables(frames: AggregateFrames,
                 params: dict[str, float] | None = None) -> list[TableView]:
    return [build_table(frames, t, params) for t in frames.tables]
