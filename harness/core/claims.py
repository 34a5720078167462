"""Claims of the paper as data, and their verdicts from seed sweeps (pure; no run folders).

A :class:`Claim` says "A beats B" (Tables 1-5: CLTDR-GMG vs a baseline; Tables 6-11: the full
model vs an ablated variant) or "A matches B" (Table 8: FFT vs self-attention at fewer
parameters), on one metric, keyed to the two paper rows (``row_key`` of
``results/paper/tables.csv``). "Matches" is tested as **non-inferiority**: A is not worse than B
by ``margin`` or more (Δ > −margin); A being better does not contradict it.

Evaluation (:func:`evaluate`) on the seeds both rows have:

- Δ = mean(A) − mean(B) with its 95 % Welch interval, and the Welch t-test p-value (two-sided;
  "beats") or, for "matches", the one-sided Welch p of H0: Δ <= −margin when the observed
  Δ > −margin (support), else of H0: Δ >= −margin (contradiction);
- :func:`holm` adjusts the p-values of one **family** = all claims of one paper table (every
  pair × every reported metric), controlling the family-wise error rate at α;
- verdict: ``supported`` (adjusted p < α in the claimed direction), ``contradicted`` (adjusted
  p < α against it), else ``not resolved at this n``;
- seeds needed (:mod:`harness.core.power`): per method, at the observed Δ and pooled sd, for
  power 0.8 at α / (family size) (the strictest Holm step, so enough for any step); for
  "matches", the one-sided test of the shift Δ + margin (planned as the two-sided test at 2α,
  whose far tail is negligible).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats as _st

from harness.core.power import TEST, seeds_per_method

BEATS, MATCHES = "beats", "matches"
SUPPORTED, CONTRADICTED, UNRESOLVED = "supported", "contradicted", "not resolved at this n"
VERDICTS = (SUPPORTED, CONTRADICTED, UNRESOLVED)
DECISION_TEST = {BEATS: "Welch t-test, two-sided",
                 MATCHES: "Welch t-test, one-sided, non-inferiority (Δ > −margin)"}
PLAN_TEST = {BEATS: TEST, MATCHES: TEST.replace("two-sided", "one-sided (as two-sided at 2α)")}
MAX_SEEDS = 10_000
POWER = 0.8


@dataclass(frozen=True)
class Claim:
    """One claim of the paper.

    Attributes:
        table: paper table (the Holm family); kind: ``beats`` or ``matches``.
        a, b: row keys of the two paper rows; a_label, b_label: their printed names.
        metric: ``avg`` or a tIoU threshold label (``0.5``).
        margin: non-inferiority margin in mAP points (``matches`` only).
        statement: the claim in words; note: what else the paper says (e.g. parameters).
    """

    table: int
    kind: str
    a: str
    b: str
    a_label: str
    b_label: str
    metric: str
    statement: str
    margin: float | None = None
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.a}>{self.b}@{self.metric}" if self.kind == BEATS else \
            f"{self.a}~{self.b}@{self.metric}"

    @property
    def family(self) -> str:
        return f"Table {self.table}"


@dataclass(frozen=True)
class ClaimResult:
    """A claim's evidence and verdict. NaN where not computable (e.g. n < 2).

    Attributes:
        n: seeds used (common to both rows); seeds: which.
        delta, low, high: Δ = A − B and its 95 % Welch interval.
        p_improve, p_low, p_high: P(A > B) over seed pairs with its bootstrap interval.
        video_low, video_high: paired video-bootstrap interval of Δ (NaN if not computed).
        sd: pooled sd of one run; p_value: raw; p_holm: Holm-adjusted within the family.
        family_size: claims in the family; verdict; seeds_needed (None: not reachable with
        ``MAX_SEEDS``, or already resolved — see ``resolved``); synthetic: stand-in data.
    """

    claim: Claim
    n: int
    seeds: str
    mean_a: float
    mean_b: float
    delta: float
    low: float
    high: float
    p_improve: float
    p_low: float
    p_high: float
    video_low: float
    video_high: float
    sd: float
    p_value: float
    p_holm: float = math.nan
    family_size: int = 1
    verdict: str = UNRESOLVED
    seeds_needed: int | None = None
    alpha: float = 0.05
    synthetic: bool = True

    @property
    def resolved(self) -> bool:
        return self.verdict != UNRESOLVED

    @property
    def decision_test(self) -> str:
        return DECISION_TEST[self.claim.kind]

    @property
    def plan_test(self) -> str:
        return PLAN_TEST[self.claim.kind]


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values (NaN stays NaN and does not count in the family)."""
    p = np.asarray(pvalues, dtype=float)
    ok = np.flatnonzero(np.isfinite(p))
    out = np.full(len(p), math.nan)
    m = len(ok)
    running = 0.0
    for rank, i in enumerate(ok[np.argsort(p[ok], kind="stable")]):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out.tolist()


