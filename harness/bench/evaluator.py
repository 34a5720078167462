"""Benchmark of the detection evaluator (``evaluate_detection``) on random cases.

Cases: (a) 500 videos, 200 classes, 50,000 predictions (target < 0.1 s); (b) a
THUMOS14-shaped test set: 212 videos × 2,000 detections, 20 classes, ~3,400 GT (target
< 1 s). Timings are medians over repeats of the whole call on in-memory tables (file
reading excluded).
"""

from __future__ import annotations

import statistics
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from harness.bench import median_time

NAME = "evaluator"
DESCRIPTION = "detection mAP (evaluate_detection) on random ANet- and THUMOS-shaped cases"


@dataclass(frozen=True)
class RandomCase:
    """Shape of a random evaluation case."""

    name: str
    num_videos: int
    num_classes: int
    preds_per_video: int
    gt_per_video: float  # mean
    classes_per_video: int
    thresholds: tuple[float, ...]
    target_s: float


CASES = (
    RandomCase("a-500v-200c-50k", 500, 200, 100, 3.0, 2,
               tuple(np.linspace(0.5, 0.95, 10).tolist()), 0.1),
    RandomCase("b-thumos-212v-20c-424k", 212, 20, 2000, 16.0, 2,
               tuple(np.linspace(0.3, 0.7, 5).tolist()), 1.0),
)


def draw_predictions(
    rng: np.random.Generator, g_start: np.ndarray, g_len: np.ndarray, g_label: np.ndarray,
    n: int, num_classes: int, duration: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n random predictions of one video: half near a GT (jittered bounds, its label 70 % of
    the time), half anywhere; (start, end, label) each [n], start and end unordered."""
    near = rng.random(n) < 0.5
    src = rng.integers(0, len(g_start), n)
    jitter = rng.normal(0, 0.15, (n, 2)) * g_len[src, None]
    r_len = rng.lognormal(np.log(4.0), 1.0, n).clip(0.1, duration)
    r_start = rng.uniform(0, duration, n)
    start = np.where(near, g_start[src] + jitter[:, 0], r_start)
    end = np.where(near, g_start[src] + g_len[src] + jitter[:, 1], r_start + r_len)
    label = np.where(near & (rng.random(n) < 0.7), g_label[src], rng.integers(0, num_classes, n))
    return start, end, label


def make_case(case: RandomCase, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random GT and prediction tables of the given shape.

    Half of the predictions jitter a GT of their video (70 % with its label), the rest
    are random segments with random labels; scores are uniform.

    Returns:
        (ground_truth, predictions) tables for :func:`evaluate_detection`.
    """
    rng = np.random.default_rng(seed)
    gt_rows, pred_rows = [], []
    for v in range(case.num_videos):
        vid = f"video_{v:05d}"
        duration = float(rng.uniform(30, 400))
        classes = rng.choice(case.num_classes, size=case.classes_per_video, replace=False)
        n_gt = max(1, int(rng.poisson(case.gt_per_video)))
        g_len = rng.lognormal(np.log(4.0), 0.8, n_gt).clip(0.3, duration / 2)
        g_start = rng.uniform(0, duration - g_len)
        g_label = rng.choice(classes, n_gt)
        gt_rows.append(pd.DataFrame({"video_id": vid, "t_start": g_start,
                                     "t_end": g_start + g_len, "label": g_label}))
        start, end, label = draw_predictions(rng, g_start, g_len, g_label, case.preds_per_video,
                                             case.num_classes, duration)
        pred_rows.append(pd.DataFrame({"video_id": vid, "t_start": np.minimum(start, end),
                                       "t_end": np.maximum(start, end), "label": label,
                                       "score": rng.random(case.preds_per_video)}))
    return pd.concat(gt_rows, ignore_index=True), pd.concat(pred_rows, ignore_index=True)


def _median_cpu_time(fn, repeats: int) -> float:
    """Median process (CPU) time of ``fn()``: less sensitive than wall time to other load."""
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def run(quick: bool) -> list[dict]:
    """Median wall time of ``evaluate_detection`` per case against its target, plus CPU time."""
    from harness.metrics import evaluate_detection

    rows = []
    repeats = 3 if quick else 7
    for case in CASES:
        gt, pred = make_case(case)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # random labels without GT are expected here

            def call(gt=gt, pred=pred, case=case):
                return evaluate_detection(gt, pred, case.thresholds)

            result = call()
            wall = median_time(call, repeats=repeats, warmup=1)
            cpu = _median_cpu_time(call, repeats)
        note = f"{len(gt)} GT, {len(pred)} preds, avg mAP {100 * result.average_mAP:.1f}"
        rows.append({
            "benchmark": NAME, "case": case.name, "metric": "median wall time", "value": wall,
            "unit": "s", "target": f"< {case.target_s:g}", "ok": wall < case.target_s, "note": note,
        })
        rows.append({
            "benchmark": NAME, "case": case.name, "metric": "median CPU time", "value": cpu,
            "unit": "s", "note": "process time (less load-sensitive)",
        })
    return rows
