"""Summaries over seeds (t-intervals, paired differences), figures, LaTeX table, timelines."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from helpers import write_case  # noqa: E402

from reports.diagnosis import DiagnosisOptions, analyse, diagnose  # noqa: E402
from reports.diagnosis.page import html_page, latex_table  # noqa: E402
from reports.diagnosis.plots import all_figures  # noqa: E402
from reports.diagnosis.seeds import flatten, summarise, t_interval  # noqa: E402
from reports.diagnosis.timeline import pick_videos, timeline_figure  # noqa: E402


def test_t_interval_by_hand():
    iv = t_interval([1.0, 2.0, 3.0])
    # mean 2, sd 1, t_{0.975, 2} = 4.302653 -> half width 4.302653 / sqrt(3) = 2.484138
    assert iv.mean == 2.0
    assert iv.high - 2.0 == pytest.approx(2.484138, abs=1e-6)
    one = t_interval([0.4])
    assert one.mean == 0.4 and np.isnan(one.low) and one.n == 1


def _fake(impact_loc: float) -> dict:
    return {"average_mAP_N": {"all": 0.5}, "error_impact": {"localization": impact_loc},
            "false_positive_profile": {"1G": {"true_positive": 0.5}}, "sensitivity": {},
            "false_negative": {"length": {"XS": None}}}


def test_paired_difference_uses_common_seeds():
    runs = {"A": {0: _fake(0.10), 1: _fake(0.20), 2: _fake(0.30)},
            "B": {0: _fake(0.15), 1: _fake(0.24), 3: _fake(9.0)}}
    s = summarise(runs)
    d = s.paired[("B", "A")]["error_impact/localization"]
    assert d.n == 2 and d.mean == pytest.approx(0.045)  # (0.05 + 0.04) / 2, seed 3 unpaired
    assert s.per_method["A"]["error_impact/localization"].mean == pytest.approx(0.2)
    assert np.isnan(s.per_method["A"]["false_negative/length/XS"].mean)
    assert flatten(_fake(0.1))["false_positive_profile/1G/true_positive"] == 0.5


def test_figures_page_latex_and_timeline(tmp_path):
    gt = [(0, 0, 0.0, 10.0), (0, 1, 20.0, 25.0), (1, 1, 5.0, 9.0)]
    runs = {}
    for m, shift in (("A", 0.0), ("B", 1.0)):
        runs[m] = {}
        for seed in range(3):
            preds = [(0, 0, 0.0 + shift, 10.0, 0.9 - seed / 10), (0, 1, 21.0, 25.0, 0.5),
                     (1, 1, 5.0, 9.0 + seed, 0.7), (1, 0, 30.0, 40.0, 0.2)]
            g, p = write_case(tmp_path, gt, preds)
            runs[m][seed] = diagnose(p, g).to_json()
    s = summarise(runs)
    figs = all_figures(s, tmp_path / "figs")
    assert all(f.stat().st_size > 1000 for f in figs.values())
    assert set(figs) == {"false_positive_profile", "error_impact", "sensitivity", "false_negative",
                         "paired_differences"}
    page = html_page(s, "Diagnosis", {k: v.name for k, v in figs.items()}, {"A": "t.html"}, ["a note"])
    assert "B − A" in page and "a note" in page and "<script" not in page
    tex = latex_table(s, "caption with _ and %")
    assert "\\toprule" in tex and "B $-$ A" in tex and "\\_" in tex and "\\%" in tex
    types = analyse(p, g, DiagnosisOptions(single_evaluation=True)).types_all[0]
    videos = pick_videos(g, 4)
    assert videos == [0, 1]  # 2 GT in v0 first, then v1
    png = timeline_figure(g, p, types, videos, tmp_path / "tl.png", "B", top_k=5, tiou=0.5)
    assert png.stat().st_size > 1000


def test_pick_videos_is_spread_and_prediction_free(tmp_path):
    gt = [(v, 0, 0.0, 1.0) for v in range(10) for _ in range(v + 1)]
    g, _ = write_case(tmp_path, gt, [])
    picked = [g.videos[v] for v in pick_videos(g, 3)]
    assert picked == ["v9", "v5", "v0"]  # 10, 6 (middle of the sorted list: position 4.5 -> 4), 1 GT


def test_report_index_links_the_diagnosis(real_table1):
    from reports.render import render_report

    frames, output = real_table1
    out = output.out_dir.parent / "with_diagnosis"
    (out / "diagnosis").mkdir(parents=True)
    (out / "diagnosis" / "index.html").write_text("<html></html>")
    index = render_report(frames, out, formats=("html",)).index.read_text()
    assert 'href="diagnosis/index.html"' in index
    assert "diagnosis/index.html" not in (output.out_dir / "index.html").read_text()
