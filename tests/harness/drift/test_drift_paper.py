"""``drift --experiment EXP --against paper`` on a small fake aggregate (summary.csv with the
aggregate's own schema)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from harness.cli import main
from harness.core.schemas import SUMMARY_SCHEMA, check_schema
from harness.drift.paper import compare_with_paper, read_summary
from harness.errors import DataError


def _row(method, metric, values, paper, kind="run", features="I3D"):
    n = len(values)
    s = pd.Series(values, dtype=float)
    mean, sd = (float(s.mean()), float(s.std())) if n else (math.nan, math.nan)
    half = {2: 12.71, 3: 4.30, 5: 2.78}.get(n, math.nan) * sd / math.sqrt(n) if n > 1 else math.nan
    row = {c: ("" if k == "str" else 0 if k in ("int", "Int") else math.nan) for c, k in SUMMARY_SCHEMA.items()}
    row.update(experiment="table1", scale="real", table=1, row_key=f"1|{method}|{features}",
               dataset="THUMOS14", method=method, features=features, kind=kind, metric=metric, n=n,
               mean=mean, std=sd, ci_low=mean - half, ci_high=mean + half,
               pi_low=mean - 2 * half * math.sqrt(n + 1), pi_high=mean + 2 * half * math.sqrt(n + 1),
               paper=paper)
    return row


def _write(tmp_path, scale="real"):
    rows = [
        _row("ActionFormer", "avg", [66.5, 66.9, 67.2], 66.8),  # within CI
        _row("TriDet", "avg", [68.0, 68.1, 68.2], 69.3),  # CI [67.85, 68.35]: below paper
        _row("TriDet", "0.5", [70.0, 71.0, 72.0], 65.0),  # above paper
        _row("CLTDR-GMG", "avg", [69.0, 69.5], 75.0),  # n = 2: no verdict
        _row("TALLFormer", "avg", [], 59.2, kind="reported-only"),
        _row("ActionFormer", "0.3", [80.0, 81.0, 82.0], math.nan),  # no paper value
    ]
    df = check_schema(pd.DataFrame(rows, columns=list(SUMMARY_SCHEMA)), SUMMARY_SCHEMA, "summary")
    folder = tmp_path / f"table1-{scale}"
    folder.mkdir(parents=True)
    df.to_csv(folder / "summary.csv", index=False)
    return folder / "summary.csv"


def test_compare_with_paper_verdicts(tmp_path):
    cells = compare_with_paper(read_summary(_write(tmp_path)))
    got = {(c.label, c.metric): c.verdict for c in cells}
    assert got == {("T1 ActionFormer / I3D", "avg"): "within CI",
                   ("T1 TriDet / I3D", "avg"): "below paper",
                   ("T1 TriDet / I3D", "0.5"): "above paper",
                   ("T1 CLTDR-GMG / I3D", "avg"): ""}
    below = next(c for c in cells if c.verdict == "below paper")
    assert below.delta == pytest.approx(68.1 - 69.3) and below.outside


def test_cli_real_scale_lists_outside_cells_and_exits_1(tmp_path, capsys):
    _write(tmp_path)
    code = main(["drift", "--experiment", "table1", "--against", "paper", "--scale", "real",
                 "--tables", str(tmp_path), "--json", str(tmp_path / "out.json")])
    out = capsys.readouterr()
    assert code == 1
    assert "outside CI: T1 TriDet / I3D avg: mean 68.10" in out.out
    assert "outside CI: T1 TriDet / I3D 0.5:" in out.out
    assert "ActionFormer / I3D avg:" not in out.out.split("cell(s) with a paper value")[1]
    assert "4 cell(s) with a paper value: 2 outside the CI, 1 within, 1 without verdict" in out.out
    assert "error: 2 cell(s) outside the 95% CI" in out.err
    assert (tmp_path / "out.json").is_file()


def test_cli_synthetic_scale_says_not_meaningful_and_exits_0(tmp_path, capsys):
    _write(tmp_path, scale="synthetic")
    code = main(["drift", "--experiment", "table1", "--against", "paper", "--tables", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "not meaningful" in out and "2 outside the CI" in out


def test_missing_or_foreign_summary_is_a_one_line_error(tmp_path, capsys):
    assert main(["drift", "--experiment", "table1", "--against", "paper", "--tables", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "table1-synthetic/summary.csv: not found" in err
    (tmp_path / "table1-synthetic").mkdir()
    (tmp_path / "table1-synthetic" / "summary.csv").write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="not an aggregate summary"):
        read_summary(tmp_path / "table1-synthetic" / "summary.csv")
    assert main(["drift", "--experiment", "table1", "--tables", str(tmp_path)]) == 2
    assert "--experiment and --against paper go together" in capsys.readouterr().err
