"""NMS speed: the official ``large_5000_20cls`` case and a THUMOS-size video.

The official C++ extension needs 3.8 ms (median) for ``large_5000_20cls`` on a 2-core
machine (tests/golden/reference/README.md §E). The harness's vectorised port must keep a
THUMOS-size video (about 12,000 pre-NMS candidates over 20 classes: top-2000 per level of
a 2304-step pyramid) far below the 0.3 s per-video inference budget.
"""

from __future__ import annotations

from pathlib import Path

NAME = "nms"
DESCRIPTION = "Soft-NMS / hard NMS port: official 5,000-candidate case and THUMOS-size videos"

GOLDEN = Path(__file__).resolve().parents[2] / "tests" / "golden" / "reference" / "nms_cases.pt"
THUMOS_TARGET_S = 0.1  # a third of the per-video inference budget


def pyramid_candidates(seed: int, skewed: bool, length: int = 2304, num_classes: int = 20):
    """Pre-NMS candidates shaped like a video of ``length`` steps through a 6-level pyramid.

    Per level l (stride 2^l): sigmoid scores for every (point, class), keep > 0.001, top
    2000, segments [t - a·s, t + b·s] with a, b ~ U(0, 4). THUMOS: 2304 steps, 20 classes
    (~11,300 candidates); TriDet ActivityNet: 768 steps, 1 class. ``skewed`` makes two
    classes dominant, as in a real video with one or two actions.

    Returns:
        (segments float32 [N, 2] grid units, scores float32 [N], labels int64 [N]).
    """
    import numpy as np
    import torch

    rng = np.random.default_rng(seed)
    bias = np.full(num_classes, -5.0 if num_classes > 1 else -2.0)
    if skewed:
        bias[rng.choice(num_classes, 2, replace=False)] = [-1.0, -2.0]
    segs, scores, labels = [], [], []
    for level in range(6):
        stride, length_l = 2**level, length // 2**level
        prob = 1 / (1 + np.exp(-rng.normal(bias, 1.5, size=(length_l, num_classes)))).reshape(-1)
        idx = np.nonzero(prob > 0.001)[0]
        idx = idx[np.argsort(-prob[idx], kind="stable")[:2000]]  # [n] point-major indices
        t = (idx // num_classes) * stride
        off = rng.uniform(0, 4, (idx.size, 2)) * stride
        segs.append(np.stack([t - off[:, 0], t + off[:, 1]], 1))
        scores.append(prob[idx])
        labels.append(idx % num_classes)
    return (torch.from_numpy(np.concatenate(segs).astype(np.float32)),
            torch.from_numpy(np.concatenate(scores).astype(np.float32)),
            torch.from_numpy(np.concatenate(labels).astype(np.int64)))


def _row(
    case: str, metric: str, value: float, unit: str, *, target: str | None = None,
    ok: bool | None = None, note: str | None = None,
) -> dict:
    """One result row in the format of :mod:`harness.bench` (optional keys only when set)."""
    row = {"benchmark": NAME, "case": case, "metric": metric, "value": value, "unit": unit}
    extra = {"target": target, "ok": ok, "note": note}
    return row | {k: v for k, v in extra.items() if v is not None}


def _golden_rows(repeats: int) -> list[dict]:
    import torch

    from harness.bench import median_time
    from models.postprocess import batched_nms

    if not GOLDEN.is_file():
        return [_row("large_5000_20cls", "median_time", float("nan"), "s", note="missing golden")]
    case = next(c for c in torch.load(GOLDEN)["cases"] if c["name"] == "large_5000_20cls")
    i, exp = case["inputs"], case["expected"]
    def fn():
        return batched_nms(i["segments"], i["scores"], i["labels"], **case["args"])
    got = fn()
    diff = float((got.scores - exp["scores"]).abs().max()) if len(got) == len(exp["scores"]) else 1.0
    official = case["official_wall_time_s"]["median"]
    t = median_time(fn, repeats=repeats, warmup=1)
    return [
        _row("large_5000_20cls", "median_time", t, "s", note=f"official C++ {official * 1e3:.2f} ms"),
        _row("large_5000_20cls", "max_score_diff", diff, "abs", target="<= 1e-6", ok=diff <= 1e-6),
    ]


def run(quick: bool) -> list[dict]:
    from harness.bench import median_time
    from models.postprocess import batched_nms, postprocess_video

    repeats = 3 if quick else 15
    rows = _golden_rows(repeats)
    meta = dict(video_id="bench", fps=30.0, duration=310.0, feat_stride=4, feat_num_frames=16)
    cfg = dict(iou_threshold=0.1, min_score=0.001, max_seg_num=200, nms_sigma=0.5,
               multiclass_nms=True, voting_thresh=0.7)
    for skewed in (False, True):
        segs, scores, labels = pyramid_candidates(seed=0, skewed=skewed)
        case = f"thumos_{scores.numel()}_{'skewed' if skewed else 'uniform'}"
        for method in ("soft", "hard"):
            def fn(m=method, c=(segs, scores, labels)):
                return postprocess_video(*c, meta=meta, nms_method=m, **cfg)
            t = median_time(fn, repeats=repeats, warmup=1)
            rows.append(_row(case, f"postprocess_{method}", t, "s", target=f"<= {THUMOS_TARGET_S}",
                             ok=t <= THUMOS_TARGET_S))
    segs, scores, labels = pyramid_candidates(seed=1, skewed=False, length=768, num_classes=1)
    t = median_time(lambda: batched_nms(
        segs, scores, labels, iou_threshold=0.1, min_score=0.001, max_seg_num=100, sigma=0.75,
        multiclass=False, voting_thresh=0.95), repeats=repeats, warmup=1)
    rows.append(_row(f"anet_{scores.numel()}_agnostic", "soft_nms_voting", t, "s",
                     note="ActivityNet settings: class-agnostic, 100 kept, voting"))
    return rows