def _welch(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(standard error, Welch df) of mean(x) − mean(y); (0, inf) when both variances are 0."""
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se2 = float(va + vb)
    if se2 == 0.0:
        return 0.0, math.inf
    return math.sqrt(se2), se2**2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))


def _p_beats(delta: float, se: float, df: float) -> float:
    if se == 0.0:
        return 0.0 if delta != 0 else 1.0
    return float(2 * _st.t.sf(abs(delta) / se, df))


def _p_matches(delta: float, se: float, df: float, margin: float) -> float:
    """One-sided p of H0: Δ <= −m when Δ > −m (evidence for non-inferiority), else of
    H0: Δ >= −m (evidence that A is worse by more than the margin)."""
    if se == 0.0:
        return 0.0
    return float(_st.t.sf(abs(delta + margin) / se, df))


def evaluate(claim: Claim, a: Sequence[float], b: Sequence[float], *, seeds: str = "",
             p_improve: tuple[float, float, float] = (math.nan,) * 3,
             video: tuple[float, float] = (math.nan, math.nan), confidence: float = 0.95,
             synthetic: bool = True) -> ClaimResult:
    """The raw evidence for ``claim`` from the runs ``a`` [n] and ``b`` [n] (same seeds); the
    verdict needs the family (:func:`decide`)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = min(len(x), len(y))
    nan = math.nan
    base = dict(claim=claim, n=n, seeds=seeds, p_improve=p_improve[0], p_low=p_improve[1],
                p_high=p_improve[2], video_low=video[0], video_high=video[1],
                synthetic=synthetic, alpha=round(1.0 - confidence, 10))
    if len(x) < 2 or len(y) < 2:
        d = float(x.mean() - y.mean()) if len(x) and len(y) else nan
        return ClaimResult(mean_a=float(x.mean()) if len(x) else nan,
                           mean_b=float(y.mean()) if len(y) else nan, delta=d, low=nan,
                           high=nan, sd=nan, p_value=nan, **base)
    delta = float(x.mean() - y.mean())
    se, df = _welch(x, y)
    half = float(_st.t.ppf(0.5 + confidence / 2.0, df)) * se if se > 0 else 0.0
    sd = math.sqrt(((len(x) - 1) * x.var(ddof=1) + (len(y) - 1) * y.var(ddof=1))
                   / (len(x) + len(y) - 2))
    p = _p_beats(delta, se, df) if claim.kind == BEATS else \
        _p_matches(delta, se, df, float(claim.margin or 0.0))
    return ClaimResult(mean_a=float(x.mean()), mean_b=float(y.mean()), delta=delta,
                       low=delta - half, high=delta + half, sd=sd, p_value=p, **base)


def _verdict(r: ClaimResult, alpha: float) -> str:
    if not (math.isfinite(r.p_holm) and r.p_holm < alpha):
        return UNRESOLVED
    if r.claim.kind == BEATS:
        return SUPPORTED if r.delta > 0 else CONTRADICTED
    return SUPPORTED if r.delta > -float(r.claim.margin or 0.0) else CONTRADICTED


def _seeds(r: ClaimResult, alpha: float) -> int | None:
    if r.resolved or not math.isfinite(r.sd) or not math.isfinite(r.delta):
        return None
    if r.sd == 0.0:
        return 2
    if r.claim.kind == BEATS:
        plan = seeds_per_method(r.sd, r.delta, alpha, POWER, MAX_SEEDS)
    else:  # one-sided test of the shift Δ + margin, planned as two-sided at 2α
        plan = seeds_per_method(r.sd, r.delta + float(r.claim.margin or 0.0),
                                min(2 * alpha, 0.5), POWER, MAX_SEEDS)
    return plan.n


def decide(results: Sequence[ClaimResult], alpha: float = 0.05) -> list[ClaimResult]:
    """Holm within each family (paper table), verdicts, and seeds needed for the rest."""
    out = list(results)
    families: dict[int, list[int]] = {}
    for i, r in enumerate(out):
        families.setdefault(r.claim.table, []).append(i)
    for idx in families.values():
        adjusted = holm([out[i].p_value for i in idx])
        m = sum(math.isfinite(out[i].p_value) for i in idx)
        for i, p in zip(idx, adjusted):
            r = replace(out[i], p_holm=p, family_size=m, alpha=alpha)
            r = replace(r, verdict=_verdict(r, alpha))
            out[i] = replace(r, seeds_needed=_seeds(r, alpha / max(m, 1)))
    return out


@dataclass(frozen=True)
class ClaimsSummary:
    total: int
    supported: int
    contradicted: int
    unresolved: int
    seeds: tuple[int, ...]      # seeds needed of the unresolved claims that can be planned
    unreachable: int            # unresolved claims needing more than MAX_SEEDS
    not_computable: int = 0     # unresolved claims without two runs on each side

    def line(self) -> str:
        """``k of n claims supported, m contradicted, r unresolved, seeds needed for the
        rest: …``."""
        text = (f"{self.supported} of {self.total} claims supported, {self.contradicted} "
                f"contradicted, {self.unresolved} unresolved")
        if not self.unresolved:
            return text
        parts = []
        if self.seeds:
            s = sorted(self.seeds)
            med = s[len(s) // 2]
            parts.append(f"{s[0]} per method" if s[0] == s[-1] else
                         f"{s[0]} to {s[-1]} per method (median {med})")
        if self.unreachable:
            parts.append(f"more than {MAX_SEEDS} for {self.unreachable}")
        if self.not_computable:
            parts.append(f"not computable for {self.not_computable} (fewer than 2 runs)")
        return text + ", seeds needed for the rest: " + ("; ".join(parts) or "not computable")


def summarize(results: Sequence[ClaimResult]) -> ClaimsSummary:
    unresolved = [r for r in results if not r.resolved]
    seeds = tuple(r.seeds_needed for r in unresolved if r.seeds_needed is not None)
    unreachable = sum(r.seeds_needed is None and math.isfinite(r.sd) for r in unresolved)
    return ClaimsSummary(
        total=len(results), supported=sum(r.verdict == SUPPORTED for r in results),
        contradicted=sum(r.verdict == CONTRADICTED for r in results),
        unresolved=len(unresolved), seeds=seeds, unreachable=unreachable,
        not_computable=len(unresolved) - len(seeds) - unreachable)
