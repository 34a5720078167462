"""HTML pages: one per paper table plus an index, from jinja2 templates with autoescaping.

Every string from data (method names, class names of an annotation file, notes, paths) is
escaped by jinja2's autoescape; the templates hold no script. Figures are relative ``<img>``
links into ``figures/`` next to the pages.
"""

from __future__ import annotations

import math
from typing import Any

import jinja2
from markupsafe import Markup, escape

from reports.layout import level_parts, levels_text
from reports.tables import CellView, RowView, TableView


def levels(text: str) -> Markup:
    """``text`` escaped, with pyramid levels as subscripts (``P<sub>l+1</sub>``)."""
    text = levels_text(str(text)) if "P_l" in str(text) else str(text)
    return Markup("").join(escape(t) if sub is None else Markup("P<sub>%s</sub>") % sub
                           for t, sub in level_parts(text))


def fmt(x: float | None, digits: int = 1, sign: bool = False) -> str:
    """A number as printed in a cell ('' when missing); ``sign`` adds '+' to positives."""
    if x is None or not math.isfinite(x):
        return ""
    text = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    return text.replace("-", "−")


def interval(low: float | None, high: float | None, digits: int = 2) -> str:
    if low is None or high is None:
        return ""
    return f"[{fmt(low, digits)}, {fmt(high, digits)}]"


def cell_title(c: CellView, r: RowView) -> str:
    """The tooltip of a cell: the numbers in full, n, seeds, selection rule, features."""
    parts = []
    if c.paper is not None:
        parts.append(f"paper {fmt(c.paper, 1)}")
    if c.unit == "M":
        parts.append(f"counted (real config) {fmt(c.mean, 3)}M" if c.mean is not None
                     else "parameters not counted")
        return "; ".join(parts)
    if c.mean is not None:
        text = f"harness mean {fmt(c.mean, 2)}"
        if c.std is not None:
            text += f", std {fmt(c.std, 2)}"
        if c.ci_low is not None and c.ci_high is not None:
            text += f", 95% CI {interval(c.ci_low, c.ci_high)}"
            if c.clipped:
                text += " (raw; shown clipped to [0, 100])"
        if c.pi is not None:
            text += f", 95% prediction interval {interval(*c.pi)}"
        if c.video_ci is not None:
            text += f", video bootstrap {interval(*c.video_ci)}"
        parts.append(text)
    if c.delta is not None:
        parts.append(f"Δ {fmt(c.delta, 2, True)}" + (f" ({c.verdict})" if c.verdict else ""))
    parts.append(r.details())
    if c.flag:
        parts.append(f"paper flag: {c.flag}")
    return "; ".join(parts)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"),
                                            default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.globals.update(fmt=fmt, interval=interval, cell_title=cell_title)
    env.filters["levels"] = levels
    return env


def table_summary(view: TableView, href: str) -> dict[str, Any]:
    """A line of the index: how many rows ran, were not run, are paper only."""
    rows = view.rows
    return dict(
        table=view.table, title=view.layout.title, href=href, rows=len(rows),
        run=sum(r.status == "run" for r in rows),
        not_run=sum(r.status in ("not run", "unavailable") for r in rows),
        reported=sum(r.status == "reported" for r in rows),
        excludes=sum(c.excludes for r in rows for c in r.cells),
    )
