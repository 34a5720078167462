"""``python -m harness report``: output layout, last line, missing runs, stale aggregates."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest
import report_fakes as fakes

from harness.cli import main
from harness.experiments import paper_table
from harness.reporting.freshness import stale_reasons


def test_renders_an_aggregate_and_prints_the_index_last(tmp_path, capsys):
    tables = fakes.build_tables(1, "real")
    fakes.write_tables(tables, tmp_path / "tables" / "table1-real")
    fakes.write_records(tables, tmp_path / "runs")
    out = tmp_path / "out"
    code = main(["report", "table1", "--scale", "real", "--tables", str(tmp_path / "tables"),
                 "--results", str(tmp_path / "runs"), "--out", str(out), "--format", "html"])
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == str(out / "index.html")
    assert (out / "table1.html").is_file() and not (out / "latex").exists()
    assert len(list((out / "figures").glob("*.png"))) == 3


def test_experiment_without_runs_renders_not_run_cells(tmp_path, capsys):
    """No aggregate and no runs: aggregation runs first, every cell renders as 'not run'."""
    out = tmp_path / "out"
    code = main(["report", "table10", "--scale", "real", "--tables", str(tmp_path / "tables"),
                 "--results", str(tmp_path / "no-runs"), "--out", str(out), "--bootstrap", "0"])
    assert code == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(out / "index.html")
    assert (tmp_path / "tables" / "table10-real" / "summary.csv").is_file()
    page = (out / "table10.html").read_text()
    assert page.count('<tr class="not run"') + page.count('<tr class="unavailable"') == 4
    assert "87.3" in page  # the paper's values are still shown
    tex = (out / "latex" / "table10.tex").read_text()
    assert tex.count("& --") >= 16  # 4 rows x 4 empty harness cells
    assert not any((out / "figures").glob("*"))  # nothing to plot without runs


def test_missing_aggregate_with_never_is_an_error(tmp_path, capsys):
    code = main(["report", "table1", "--tables", str(tmp_path), "--aggregate", "never",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "no aggregate" in err
    assert err.count("\n") == 1


def test_bad_format_is_an_error(tmp_path, capsys):
    code = main(["report", "table1", "--format", "pdf,html", "--tables", str(tmp_path)])
    assert code == 2 and "--format" in capsys.readouterr().err


def _record(path: Path, config_hash: str, status: str = "ok") -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / "record.json").write_text(json.dumps({"status": status, "config_hash": config_hash}))


def test_stale_aggregate_detection(tmp_path):
    experiment = paper_table(1)
    cell = next(c for c in experiment.cells("real") if c.run_name and c.kind == "run")
    runs = pd.DataFrame([dict(run_name=cell.run_name, seed=0, config_hash="a" * 64)])
    problems = pd.DataFrame(columns=["path", "kind", "message"])
    results = tmp_path / "runs"
    assert stale_reasons(experiment, "real", runs, problems, results) == []  # no run folders
    _record(results / cell.run_name / "seed0", "a" * 64)
    assert stale_reasons(experiment, "real", runs, problems, results) == []
    _record(results / cell.run_name / "seed1", "a" * 64)
    reasons = stale_reasons(experiment, "real", runs, problems, results)
    assert len(reasons) == 1 and "seed1" in reasons[0] and "new run" in reasons[0]
    listed = pd.DataFrame([dict(path=str(results / cell.run_name / "seed1" / "record.json"),
                                kind="stale", message="")])
    assert stale_reasons(experiment, "real", runs, listed, results) == []
    _record(results / cell.run_name / "seed0", "b" * 64)
    reasons = stale_reasons(experiment, "real", runs, listed, results)
    assert len(reasons) == 1 and "config hash changed" in reasons[0]


@pytest.mark.parametrize("mode,present,stale,expected", [
    ("auto", False, False, 1), ("auto", True, False, 0), ("auto", True, True, 1),
    ("always", True, False, 1), ("never", True, True, 0),
])
def test_when_the_report_aggregates(mode, present, stale, expected, tmp_path, monkeypatch):
    import harness.commands.report as cmd
    import harness.reporting.freshness as freshness

    folder = tmp_path / "table1-real"
    if present:
        fakes.write_tables(fakes.build_tables(1, "real", hostile_row=False), folder)
    calls = []
    monkeypatch.setattr(cmd, "_aggregate", lambda *a: calls.append(a))
    monkeypatch.setattr(freshness, "stale_reasons", lambda *a, **k: ["new run"] if stale else [])
    args = argparse.Namespace(aggregate=mode, experiment="table1", scale="real",
                              results=str(tmp_path / "runs"))
    cmd._ensure_aggregate(paper_table(1), args, folder, _Quiet())
    assert len(calls) == expected


class _Quiet:
    def print(self, *args, **kwargs) -> None:
        pass
