"""With ``--json`` a command's stdout is the JSON document alone (logs go to stderr).

Run as subprocesses, so that every writer (mmengine's logger, rich, print) is the real one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from runner_helpers import ROOT, TINY_CONFIG

from harness.cli import build_parser


def _harness(*argv):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "harness", *map(str, argv)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def test_test_json_stdout_is_only_json(tiny_finished_run, tmp_path):
    proc = _harness("test", TINY_CONFIG, "--checkpoint", tiny_finished_run / "epoch_4.pth",
                    "--trust", "--work-dir", tmp_path / "t", "--json")
    data = json.loads(proc.stdout)  # fails on any log line before or after the document
    assert data["weights"] == "state_dict_ema" and "average_mAP" in data["metrics"]
    assert "mmengine" not in proc.stdout
    # the log lines are in the log file
    logs = list((tmp_path / "t").glob("*/*.log"))
    assert logs and "Epoch(test)" in logs[0].read_text()


def test_evaluate_json_stdout_is_only_json(tmp_path):
    gt, pred = tmp_path / "gt.json", tmp_path / "pred.json"
    gt.write_text(json.dumps({"database": {"v1": {"subset": "validation", "duration": 30,
                  "annotations": [{"label": "a", "segment": [1.0, 5.0]}]}}}))
    pred.write_text(json.dumps({"results": {"v1": [{"label": "a", "score": 0.9,
                                                    "segment": [1.0, 5.0]}]}}))
    proc = _harness("evaluate", "--ground-truth", gt, "--predictions", pred, "--json")
    assert json.loads(proc.stdout)["average_mAP"] == 1.0


def test_plan_seeds_json_stdout_is_only_json():
    proc = _harness("plan-seeds", "--sd", "1.0", "--delta", "1.0", "--json")
    assert isinstance(json.loads(proc.stdout), dict)


def test_every_boolean_json_flag_is_covered():
    """The commands whose --json prints to stdout; a new one must get a test here."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    with_flag = sorted(
        name for name, p in sub.choices.items()
        if any("--json" in a.option_strings and a.nargs == 0 for a in p._actions)
    )
    # stdout parsed as JSON also in tests/datasets/synthetic/test_synthetic_cli.py
    # (trivial-baseline), tests/harness/test_diagnose_command.py (diagnose) and
    # tests/datasets/real/test_rehearse_roots.py (rehearse)
    assert with_flag == ["diagnose", "evaluate", "plan-seeds", "rehearse", "test", "trivial-baseline"]
