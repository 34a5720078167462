"""The real ActivityNet evaluation on real files: the public sample submission against the
validation GT built from the BSN files; the vectorised evaluator equals the per-class
reference loop, and the numbers equal the committed results/real/anet_sample_eval.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from harness.metrics.real_anet import evaluate_sample

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "tests" / "fixtures" / "real"


def test_sample_submission_equals_reference_loop_and_committed_numbers():
    fast, facts = evaluate_sample(SOURCES)
    ref, _ = evaluate_sample(SOURCES, reference=True)
    assert list(fast.tiou) == list(np.linspace(0.5, 0.95, 10))
    np.testing.assert_allclose(fast.mAP, ref.mAP, rtol=0, atol=1e-12)  # summation order only
    for k, ap in fast.to_json()["ap_per_class"].items():
        np.testing.assert_allclose(ap, ref.to_json()["ap_per_class"][k], rtol=0, atol=1e-12)
    committed = json.loads((ROOT / "results" / "real" / "anet_sample_eval.json").read_text())
    assert np.isclose(fast.average_mAP, committed["average_mAP"], rtol=0, atol=1e-12)
    assert {k: committed[k] for k in facts} == facts
    # protocol facts the README names
    assert facts["gt_videos"] == 4728 and facts["prediction_videos_without_gt"] == 198
    assert facts["gt_videos_without_predictions"] == 0
    assert len(fast.to_json()["classes_in_mean"]) == 200
    assert fast.to_json()["counts"]["duplicate_gt"] == 19
