"""What a reader checks on the rendered pages of the committed aggregates (results/tables/):
intervals inside [0, 100] or marked, titles, bar axes from 0, Table 9 labels and groups,
Table 6 small multiples, the inflation figure rule, the comparisons' names, the Claims page."""

from __future__ import annotations

import html as _html
import re
from pathlib import Path

import pandas as pd
import pytest

from harness.experiments import load_experiment
from harness.reporting.claims import experiment_claims
from reports import figures, figures_ablation
from reports.frames import load_frames
from reports.render import render_report, tables_text
from reports.tables import build_tables

ROOT = Path(__file__).resolve().parents[2]
TABLES = ROOT / "results" / "tables"


def _render(name: str, out: Path):
    frames = load_frames(TABLES / f"{name}-synthetic")
    claims = experiment_claims(load_experiment(name), frames.runs, frames.comparisons,
                               frames.scale)
    render_report(frames, out, claims=claims, rendered="2026-01-01 00:00 UTC",
                  report_commit="test")
    return frames, out


@pytest.fixture(scope="module")
def ablations(tmp_path_factory):
    return _render("ablations", tmp_path_factory.mktemp("ablations"))


@pytest.fixture(scope="module")
def table1(tmp_path_factory):
    return _render("table1", tmp_path_factory.mktemp("table1"))


CELL = re.compile(r'<div class="ours[^"]*">([^<]*)(<span class="clipped"[^>]*>)?')


def test_no_interval_outside_0_100_unmarked(ablations, table1):
    for frames, out in (ablations, table1):
        s = frames.summary
        raw_out = s[(s["ci_low"] < 0) | (s["ci_high"] > 100)]
        for t in frames.tables:
            page = (out / f"table{t}.html").read_text()
            for text, marked in CELL.findall(page):
                if not re.match(r"\s*[\d−-]", text):
                    continue  # not a mAP value (e.g. Table 8's parameter counts)
                m = re.match(r"([\d.]+) ± ([\d.]+)", text.replace("−", "-").strip())
                if m:  # drawn as mean ± half-width: must lie inside [0, 100]
                    mean, hw = map(float, m.groups())
                    assert -0.05 <= mean - hw and mean + hw <= 100.05, (t, text)
                else:
                    assert marked, (t, text)
            shown = {c.metric for v in build_tables(frames) if v.table == t for c in v.columns}
            n_raw = int(((raw_out["table"] == t) & raw_out["metric"].isin(shown)
                         & (raw_out["kind"] == "run")).sum())
            assert page.count('class="clipped" title="95 % CI clipped') == n_raw
            if n_raw:
                assert "raw [" in page  # the raw interval is in the tooltip
    tex = (ablations[1] / "latex" / "table10.tex").read_text()
    assert r"\textsuperscript{c}" in tex


def test_titles_say_table_not_tables(ablations, table1):
    page = (table1[1] / "index.html").read_text()
    assert "Table 1</h1>" in page and "Tables 1" not in page
    assert "<title>Table 1: " in (table1[1] / "table1.html").read_text()
    assert "Tables 6, 7, 8, 9, 10 and 11" in (ablations[1] / "index.html").read_text()
    assert tables_text([1]) == "Table 1" and tables_text([6, 7]) == "Tables 6 and 7"


def test_index_has_claims_line_and_no_synthetic_verdict_column(ablations, table1):
    for _, out in (ablations, table1):
        page = _html.unescape((out / "index.html").read_text())
        assert "CI excludes paper" not in page
        assert re.search(r"\d+ of \d+ claims supported, \d+ contradicted, \d+ unresolved", page)
        claims = _html.unescape((out / "claims.html").read_text())
        assert 'id="claims-scope"' in claims and "synthetic stand-ins" in claims and "Holm" in claims
        assert (out / "latex" / "claims.tex").is_file()
        assert r"\input{claims}" in (out / "latex" / "report.tex").read_text()


def test_comparisons_are_named_for_what_they_are(ablations):
    page = _html.unescape((ablations[1] / "table10.html").read_text())
    assert "Paired comparisons" not in page
    assert "unpaired Welch interval" in page and "video bootstrap Δ (paired)" in page
    assert "steps of 1/9" in page  # what P(A > B) means at n = 3


def test_table9_labels_and_groups(ablations):
    page = (ablations[1] / "table9.html").read_text()
    visible = re.sub(r'="[^"]*"', "", page)  # row keys in attributes keep the raw variant
    assert "P<sub>l+1</sub>" in visible and "P_l + 1" not in visible and "P_l+1" not in visible
    tex = (ablations[1] / "latex" / "table9.tex").read_text()
    assert "$P_{l+1}$" in tex


@pytest.fixture()
def captured(monkeypatch):
    figs = []

    def fake_save(fig, out_dir, name, title, caption, table):
        figs.append(fig)
        return None

    monkeypatch.setattr(figures_ablation, "save", fake_save)
    monkeypatch.setattr(figures, "save", fake_save)
    return figs


def test_bar_axes_start_at_zero_and_table9_groups_differ(ablations, captured, tmp_path):
    frames, _ = ablations
    for view in build_tables(frames):
        figures_ablation.ablation_bars(view, tmp_path)
        ax = captured[-1].axes[0]
        assert ax.get_ylim()[0] == 0.0, view.table
        if view.table == 9:
            colours = {tuple(p.get_facecolor()) for p in ax.patches}
            assert len(colours) == 2  # classification and regression
            legend = [t.get_text() for t in ax.get_legend().get_texts()]
            assert legend == ["classification", "regression"]
            assert any("P_{l+1}" in t.get_text() for t in ax.get_xticklabels())


def test_table6_small_multiples_and_inflation_rule(ablations, table1, captured, tmp_path):
    frames, out = ablations
    views = {v.table: v for v in build_tables(frames)}
    figures.map_vs_tiou(views[6], frames.summary, tmp_path)
    assert sum(ax.get_visible() for ax in captured[-1].axes) == 7  # one panel per row
    for fr, o in (ablations, table1):
        for v in build_tables(fr):
            keys = [r.key for r in v.rows if r.status == "run"]
            r = fr.runs[fr.runs["row_key"].isin(keys) & (fr.runs["metric"] == "avg")]
            differs = bool((r["best_epoch"].astype("Int64") != r["epochs"]).fillna(False).any())
            drawn = (o / "figures" / f"table{v.table}-inflation.png").is_file()
            page = (o / f"table{v.table}.html").read_text()
            assert drawn == differs, v.table
            assert ('id="inflation-note"' in page) == (not differs), v.table


def test_claims_csv_columns(ablations):
    from harness.reporting.claims import CLAIMS_COLUMNS, claims_frame

    frames, _ = ablations
    df = claims_frame(experiment_claims(load_experiment("ablations"), frames.runs,
                                        frames.comparisons, frames.scale))
    assert list(df.columns) == list(CLAIMS_COLUMNS)
    assert isinstance(df, pd.DataFrame) and len(df) > 0
