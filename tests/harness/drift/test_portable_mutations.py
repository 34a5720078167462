"""``drift --portable`` catches planted mutants although the environment counts as different.

Each mutant is a copy of the source tree with one planted bug; ``drift --portable`` runs in it
against the committed artefacts with ``ATEN_CPU_CAPABILITY=avx2`` set: a kernel-selecting variable
of the numerics key, so the environment is "different" from the artefacts' (and on a CPU with
AVX-512 the float32 kernels really are). The unmutated tree passes under the
same environment (the tolerances absorb real kernel differences); each mutant makes the layer
it touches report MOVED values and exit 1.
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
ARTEFACTS = ROOT / "results" / "baselines" / "portable"
DIFFERENT = {"ATEN_CPU_CAPABILITY": "avx2"}
MUTATIONS = {
    # name: (layer expected to catch it, file, original text, mutated text)
    # (a) one-to-one matching: a matched GT is never locked, duplicates all count as TP
    "tiou_matching_rule": ("a", "harness/metrics/map_fast.py",
                           "locked[cg[nn, pick[nn, kk]], kk] = True",
                           "locked[cg[nn, pick[nn, kk]], kk] = False"),
    # (b) the clip-centre offset of decoded segments: 0.5 -> 0.55 clip (27 ms later)
    "decode_offset": ("b", "models/postprocess/decode.py",
                      "+ 0.5 * float(num_frames)", "+ 0.55 * float(num_frames)"),
    # (c) the focal exponent 5 % too large
    "focal_gamma": ("c", "models/losses/focal.py",
                    "loss = ce * ((1 - p_t) ** gamma)", "loss = ce * ((1 - p_t) ** (gamma * 1.05))"),
}

pytestmark = pytest.mark.slow


def _tree(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, dest / pkg, ignore=ignore)
    return dest


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    base = tmp_path_factory.mktemp("portable_mut")
    trees = {"unchanged": _tree(base / "unchanged")}
    for name, (_, rel, old, new) in MUTATIONS.items():
        tree = _tree(base / name)
        text = (tree / rel).read_text()
        assert text.count(old) == 1, f"mutation {name}: {old!r} not found once in {rel}"
        (tree / rel).write_text(text.replace(old, new))
        trees[name] = tree
    procs = {}
    for name, tree in trees.items():
        layers = MUTATIONS[name][0] if name in MUTATIONS else "abc"
        argv = [sys.executable, "-W", "ignore", "-m", "harness", "drift", "--portable", "--portable-dir",
                str(ARTEFACTS), "--layers", layers, "--methods", "actionformer",
                "--json", str(base / f"{name}.json")]
        env = dict(os.environ, PYTHONPATH=str(tree), **DIFFERENT)
        procs[name] = subprocess.Popen(argv, cwd=tree, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
    out = {}
    for name, proc in procs.items():
        text, _ = proc.communicate(timeout=900)
        report = base / f"{name}.json"
        out[name] = (proc.returncode, text, json.loads(report.read_text()) if report.exists() else None)
    return out


def test_the_environment_counts_as_different():
    env = dict(os.environ, **DIFFERENT)
    code = "from harness.manifest import numerics_key; print(numerics_key())"
    now = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.strip()
    stored = json.loads((ARTEFACTS / "expected.json").read_text())["numerics_key"]
    assert now and now != stored


def test_unchanged_tree_passes_in_the_different_environment(results):
    code, text, report = results["unchanged"]
    assert code == 0, text
    assert {f["layer"] for f in report["findings"]} == {"a", "b", "c"}
    assert "no drift" in text


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutant_is_caught_by_its_layer(results, name):
    code, text, report = results[name]
    layer = MUTATIONS[name][0]
    assert code == 1, text
    moved = [f for f in report["findings"] if not f["ok"]]
    assert moved and all(f["layer"] == layer for f in moved)
    assert "MOVED" in text and "error: drift --portable" in text
