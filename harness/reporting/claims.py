"""Verdicts on an experiment's claims from its aggregate (``runs.csv``, ``comparisons.csv``).

Per claim (:mod:`harness.experiments.claims`): the per-seed values of both rows on the seeds
both have (``runs.csv``), P(A > B) with its interval and the paired video-bootstrap Δ from
``comparisons.csv`` (same pair and metric), then Holm within each paper table and the seeds
needed (:func:`harness.core.claims.decide`). Also written as ``claims.csv``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from harness.core.claims import Claim, ClaimResult, decide, evaluate
from harness.experiments.claims import declare_claims
from harness.experiments.schema import Experiment

CLAIMS_COLUMNS = (
    "table", "family_size", "kind", "a", "b", "a_label", "b_label", "metric", "statement",
    "margin", "n", "seeds", "mean_a", "mean_b", "delta", "delta_low", "delta_high",
    "video_delta_low", "video_delta_high", "p_improve", "p_improve_low", "p_improve_high",
    "sd_pooled", "p_value", "p_holm", "alpha", "verdict", "seeds_needed", "decision_test",
    "plan_test", "scope", "note",
)


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def _values(runs: pd.DataFrame, key: str, metric: str) -> dict[int, float]:
    r = runs[(runs["row_key"] == key) & (runs["metric"] == metric)]
    return {int(s): float(v) for s, v in zip(r["seed"], r["value"])}


def evaluate_claims(claims: list[Claim], runs: pd.DataFrame, comparisons: pd.DataFrame,
                    scale: str, confidence: float = 0.95) -> list[ClaimResult]:
    """The decided results of ``claims`` from an aggregate's frames."""
    comp = {(r.a, r.b, r.metric): r for r in comparisons.itertuples()} if len(comparisons) else {}
    out = []
    for c in claims:
        va, vb = _values(runs, c.a, c.metric), _values(runs, c.b, c.metric)
        common = sorted(set(va) & set(vb))
        row = comp.get((c.a, c.b, c.metric))
        p = (_num(row.p_improve), _num(row.p_low), _num(row.p_high)) if row is not None \
            else (math.nan,) * 3
        video = (_num(row.video_delta_low), _num(row.video_delta_high)) if row is not None \
            else (math.nan,) * 2
        out.append(evaluate(c, [va[s] for s in common], [vb[s] for s in common],
                            seeds=",".join(map(str, common)), p_improve=p, video=video,
                            confidence=confidence, synthetic=scale == "synthetic"))
    return decide(out, alpha=round(1.0 - confidence, 10))


def experiment_claims(experiment: Experiment, runs: pd.DataFrame, comparisons: pd.DataFrame,
                      scale: str, confidence: float = 0.95) -> list[ClaimResult]:
    return evaluate_claims(declare_claims(experiment), runs, comparisons, scale, confidence)


def claims_frame(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per claim (:data:`CLAIMS_COLUMNS`)."""
    rows = []
    for r in results:
        c = r.claim
        rows.append(dict(
            table=c.table, family_size=r.family_size, kind=c.kind, a=c.a, b=c.b,
            a_label=c.a_label, b_label=c.b_label, metric=c.metric, statement=c.statement,
            margin=c.margin if c.margin is not None else math.nan, n=r.n, seeds=r.seeds,
            mean_a=r.mean_a, mean_b=r.mean_b, delta=r.delta, delta_low=r.low,
            delta_high=r.high, video_delta_low=r.video_low, video_delta_high=r.video_high,
            p_improve=r.p_improve, p_improve_low=r.p_low, p_improve_high=r.p_high,
            sd_pooled=r.sd, p_value=r.p_value, p_holm=r.p_holm, alpha=r.alpha,
            verdict=r.verdict, seeds_needed=r.seeds_needed, decision_test=r.decision_test,
            plan_test=r.plan_test,
            scope="synthetic stand-ins" if r.synthetic else "paper datasets", note=c.note))
    return pd.DataFrame(rows, columns=list(CLAIMS_COLUMNS))


def write_claims_csv(results: list[ClaimResult], path: Path) -> Path:
    from harness.io import atomic_write_text

    df = claims_frame(results).astype({"seeds_needed": "Int64"})
    return atomic_write_text(Path(path), df.to_csv(index=False))
