"""Benchmark of DETAD's diagnosis (``reports.diagnosis.diagnose``) on a THUMOS14-size file.

The case has THUMOS14's test shape: 212 videos × 2,000 predictions (424,000), 20 classes,
~16 GT per video; half of the predictions jitter a GT of their video (70 % with its label),
the rest are random. Timings are medians over repeats of the whole diagnosis (all three
analyses) on in-memory inputs (target < 2 s; DETAD takes about a minute for 10,000
predictions), and of reading the prediction JSON (no target).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from harness.bench import median_time
from harness.bench.evaluator import draw_predictions

NAME = "diagnosis"
DESCRIPTION = "DETAD diagnosis (FP, sensitivity, FN analyses) of a THUMOS14-size prediction file"
TARGET_S = 2.0


def make_case(num_videos: int = 212, preds_per_video: int = 2000, num_classes: int = 20,
              gt_per_video: float = 16.0, seed: int = 0):
    """(GroundTruth, results dict) of random THUMOS14-shaped data."""
    from reports.diagnosis.inputs import GroundTruth

    rng = np.random.default_rng(seed)
    classes = tuple(f"class_{c}" for c in range(num_classes))
    cols: dict[str, list] = {k: [] for k in ("video", "label", "start", "end", "cov", "n")}
    results, durations = {}, []
    for v in range(num_videos):
        duration = float(rng.uniform(30, 400))
        durations.append(duration)
        own = rng.choice(num_classes, size=2, replace=False)
        n_gt = max(1, int(rng.poisson(gt_per_video)))
        g_len = rng.lognormal(np.log(4.0), 0.8, n_gt).clip(0.3, duration / 2)
        g_start = rng.uniform(0, duration - g_len)
        g_label = rng.choice(own, n_gt)
        cols["video"] += [v] * n_gt
        cols["label"] += g_label.tolist()
        cols["start"] += g_start.tolist()
        cols["end"] += (g_start + g_len).tolist()
        cols["cov"] += (g_len / duration).tolist()
        cols["n"] += [float(n_gt)] * n_gt
        start, end, label = draw_predictions(rng, g_start, g_len, g_label, preds_per_video,
                                             num_classes, duration)
        score = rng.random(preds_per_video)
        results[f"video_{v:04d}"] = [
            {"label": classes[lab], "score": float(sc), "segment": [float(min(s, e)), float(max(s, e))]}
            for lab, sc, s, e in zip(label.tolist(), score.tolist(), start.tolist(), end.tolist())]
    start, end = np.asarray(cols["start"]), np.asarray(cols["end"])
    gt = GroundTruth(
        videos=tuple(results), classes=classes, video=np.asarray(cols["video"], dtype=np.int64),
        label=np.asarray(cols["label"], dtype=np.int64), gt_id=np.arange(len(start)),
        start=start, end=end, coverage=np.asarray(cols["cov"]), length=end - start,
        num_instances=np.asarray(cols["n"]), duration=np.asarray(durations))
    return gt, results


def run(quick: bool) -> list[dict]:
    from reports.diagnosis import diagnose, load_predictions, predictions_from_results

    gt, results = make_case()
    preds = predictions_from_results(results, gt)
    repeats = 3 if quick else 5
    d = diagnose(preds, gt)
    wall = median_time(lambda: diagnose(preds, gt), repeats=repeats, warmup=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "predictions.json"
        path.write_text(json.dumps({"results": results}))
        read = median_time(lambda: load_predictions(path, gt), repeats=max(1, repeats // 2), warmup=0)
    note = (f"{len(gt.gt_id)} GT, {len(preds)} preds, average-mAP_N "
            f"{100 * d.average_mAP_N['all']:.1f}")
    return [
        {"benchmark": NAME, "case": "thumos14-size-212v-424k", "metric": "median wall time",
         "value": wall, "unit": "s", "target": f"< {TARGET_S:g}", "ok": wall < TARGET_S,
         "note": note},
        {"benchmark": NAME, "case": "thumos14-size-212v-424k", "metric": "read predictions JSON",
         "value": read, "unit": "s", "note": "load_predictions (json + indexing), not in the target"},
    ]
