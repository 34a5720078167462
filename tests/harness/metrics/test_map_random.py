"""Fast path vs reference loop vs a brute-force implementation on many random cases.

The brute force below is written from the rules (data-and-eval.md §6.1/§6.4) in plain
Python, independently of harness.metrics: stable sort on −score, GT candidates by
(−IoU, −row), first unlocked candidate decides, IoU 0/0 = 0, all-points AP.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from harness.metrics import evaluate_detection


def _iou(p, g):
    inter = max(0.0, min(p[1], g[1]) - max(p[0], g[0]))
    union = (g[1] - g[0]) + (p[1] - p[0]) - inter
    return 0.0 if union == 0 else inter / union


def _ap_brute(flags, npos):
    tp = fp = 0
    prec, rec = [], []
    for f in flags:
        tp, fp = tp + f, fp + (not f)
        prec.append(tp / (tp + fp))
        rec.append(tp / npos)
    ap, prev = 0.0, 0.0
    for i, f in enumerate(flags):
        if f:
            ap += (rec[i] - prev) * max(prec[i:])
            prev = rec[i]
    return ap


def brute_force(gt_rows, pred_rows, thresholds):
    """{label: [AP per threshold]} for every label with GT."""
    out = {}
    for c in sorted({g[3] for g in gt_rows}):  # predictions of other labels never count
        gts = [(i, g) for i, g in enumerate(gt_rows) if g[3] == c]
        preds = sorted((p for p in pred_rows if p[3] == c), key=lambda p: -p[4])  # stable
        aps = []
        for thr in thresholds:
            locked, flags = set(), []
            for p in preds:
                cands = [(_iou(p[1:3], g[1:3]), i) for i, g in gts if g[0] == p[0]]
                cands.sort(key=lambda x: (-x[0], -x[1]))
                hit = False
                for iou, i in cands:
                    if iou < thr:
                        break
                    if i in locked:
                        continue
                    locked.add(i)
                    hit = True
                    break
                flags.append(hit)
            aps.append(_ap_brute(flags, len(gts)))
        out[c] = aps
    return out


def random_case(rng):
    """Small case on a coarse grid: ties in scores, equal IoUs, duplicates, zero lengths."""
    n_cls = int(rng.integers(1, 6))
    videos = [f"v{i}" for i in range(int(rng.integers(1, 6)))]
    gt_rows = []
    for _ in range(int(rng.integers(1, 15))):
        s = float(rng.integers(0, 12))
        gt_rows.append((str(rng.choice(videos)), s, s + float(rng.integers(0, 6)), int(rng.integers(0, n_cls))))
    if rng.random() < 0.5:  # exact duplicates
        gt_rows += [gt_rows[i] for i in rng.integers(0, len(gt_rows), 2)]
    pred_rows = []
    scores = rng.choice([0.1, 0.2, 0.5, 0.9], 4) if rng.random() < 0.5 else None
    for _ in range(int(rng.integers(0, 40))):
        s = float(rng.integers(-1, 12)) + (0.5 if rng.random() < 0.3 else 0.0)
        vid = str(rng.choice(videos + ["no_gt"]))
        score = float(rng.choice(scores)) if scores is not None else float(rng.random())
        pred_rows.append((vid, s, s + float(rng.integers(0, 7)), int(rng.integers(0, n_cls + 1)), score))
    if pred_rows and rng.random() < 0.5:  # duplicated predictions
        pred_rows += [pred_rows[i] for i in rng.integers(0, len(pred_rows), 3)]
    kind = rng.integers(0, 3)
    if kind == 0:
        thresholds = np.linspace(0.1, 0.9, 9)
    elif kind == 1:
        thresholds = np.linspace(0.5, 0.95, 10)
    else:
        thresholds = rng.permutation(np.concatenate([[0.0, 1.0, 0.5], rng.random(int(rng.integers(1, 20)))]))
    return gt_rows, pred_rows, thresholds


def _frames(gt_rows, pred_rows):
    gt = pd.DataFrame(gt_rows, columns=["video_id", "t_start", "t_end", "label"])
    pred = pd.DataFrame(pred_rows, columns=["video_id", "t_start", "t_end", "label", "score"])
    return gt, pred.astype({"t_start": float, "t_end": float, "score": float, "label": "int64"})


pytestmark = pytest.mark.filterwarnings("ignore::harness.metrics.result.EvaluationWarning")


@pytest.mark.parametrize("seed", range(8))
def test_fast_reference_and_brute_force_agree(seed):
    rng = np.random.default_rng(seed)
    for _ in range(25):
        gt_rows, pred_rows, thr = random_case(rng)
        gt, pred = _frames(gt_rows, pred_rows)
        opts = dict(gt_dedup=False, drop_zero_length_gt=False)
        fast = evaluate_detection(gt, pred, thr, **opts)
        ref = evaluate_detection(gt, pred, thr, reference=True, **opts)
        brute = brute_force(gt_rows, pred_rows, thr)
        assert list(fast.classes_in_mean) == sorted(brute)
        for c, aps in brute.items():
            np.testing.assert_allclose(fast.ap_per_class[c], aps, rtol=0, atol=1e-12)
            np.testing.assert_allclose(ref.ap_per_class[c], aps, rtol=0, atol=1e-12)
        expected_mean = np.mean([brute[c] for c in brute], axis=0)
        np.testing.assert_allclose(fast.mAP, expected_mean, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", [123, 7])
def test_larger_random_case_with_many_overlaps(seed):
    """Long lists per (video, class): many ranks (pruning runs), shared candidates, chains."""
    rng = np.random.default_rng(seed)
    gt_rows, pred_rows = [], []
    for v in range(3):
        for _ in range(25):
            s = float(rng.integers(0, 60))
            gt_rows.append((f"v{v}", s, s + float(rng.integers(1, 10)), int(rng.integers(0, 2))))
        for _ in range(400):
            s = float(rng.integers(0, 60))
            pred_rows.append((f"v{v}", s, s + float(rng.integers(0, 10)), int(rng.integers(0, 3)),
                              float(rng.integers(0, 20)) / 20))
    thr = np.linspace(0.1, 0.9, 9)
    gt, pred = _frames(gt_rows, pred_rows)
    fast = evaluate_detection(gt, pred, thr, gt_dedup=False)
    brute = brute_force(gt_rows, pred_rows, thr)
    assert fast.num_ignored_predictions == sum(p[3] == 2 for p in pred_rows)
    for c, aps in brute.items():
        np.testing.assert_allclose(fast.ap_per_class[c], aps, rtol=0, atol=1e-12)


def test_benchmark_shaped_case_fast_equals_reference():
    """Continuous (off-grid) segments and scores, as in the benchmark generator."""
    from harness.bench.evaluator import RandomCase, make_case

    case = RandomCase("small", 12, 6, 150, 8.0, 2, tuple(np.linspace(0.3, 0.7, 5).tolist()), 1.0)
    gt, pred = make_case(case, seed=3)
    fast = evaluate_detection(gt, pred, case.thresholds)
    ref = evaluate_detection(gt, pred, case.thresholds, reference=True)
    assert fast.classes_in_mean == ref.classes_in_mean and fast.num_predictions == ref.num_predictions
    for c in fast.classes_in_mean:
        np.testing.assert_allclose(fast.ap_per_class[c], ref.ap_per_class[c], rtol=0, atol=1e-12)
    assert 0 < fast.average_mAP < 1
