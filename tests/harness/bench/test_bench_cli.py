"""The CLI benchmark's files evaluate to the in-memory evaluator's result (no timing here)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import warnings

import pytest

from harness.bench.cli import _evaluate_args, write_case_files
from harness.bench.evaluator import RandomCase, make_case
from harness.commands import evaluate
from harness.metrics import evaluate_detection


def test_case_files_give_the_in_memory_result(tmp_path):
    case = RandomCase("tiny", 6, 5, 20, 2.0, 2, (0.3, 0.5, 0.7), 1.0)
    ann, pred = write_case_files(case, tmp_path)
    parser = argparse.ArgumentParser()
    evaluate.add_arguments(parser)
    args = parser.parse_args(_evaluate_args(ann, pred, case.thresholds)[1:])
    out = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        assert evaluate.run(args) == 0
        gt, preds = make_case(case)
        want = evaluate_detection(gt, preds, case.thresholds)
    got = json.loads(out.getvalue())
    assert got["mAP"] == pytest.approx(list(want.mAP), abs=1e-12)
    assert got["counts"]["predictions"] == len(preds) == 6 * 20
