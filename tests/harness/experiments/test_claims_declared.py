"""The paper's claims as declared from its tables, and their evaluation from an aggregate."""

from __future__ import annotations

from pathlib import Path

from harness.core.claims import BEATS, MATCHES, VERDICTS
from harness.experiments import load_experiment
from harness.experiments.claims import EQUIVALENCE_MARGIN, declare_claims
from harness.experiments.paper_values import load_paper_values

ROOT = Path(__file__).resolve().parents[3]


def test_table1_claims_cover_every_trained_baseline_and_metric():
    claims = declare_claims(load_experiment("table1"))
    pairs = {(c.a, c.b) for c in claims}
    assert len(pairs) == 6  # 3 feature sets x (ActionFormer, TriDet)
    assert {c.metric for c in claims} == {"0.3", "0.4", "0.5", "0.6", "0.7", "avg"}
    assert all(c.kind == BEATS and c.a.split("|")[3] == "CLTDR-GMG" for c in claims)
    assert len({c.id for c in claims}) == len(claims)


def test_every_claim_is_keyed_to_paper_rows():
    paper = load_paper_values()
    claims = declare_claims(load_experiment("paper"), paper)
    for c in claims:
        assert paper.get(c.a, c.metric) is not None and paper.get(c.b, c.metric) is not None
    assert {c.table for c in claims} == set(range(1, 12))


def test_table8_is_an_equivalence_with_the_paper_parameters():
    claims = declare_claims(load_experiment("table8"))
    assert claims and all(c.kind == MATCHES and c.margin == EQUIVALENCE_MARGIN for c in claims)
    assert "9.5M vs 26.1M parameters" in claims[0].note


def test_table9_names_the_full_model_of_each_group():
    statements = {c.statement for c in declare_claims(load_experiment("table9"))}
    assert "full model (reg=P_l+P_l-1) beats reg=P_l" in statements
    assert "full model (cls=P_l+1+P_l) beats cls=P_l" in statements


def test_claims_from_the_committed_aggregate():
    from harness.reporting.claims import claims_frame, experiment_claims
    from reports.frames import load_frames

    frames = load_frames(ROOT / "results/tables/ablations-synthetic")
    results = experiment_claims(load_experiment("ablations"), frames.runs, frames.comparisons,
                                frames.scale)
    df = claims_frame(results)
    assert len(df) == len(declare_claims(load_experiment("ablations")))
    assert set(df["verdict"]) <= set(VERDICTS) and (df["n"] >= 2).all()
    assert (df["scope"] == "synthetic stand-ins").all()
    # the family of a table is all its claims; Holm never lowers a p-value
    assert (df.groupby("table")["family_size"].transform("size") == df["family_size"]).all()
    assert (df["p_holm"] >= df["p_value"] - 1e-12).all()
