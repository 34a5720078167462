"""The paper's claims, declared once from its tables (see :mod:`harness.core.claims`).

- Tables 1-5: CLTDR-GMG beats every baseline the harness trains on the same dataset (and
  task) and feature set, on the average mAP and on each tIoU the paper reports;
- Tables 6-11: the full model beats each ablated variant (how the paper argues for each
  component), on the same metrics;
- Table 8: FFT *matches* self-attention with fewer parameters (the paper's counts, in the
  note), tested as non-inferiority: FFT is not worse by ``EQUIVALENCE_MARGIN`` mAP points or
  more.

The pairs are an experiment's declared comparisons (:mod:`harness.experiments.paper`), so a
claim is keyed to the two paper rows (``row_key``). Claims against methods the harness does
not run (paper-only rows) cannot be tested and are not declared.
"""

from __future__ import annotations

from harness.core.claims import BEATS, MATCHES, Claim
from harness.experiments.paper_values import PaperValues, load_paper_values
from harness.experiments.schema import Experiment, PaperRow

EQUIVALENCE_TABLES = (8,)
EQUIVALENCE_MARGIN = 1.0  # mAP points: "matches" = not worse by 1 point or more
PARAMS_METRIC = "params_M"


def _order(metrics) -> list[str]:
    def key(m: str):
        try:
            return (0, float(m))
        except ValueError:
            return (1, 0.0)

    return sorted(set(metrics), key=key)


def _metrics(paper: PaperValues, a: str, b: str) -> list[str]:
    both = set(paper.metrics(a)) & set(paper.metrics(b))
    return _order(m for m in both if m != PARAMS_METRIC) or ["avg"]


def _where(row: PaperRow) -> str:
    parts = [row.dataset] + ([row.task] if row.task else []) + [row.features]
    return " / ".join(parts)


def _full_name(a: PaperRow, b: PaperRow, experiment: Experiment) -> str:
    """The full model's switch in ``b``'s group: Table 9's full model is both
    ``cls=P_l+1+P_l`` and ``reg=P_l+P_l-1`` (one config, one set of runs)."""
    group = b.variant.partition("=")[0]
    if a.variant.partition("=")[0] == group:
        return a.variant
    config = next((e.synthetic for e in experiment.entries if e.row.key == a.key), None)
    same = [e.row.variant for e in experiment.entries
            if e.row.table == a.table and e.synthetic == config and config is not None
            and e.row.variant.partition("=")[0] == group]
    return same[0] if same else a.variant


def _statement(a: PaperRow, b: PaperRow, paper: PaperValues,
               experiment: Experiment) -> tuple[str, str, str]:
    """(kind, statement, note) of the pair."""
    if a.table in EQUIVALENCE_TABLES:
        pa, pb = paper.get(a.key, PARAMS_METRIC), paper.get(b.key, PARAMS_METRIC)
        note = (f"paper: {pa:g}M vs {pb:g}M parameters" if pa is not None and pb is not None
                else "")
        return (MATCHES, f"{a.variant} matches {b.variant} (not worse by "
                         f"{EQUIVALENCE_MARGIN:g} mAP or more)", note)
    if a.variant or b.variant:
        return BEATS, f"full model ({_full_name(a, b, experiment)}) beats {b.variant}", ""
    return BEATS, f"{a.method} beats {b.method} on {_where(a)}", ""


def declare_claims(experiment: Experiment, paper: PaperValues | None = None) -> list[Claim]:
    """Every claim of ``experiment``'s tables: one per declared pair × reported metric."""
    paper = paper or load_paper_values()
    rows = {e.row.key: e.row for e in experiment.entries}
    out = []
    for comp in experiment.comparisons:
        a, b = rows.get(comp.a), rows.get(comp.b)
        if a is None or b is None:
            continue
        kind, statement, note = _statement(a, b, paper, experiment)
        for metric in _metrics(paper, a.key, b.key):
            out.append(Claim(
                table=a.table, kind=kind, a=a.key, b=b.key, a_label=a.label, b_label=b.label,
                metric=metric, statement=statement, note=note,
                margin=EQUIVALENCE_MARGIN if kind == MATCHES else None))
    return out
