"""``drift --portable`` on the committed artefacts: layer (a) in-process, bad input, and a
doctored expectation that must be reported as drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.cli import main
from harness.drift.portable import ROOT, check_all

REPO = Path(__file__).resolve().parents[3]
ARTEFACTS = REPO / ROOT


def test_committed_artefacts_are_small_and_complete():
    files = [p for p in ARTEFACTS.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert sum(p.stat().st_size for p in files) < 6 * 2**20
    names = {p.relative_to(ARTEFACTS).as_posix() for p in files}
    for method in ("actionformer", "tridet", "cltdr_gmg"):
        assert {f"{method}/weights.pt", f"{method}/after.pt"} <= names
    assert {"expected.json", "train_batches.pt", "test_batches.pt", "data/annotations.json"} <= names


def test_evaluator_layer_reproduces_exactly():
    report = check_all(ARTEFACTS, "a")
    assert report.findings and not report.moved


@pytest.fixture()
def copy(tmp_path):
    dest = tmp_path / "portable"
    shutil.copytree(ARTEFACTS, dest)
    return dest


def test_a_moved_evaluator_value_is_drift(copy, capsys):
    path = copy / "expected.json"
    data = json.loads(path.read_text())
    key = next(iter(data["evaluator"]))
    data["evaluator"][key]["result"]["mAP"][0] += 1e-12  # one ulp-scale change is drift in (a)
    path.write_text(json.dumps(data))
    code = main(["drift", "--portable", "--portable-dir", str(copy), "--layers", "a"])
    out = capsys.readouterr()
    assert code == 1 and f"MOVED evaluator {key}" in out.out and "differs in mAP" in out.out


def test_missing_artefacts_are_a_one_line_error(tmp_path, capsys):
    code = main(["drift", "--portable", "--portable-dir", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert code == 2 and "drift --portable --update" in err and err.count("\n") == 1


def test_bad_layers_refused(capsys):
    assert main(["drift", "--portable", "--layers", "ax"]) == 2
