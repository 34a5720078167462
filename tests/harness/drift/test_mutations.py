"""The drift check can fail: mutated copies of the source tree make ``drift`` exit 1 and name
the moved metrics, while the unmutated tree reproduces its baseline bit for bit.

The baseline is produced in this session by an unmutated copy (not the committed one, which
belongs to another machine); every run is the ``smoke`` benchmark restricted to ActionFormer,
seed 0 (32/16 videos, 4 epochs). The five checks after the baseline run concurrently, one CPU
thread each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("harness", "models", "baselines", "datasets")
ARGS = ("--benchmark", "smoke", "--methods", "actionformer", "--seeds", "0", "--jobs", "1")
MUTATIONS = {
    # name: (file, original text, mutated text, config changes)
    "soft_nms_sigma": ("harness/configs/_base_/models/actionformer_tiny.py",
                       "nms_sigma=0.5,", "nms_sigma=0.9,", True),
    "center_sample_radius": ("harness/configs/_base_/models/actionformer_tiny.py",
                             "center_sample_radius=1.5,", "center_sample_radius=0.5,", True),
    # one-to-one matching at each tIoU: a GT matched once is locked; the mutant never locks,
    # so duplicate detections above the threshold all count as true positives. (`>=` -> `>`
    # in the IoU comparison is not used: no (prediction, GT) IoU of these runs equals a
    # threshold exactly, so that mutant is equivalent here and no mAP check can see it.)
    "tiou_matching_rule": ("harness/metrics/map_fast.py",
                           "locked[cg[nn, pick[nn, kk]], kk] = True",
                           "locked[cg[nn, pick[nn, kk]], kk] = False", False),
}

pytestmark = pytest.mark.slow


def _copy_tree(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, dest / pkg, ignore=ignore)
    return dest


def _drift_cmd(tree: Path, baseline: Path, data: Path, *extra: str, runs: str = "runs"):
    argv = [sys.executable, "-m", "harness", "drift", *ARGS, "--baseline", str(baseline),
            "--data-dir", str(data), "--work-dir", str(tree / runs), *extra]
    env = dict(os.environ, PYTHONPATH=str(tree), HARNESS_NO_PROGRESS="1")
    return argv, env


def _run(tree: Path, baseline: Path, data: Path, *extra: str) -> subprocess.CompletedProcess:
    argv, env = _drift_cmd(tree, baseline, data, *extra)
    return subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """(pristine tree, baseline path, data dir) after ``drift --update`` in the pristine copy."""
    base = tmp_path_factory.mktemp("drift_mut")
    pristine = _copy_tree(base / "pristine")
    data = base / "data"
    baseline = base / "baseline.json"
    out = _run(pristine, baseline, data, "--update")
    assert out.returncode == 0, out.stdout + out.stderr
    return base, pristine, baseline, data


@pytest.fixture(scope="module")
def checks(session):
    """Name → (exit code, stdout + stderr, JSON report) of the concurrent checks."""
    base, pristine, baseline, data = session
    jobs = {}
    # the unmutated tree again (bit-exact reproduction)
    jobs["unchanged"] = (pristine, baseline, ("--json", str(base / "unchanged.json")), "runs-again")
    # --update against a doctored copy of the baseline: one value and the torch version differ
    doctored = json.loads(baseline.read_text())
    doctored["methods"]["actionformer"]["runs"]["0"]["mAP@0.50"] += 0.125
    doctored["provenance"]["versions"]["torch"] = "0.0.0-doctored"
    (base / "doctored.json").write_text(json.dumps(doctored))
    jobs["update"] = (pristine, base / "doctored.json", ("--update",), "runs-update")
    for name, (rel, old, new, _) in MUTATIONS.items():
        tree = _copy_tree(base / name)
        text = (tree / rel).read_text()
        assert text.count(old) == 1, f"mutation {name}: {old!r} not found once in {rel}"
        (tree / rel).write_text(text.replace(old, new))
        jobs[name] = (tree, baseline, ("--json", str(base / f"{name}.json")), "runs")
    procs = {}
    for name, (tree, path, extra, runs) in jobs.items():
        argv, env = _drift_cmd(tree, path, data, *extra, runs=runs)
        procs[name] = subprocess.Popen(argv, cwd=tree, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
    results = {}
    for name, proc in procs.items():
        text, _ = proc.communicate(timeout=900)
        report = base / f"{name}.json"
        results[name] = (proc.returncode, text, json.loads(report.read_text()) if report.exists() else None)
    return results


def test_unchanged_tree_reproduces_the_baseline_bit_for_bit(session, checks):
    _, _, baseline, _ = session
    code, text, report = checks["unchanged"]
    assert code == 0, text
    assert report["mode"] == "exact" and report["environment_differences"] == []
    stored = json.loads(baseline.read_text())["methods"]["actionformer"]["runs"]["0"]
    rows = report["rows"]
    assert {r["metric"] for r in rows} == set(stored) and len(stored) == 6
    for r in rows:  # now == baseline exactly (values in percent of the same floats)
        assert r["status"] == "ok" and r["delta"] == 0.0 and r["now"] == r["baseline"]
    assert stored["average_mAP"] > 0  # the smoke benchmark learns something
    assert "no drift" in text


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_makes_drift_exit_1_naming_the_moved_metrics(checks, name):
    code, text, report = checks[name]
    assert code == 1, text
    moved = [r for r in report["rows"] if r["status"] != "ok"]
    assert moved and all(r["status"] == "DRIFT" for r in moved)
    assert report["mode"] == "exact"
    drift_line = next(ln for ln in text.splitlines() if ln.startswith("DRIFT:"))
    for r in moved:
        assert f"actionformer seed 0 {r['metric']}" in drift_line
        assert r["delta"] != 0.0
    assert "error: drift:" in text
    config_changed = MUTATIONS[name][3]
    assert ("actionformer: config changed since the baseline" in text) == config_changed


def test_update_writes_provenance_and_prints_the_differences(session, checks):
    base, _, baseline, _ = session
    code, text, _ = checks["update"]
    assert code == 0, text
    assert "changed: torch 0.0.0-doctored -> " in text
    assert "mAP@0.50" in text and "changed" in text
    written = json.loads((base / "doctored.json").read_text())
    prov = written["provenance"]
    assert {"git_sha", "git_dirty", "created", "versions", "cpu", "data_fingerprint"} <= set(prov)
    assert prov["versions"]["torch"] != "0.0.0-doctored" and prov["created"][:2] == "20"
    assert prov["command"][0] == "python -m harness" and "--update" in prov["command"]
    # the rewritten values are those of the first run again (determinism across runs)
    first = json.loads(baseline.read_text())["methods"]["actionformer"]["runs"]
    assert written["methods"]["actionformer"]["runs"] == first
    assert not list(base.glob(".doctored.json.*.tmp"))  # atomic write left no temporary
