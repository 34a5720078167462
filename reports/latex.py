r"""LaTeX output: escaping, number cells (right-aligned text columns), and the jinja2 environment.

Number cells are plain right-aligned text, ``mean\,$\pm$\,half-width`` with one fixed
spacing (siunitx uncertainty columns re-spaced the ``±`` cell by cell and pushed marks to the
column edge); marks stay attached to their number.

Every variable a template prints is escaped (``finalize``) unless it is a :class:`Tex` value
built here from numbers or fixed text, so labels and names that come from data (methods,
features, class names of an annotation file, notes) can never inject LaTeX. Characters that
pdflatex cannot typeset with the preamble of ``standalone.tex.j2`` become ``[U+XXXX]``.
"""

from __future__ import annotations

import math
from typing import Any

import jinja2

from reports.layout import level_parts, levels_text
from reports.tables import CellView, RowView, TableView

_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
_UNICODE = {
    "†": r"\textdagger{}", "‡": r"\textdaggerdbl{}", "§": r"\S{}", "∓": r"$\mp$", "±": r"$\pm$",
    "Δ": r"$\Delta$", "✓": r"\checkmark{}", "✗": r"$\times$", "×": r"$\times$", "−": r"$-$",
    "–": "--", "—": "---", "…": r"\dots{}", "“": "``", "”": "''", "’": "'", "‘": "`",
    "≥": r"$\geq$", "≤": r"$\leq$", "≠": r"$\neq$", "·": r"$\cdot$", "√": r"$\surd$",
    "→": r"$\rightarrow$", "▲": r"$\blacktriangle$", "▼": r"$\blacktriangledown$",
    "\u00a0": "~",
}
NOT_RUN = "--"


class Tex(str):
    """Trusted LaTeX: printed by templates as is."""


def latex_escape(text: Any) -> Tex:
    """Escape ``text`` for LaTeX text mode (special characters, known symbols, others)."""
    out = []
    for ch in str(text):
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif ch in "\n\r\t":  # a blank line would end the paragraph inside a table
            out.append(" ")
        elif ord(ch) < 128 and ch.isprintable():
            out.append(ch)
        elif 160 <= ord(ch) < 256:  # Latin-1: T1 fonts and the utf8 input encoding
            out.append(ch)
        else:
            out.append(f"[U+{ord(ch):04X}]")
    return Tex("".join(out))


def tex_levels(text: Any) -> Tex:
    """``text`` escaped, with pyramid levels as math subscripts (``$P_{l+1}$``)."""
    text = levels_text(str(text)) if "P_l" in str(text) else str(text)
    return Tex("".join(latex_escape(t) if sub is None else f"$P_{{{sub}}}$"
                       for t, sub in level_parts(text)))


def _finalize(value: Any) -> Any:
    if isinstance(value, Tex):
        return value
    if value is None:
        return ""
    return latex_escape(value)


def environment() -> jinja2.Environment:
    """Jinja2 with LaTeX-friendly delimiters (``((( x )))``, ``((* for *))``) and escaping."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((=", comment_end_string="=))",
        line_statement_prefix=None, trim_blocks=True, lstrip_blocks=True,
        autoescape=False, finalize=_finalize, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["levels"] = tex_levels
    return env


def num(x: float | None, digits: int = 1, sign: bool = False) -> str:
    """A number for a text-mode cell (a minus sign, not a hyphen)."""
    if x is None or not math.isfinite(x):
        return ""
    text = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    return text.replace("-", "$-$").replace("+", "$+$")


PM = r"\,$\pm$\,"


def _weight(text: str, best: bool, second: bool) -> str:
    if best:
        return r"\textbf{" + text + "}"
    if second:
        return r"\second{" + text + "}"
    return text


def paper_cell(cell: CellView, row: RowView) -> Tex:
    """The paper's value (bold when best in its group), flagged when the flag is its own."""
    if cell.paper is None:
        return Tex("{}")
    text = _weight(num(cell.paper), cell.paper_best and cell.unit == "%", False)
    if row.cell_flags(cell):
        text += r"\flagmark{}"
    return Tex(text)


def harness_cell(cell: CellView, status: str) -> Tex:
    """``mean ± half-width`` (95 % t-interval), bold best / underlined second; an interval
    leaving [0, 100] is printed clipped as ``mean [low, high]`` with a ``c`` mark."""
    if cell.unit == "M":
        return Tex(num(cell.mean, 2) if cell.mean is not None else NOT_RUN)
    if status != "run" or cell.mean is None:
        return Tex(NOT_RUN)
    text = _weight(num(cell.mean), cell.best, cell.second)
    if cell.clipped and cell.shown_ci is not None:
        lo, hi = cell.shown_ci
        return Tex(text + f" [{num(lo)}, {num(hi)}]" + r"\textsuperscript{c}")
    if cell.half_width is not None:
        text += PM + num(cell.half_width)
    return Tex(text)


def delta_cell(cell: CellView) -> Tex:
    """Δ = mean − paper with ▲/▼ when the 95 % interval excludes the paper's value."""
    if cell.delta is None:
        return Tex("{}")
    mark = {"above": r"\abovemark{}", "below": r"\belowmark{}"}.get(cell.direction, "")
    return Tex(num(cell.delta, 2 if cell.unit == "M" else 1, sign=True) + mark)


def check_cell(value: bool) -> Tex:
    return Tex(r"\checkmark" if value else r"$\times$")


def row_lines(view: TableView, row: RowView, show_delta: bool) -> list[dict[str, Any]]:
    """The printed lines of one row: paper, harness (unless paper only), Δ (real scale)."""
    label = tex_levels(row.label)
    if row.marks:
        label = Tex(label + r"\textsuperscript{" + latex_escape(row.marks) + "}")
    if row.flags:
        label = Tex(label + r"\flagmark{}")
    checks = [check_cell(c) for c in row.checks] or [Tex("")] * len(view.checks)
    kind = Tex("reported" + r"{\reportedmark}") if row.reported_only else Tex("paper")
    lines = [dict(label=label, kind=kind, checks=checks,
                  cells=[paper_cell(c, row) for c in row.cells])]
    if row.reported_only:
        return lines
    n = Tex(f"harness ($n={row.n}$)") if row.status == "run" else latex_escape(row.status_text)
    lines.append(dict(label=Tex(""), kind=n, checks=[Tex("")] * len(view.checks),
                      cells=[harness_cell(c, row.status) for c in row.cells]))
    if show_delta and row.status == "run":
        lines.append(dict(label=Tex(""), kind=Tex(r"$\Delta$"), checks=[Tex("")] * len(view.checks),
                          cells=[delta_cell(c) for c in row.cells]))
    return lines


def column_spec(view: TableView) -> Tex:
    return Tex("ll" + "c" * len(view.checks) + "r" * len(view.columns))
