"""``bench --only diagnosis``: the THUMOS14-size case (shape checked on a small instance, not timed)."""

from __future__ import annotations

import inspect

from harness.bench import diagnosis as bench
from reports.diagnosis import diagnose, predictions_from_results


def test_case_shape_and_defaults():
    defaults = {k: v.default for k, v in inspect.signature(bench.make_case).parameters.items()}
    assert (defaults["num_videos"], defaults["preds_per_video"]) == (212, 2000)
    gt, results = bench.make_case(num_videos=4, preds_per_video=60)
    assert len(results) == 4 and all(len(r) == 60 for r in results.values())
    preds = predictions_from_results(results, gt)
    d = diagnose(preds, gt)
    assert d.num_predictions == 240 and 0.0 < d.average_mAP_N["all"] <= 1.0
    assert bench.TARGET_S == 2.0
