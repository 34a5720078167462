"""``drift --experiment EXP --against paper``: the cells of an aggregated experiment whose
95 % t-interval (over seeds) does not contain the paper's number.

Reads ``<tables>/<experiment>-<scale>/summary.csv`` written by ``python -m harness aggregate``
(which took the paper values from ``results/paper/tables.csv``); the verdict rule is
:func:`harness.core.stats.verdict` (no verdict below 3 seeds). At the synthetic scale the stand-in
numbers are not comparable with the paper's, so the listing is informational only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from harness.core import stats
from harness.errors import DataError

NEEDED = ("table", "dataset", "task", "method", "variant", "features", "metric", "kind", "n",
          "mean", "ci_low", "ci_high", "pi_low", "pi_high", "paper")
SYNTHETIC_NOTICE = ("synthetic scale: the harness numbers are synthetic stand-ins, so the "
                    "comparison with the paper is not meaningful (listed for completeness)")


@dataclass(frozen=True)
class PaperCell:
    """One compared cell (values in percent).

    Attributes:
        label: 'T<table> <method> / <features> [task] [variant]'; metric: '0.5', 'avg', ...
        n, mean, ci_low, ci_high: the harness's seeds and 95 % t-interval of the mean.
        paper: the paper's number; delta: mean − paper.
        verdict: 'within CI', 'above paper', 'below paper' or '' (n < 3).
        in_pi: the paper's number lies in the prediction interval of one more run.
    """

    label: str
    metric: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    paper: float
    delta: float
    verdict: str
    in_pi: bool

    @property
    def outside(self) -> bool:
        return self.verdict in ("above paper", "below paper")


def summary_path(tables: Path, experiment: str, scale: str) -> Path:
    return Path(tables) / f"{experiment}-{scale}" / "summary.csv"


def read_summary(path: Path) -> pd.DataFrame:
    """The aggregate's summary table (one-line DataError when absent or malformed)."""
    if not path.is_file():
        raise DataError(f"{path}: not found; run python -m harness aggregate first")
    try:
        df = pd.read_csv(path, keep_default_na=False, na_values=[""],
                         dtype={c: str for c in ("metric", "task", "variant", "method", "features", "kind")})
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: cannot read the summary ({type(exc).__name__})") from None
    missing = [c for c in NEEDED if c not in df.columns]
    if missing:
        raise DataError(f"{path}: not an aggregate summary (columns {missing} missing)")
    return df


def _label(r) -> str:
    text = f"T{int(r.table)} {r.method} / {r.features}"
    for extra in (r.task, r.variant):
        if isinstance(extra, str) and extra:
            text += f" {extra}"
    return text


def compare_with_paper(summary: pd.DataFrame) -> list[PaperCell]:
    """Every trained cell with a paper value and at least one run, with its verdict."""
    out = []
    for r in summary.itertuples(index=False):
        paper = float(r.paper) if r.paper == r.paper else math.nan
        if r.kind == "reported-only" or not math.isfinite(paper) or int(r.n) < 1:
            continue
        n = int(r.n)
        ci = stats.Interval(float(r.mean), float(r.ci_low), float(r.ci_high))
        pi = stats.Interval(float(r.mean), float(r.pi_low), float(r.pi_high))
        out.append(PaperCell(
            label=_label(r), metric=str(r.metric), n=n, mean=float(r.mean), ci_low=ci.low,
            ci_high=ci.high, paper=paper, delta=float(r.mean) - paper,
            verdict=stats.verdict(paper, ci, n) or "", in_pi=pi.contains(paper),
        ))
    return out
