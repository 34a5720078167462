"""The Claims page and LaTeX table: the paper's claims with their evidence and verdicts.

Input: decided :class:`~harness.core.claims.ClaimResult` (computed by the application,
``harness.reporting.claims``). Rows are grouped by family (paper table) and, within it, by
pair (the statement printed once), one line per metric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from harness.core.claims import (
    BEATS,
    CONTRADICTED,
    MAX_SEEDS,
    POWER,
    SUPPORTED,
    ClaimResult,
    summarize,
)

VERDICT_CLASS = {SUPPORTED: "supported", CONTRADICTED: "contradicted"}


def metric_text(metric: str) -> str:
    return "average mAP" if metric == "avg" else f"mAP@{metric}"


def seeds_text(r: ClaimResult) -> str:
    """Seeds per method to resolve the claim at the observed Δ and spread ('—' if resolved)."""
    if r.resolved:
        return "—"
    if r.seeds_needed is not None:
        return str(r.seeds_needed)
    return f"> {MAX_SEEDS}" if math.isfinite(r.sd) else "n/a"


def _p(x: float) -> str:
    if not math.isfinite(x):
        return ""
    return "< 0.0001" if x < 1e-4 else (f"{x:.4f}" if x < 0.01 else f"{x:.3f}")


def _interval(low: float, high: float, digits: int = 2) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f"[{low:.{digits}f}, {high:.{digits}f}]".replace("-", "−")


def _signed(x: float, digits: int = 2) -> str:
    return f"{x:+.{digits}f}".replace("-", "−") if math.isfinite(x) else ""


@dataclass(frozen=True)
class ClaimLine:
    """One claim as printed (plain text; templates escape it)."""

    statement: str
    pair_first: bool
    metric: str
    n: int
    delta: str
    ci: str
    video: str
    p_improve: str
    p_ci: str
    p_value: str
    p_holm: str
    verdict: str
    verdict_class: str
    seeds: str
    note: str


@dataclass(frozen=True)
class Family:
    table: int
    size: int
    alpha: float
    kind_text: str
    lines: tuple[ClaimLine, ...]
    summary: str


def _line(r: ClaimResult, first: bool) -> ClaimLine:
    return ClaimLine(
        statement=r.claim.statement, pair_first=first, metric=metric_text(r.claim.metric),
        n=r.n, delta=_signed(r.delta), ci=_interval(r.low, r.high),
        video=_interval(r.video_low, r.video_high),
        p_improve=f"{r.p_improve:.2f}" if math.isfinite(r.p_improve) else "",
        p_ci=_interval(r.p_low, r.p_high), p_value=_p(r.p_value), p_holm=_p(r.p_holm),
        verdict=r.verdict, verdict_class=VERDICT_CLASS.get(r.verdict, "unresolved"),
        seeds=seeds_text(r), note=r.claim.note if first else "")


def families(results: list[ClaimResult]) -> list[Family]:
    """Claims grouped by paper table, pairs in declaration order."""
    out = []
    for table in dict.fromkeys(r.claim.table for r in results):
        rs = [r for r in results if r.claim.table == table]
        lines, seen = [], set()
        for r in rs:
            pair = (r.claim.a, r.claim.b)
            lines.append(_line(r, pair not in seen))
            seen.add(pair)
        kinds = {r.claim.kind for r in rs}
        kind_text = ("two-sided Welch t-tests" if kinds == {BEATS} else
                     "one-sided Welch t-tests of non-inferiority (A not worse by "
                     f"{rs[0].claim.margin:g} mAP or more)")
        out.append(Family(table, rs[0].family_size, rs[0].alpha, kind_text, tuple(lines),
                          summarize(rs).line()))
    return out


def page_context(results: list[ClaimResult], synthetic: bool) -> dict[str, Any]:
    """Everything the Claims page and the LaTeX claims table print."""
    return dict(families=families(results), summary=summarize(results).line(),
                total=len(results), power=POWER, max_seeds=MAX_SEEDS, synthetic=synthetic,
                alpha=results[0].alpha if results else 0.05)
