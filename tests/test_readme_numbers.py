"""Every number the README quotes from results comes from a committed file (and matches it)."""

from __future__ import annotations

import re
from pathlib import Path

from harness.reporting.readme_numbers import table1_rows, trivial_rows, wall_times

ROOT = Path(__file__).resolve().parents[1]
TABLES, TRIVIAL = ROOT / "results" / "tables", ROOT / "results" / "trivial-baseline"


def _readme() -> str:
    return re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_table1_summary_in_readme():
    text = _readme()
    for row in table1_rows(TABLES, TRIVIAL):
        assert row in text, f"README lacks {row!r} (python -m harness.reporting.readme_numbers)"


def test_trivial_baseline_in_readme():
    text = _readme()
    for row in trivial_rows(TRIVIAL):
        assert row in text, f"README lacks {row!r} (python -m harness.reporting.readme_numbers)"


def test_run_times_in_readme():
    text = _readme()
    for experiment in ("table1", "ablations"):
        assert wall_times(TABLES, experiment) in text
    assert "35-50 s" not in text


def test_one_meaning_of_plus_minus():
    text = _readme()
    assert "mean ± sd" not in text and "± sd" not in text
    assert "half-width of the 95 % t-interval" in text


def test_evaluator_zero_over_zero_rule_documented():
    assert "IoU of 0/0" in _readme() and "--keep-zero-length-gt" in _readme()


def test_model_speed_tables_come_from_the_bench_file():
    from harness.reporting.readme_numbers import speed_rows

    bench = ROOT / "results" / "bench" / "models_cpu_quick.json"
    for method, readme in (("actionformer", "baselines/actionformer/README.md"),
                           ("tridet", "baselines/tridet/README.md"),
                           ("cltdr_gmg", "models/cltdr_gmg/README.md")):
        text = (ROOT / readme).read_text(encoding="utf-8")
        assert "*pending*" not in text
        for row in speed_rows(bench, method):
            assert row in text, f"{readme} lacks {row!r} (python -m harness.reporting.readme_numbers)"


def _rows(name: str) -> list[dict]:
    import json

    return json.loads((ROOT / "results" / "bench" / name).read_text())


def test_real_shape_and_timeline_numbers_come_from_the_bench_files():
    text = _readme()
    rows = _rows("real_shapes.json")
    per = {(r["case"].split("/")[0], r["metric"]): r["value"] for r in rows if "/thumos14_i3d" in r["case"]}
    methods = ("actionformer", "tridet", "cltdr_gmg")
    for metric, fmt, scale in (("train iteration", "{:.1f}", 1), ("inference per video", "{:.2f}", 1),
                               ("peak RSS", "{:.1f}", 1), ("official schedule (extrapolated)", "{:.1f}", 1)):
        shown = " / ".join(fmt.format(per[(m, metric)] * scale) for m in methods)
        assert shown in text, f"README lacks {metric}: {shown!r} (results/bench/real_shapes.json)"
    for r in rows:
        if r["metric"] == "loading":
            assert f"{r['value']:,.0f}" in text, f"README lacks the loading rate {r['value']:.0f}"
    tl = {(r["case"].split("/")[0], r["metric"]): r["value"] for r in _rows("timeline.json")}
    assert f"trivial baseline {tl[('thumos14-timeline mid (data seed 0)', 'trivial baseline average mAP')]:.1f} %" in text
    shown = ", ".join(f"{n} {tl[(m, 'average mAP (mean over seeds)')]:.1f} %" for n, m in
                      (("ActionFormer", "actionformer"), ("TriDet", "tridet"), ("CLTDR-GMG", "cltdr_gmg")))
    assert shown in text, f"README lacks {shown!r} (results/bench/timeline.json)"
