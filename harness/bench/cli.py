"""Benchmark of the command line: ``--help`` start-up and ``evaluate`` on files.

- ``python -m harness --help`` and ``python -m harness SUBCOMMAND --help`` for every
  subcommand, as fresh processes (interpreter start-up included): target <= 0.3 s each.
- ``evaluate`` on the two cases of :mod:`harness.bench.evaluator` written as files (an
  annotation JSON with label ids and an ActivityNet prediction JSON): the command's ``run``
  in-process, i.e. beyond start-up, JSON parsing and conversion included: targets 0.1 s
  (500 videos / 200 classes / 50,000 predictions) and 1 s (212 videos x 2,000 predictions).
  The whole process (``python -m harness evaluate ... --json``) is reported beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from harness.bench import median_time

NAME = "cli"
DESCRIPTION = "python -m harness [SUBCOMMAND] --help start-up; evaluate on files (parse + mAP)"
HELP_TARGET_S = 0.3


def _process_time(argv: list[str], repeats: int) -> float:
    def call():
        subprocess.run([sys.executable, "-m", "harness", *argv], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return median_time(call, repeats=repeats, warmup=1)


def write_case_files(case, folder: Path) -> tuple[Path, Path]:
    """The case's GT as an annotation file (subset validation) and its predictions as JSON."""
    from harness.bench.evaluator import make_case
    from harness.metrics import write_predictions

    gt, pred = make_case(case)
    db: dict[str, dict] = {}
    for vid, s, e, lab in zip(gt["video_id"], gt["t_start"], gt["t_end"], gt["label"]):
        entry = db.setdefault(vid, {"subset": "validation", "duration": 400.0, "annotations": []})
        entry["annotations"].append({"segment": [float(s), float(e)], "label": f"class_{lab}",
                                     "label_id": int(lab)})
    ann = folder / f"{case.name}-gt.json"
    ann.write_text(json.dumps({"database": db}))
    return ann, write_predictions(folder / f"{case.name}-pred.json", pred)


def _evaluate_args(ann: Path, pred: Path, thresholds: tuple[float, ...]) -> list[str]:
    return ["evaluate", "--ground-truth", str(ann), "--predictions", str(pred),
            "--tiou", ",".join(f"{t:.17g}" for t in thresholds), "--json"]


def _help_rows(repeats: int) -> list[dict]:
    from harness.cli import command_names

    rows = []
    for argv in (["--help"], *([name, "--help"] for name in command_names())):
        wall = _process_time(argv, repeats)
        rows.append({
            "benchmark": NAME, "case": " ".join(argv), "metric": "median wall time (process)",
            "value": wall, "unit": "s", "target": f"<= {HELP_TARGET_S:g}",
            "ok": wall <= HELP_TARGET_S,
        })
    return rows


def _evaluate_rows(repeats: int) -> list[dict]:
    from harness.bench.evaluator import CASES
    from harness.commands import evaluate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            ann, pred = write_case_files(case, Path(tmp))
            argv = _evaluate_args(ann, pred, case.thresholds)
            parser = argparse.ArgumentParser()
            evaluate.add_arguments(parser)
            args = parser.parse_args(argv[1:])

            def call(args=args):
                with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                        contextlib.redirect_stderr(io.StringIO()):
                    warnings.simplefilter("ignore")  # random labels without GT are expected
                    evaluate.run(args)

            wall = median_time(call, repeats=repeats, warmup=1)
            rows.append({
                "benchmark": NAME, "case": f"evaluate {case.name}",
                "metric": "median wall time (run: parse + convert + mAP)", "value": wall,
                "unit": "s", "target": f"<= {case.target_s:g}", "ok": wall <= case.target_s,
                "note": f"{pred.stat().st_size / 1e6:.1f} MB of predictions",
            })
            rows.append({
                "benchmark": NAME, "case": f"evaluate {case.name}",
                "metric": "median wall time (process)", "value": _process_time(argv, repeats),
                "unit": "s", "note": "python -m harness evaluate ... --json, start-up included",
            })
    return rows


def run(quick: bool) -> list[dict]:
    repeats = 3 if quick else 7
    return _help_rows(repeats) + _evaluate_rows(repeats)
