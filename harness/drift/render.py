"""Console output of ``python -m harness drift`` (rich tables; plain lines for names that tests
and CI logs grep, so that they are never wrapped)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.drift.compare import EXACT, CompareRow
from harness.drift.paper import PaperCell


def make_console():
    """A rich console; 200 columns when the output is not a terminal (CI logs, pipes)."""
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(width=200, highlight=False)


def say(console, text: str) -> None:
    """One unwrapped line, no markup."""
    console.print(text, markup=False, soft_wrap=True)


def fmt_value(x: float | None) -> str:
    return "—" if x is None else f"{x:.4f}"


def fmt_delta(x: float | None) -> str:
    if x is None:
        return "—"
    if x == 0:
        return "0"
    return f"{x:+.2e}" if abs(x) < 5e-5 else f"{x:+.4f}"


def _status_style(status: str) -> str:
    return {"ok": "green", "changed": "yellow"}.get(status, "bold red")


def print_rows(console, rows: Sequence[CompareRow], mode: str, title: str) -> None:
    """The comparison table: metric, baseline, now, delta, tolerance, status (mAP in %)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for col, justify in (("method", "left"), ("seed", "right"), ("metric", "left"),
                         ("baseline", "right"), ("now", "right"), ("delta (pp)", "right"),
                         ("tolerance (pp)", "right"), ("status", "left")):
        table.add_column(col, justify=justify)
    for r in rows:
        tol = "0 (exact)" if mode == EXACT else f"{r.tolerance:.2f}"
        if r.status == "changed":
            tol = ""
        table.add_row(r.method, "mean" if r.seed is None else str(r.seed), r.metric,
                      fmt_value(r.baseline), fmt_value(r.now), fmt_delta(r.delta), tol,
                      Text(r.status, style=_status_style(r.status)))
    console.print(table)
    for r in rows:
        if r.status == "FAILED":
            say(console, f"FAILED {r.method} seed {r.seed}: {r.note}")


def print_paper(console, cells: Sequence[PaperCell], title: str) -> None:
    """Cells whose 95 % CI excludes the paper value."""
    from rich.table import Table

    table = Table(title=title)
    for col in ("cell", "metric", "n", "mean", "95% CI", "paper", "Δ", "verdict", "paper in PI"):
        table.add_column(col)
    for c in cells:
        table.add_row(c.label, c.metric, str(c.n), f"{c.mean:.2f}", f"[{c.ci_low:.2f}, {c.ci_high:.2f}]",
                      f"{c.paper:.1f}", f"{c.delta:+.2f}", c.verdict, "yes" if c.in_pi else "no")
    console.print(table)
