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
