"""Calibration baselines of the synthetic benchmark: the oracle and the trivial detector.

- Oracle: the test GT mapped to the feature grid and back, score 1. Must give exactly
  100 mAP at every threshold (checks the time mapping and the evaluator together).
- Trivial (spec §7): per-step multinomial logistic regression over K+1 classes
  (background last) on a 3-step moving average of the standardised features, trained on
  ``training``; on ``validation`` every run of ≥ 2 consecutive steps with p_k > 0.5
  becomes a segment of class k scored by its mean p_k; no NMS. Deterministic (full-batch
  L-BFGS from zeros).

Both read only the on-disk format (annotations.json, features/, manifest.json); the harness
scores them (``python -m harness trivial-baseline``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.ndimage import uniform_filter1d
from scipy.optimize import minimize
from scipy.special import log_softmax

from datasets.annotations import VideoAnnotation, label_map, load_annotations
from harness.errors import DataError
from harness.io import loads_json

L2 = 1e-3  # weight decay of the logistic regression (on the mean loss)
MAX_ITER = 300


@dataclass(frozen=True)
class Grid:
    """The feature grid of a dataset (from its manifest)."""

    feat_stride: float
    num_frames: float

    def to_grid(self, t: np.ndarray, fps: float) -> np.ndarray:
        return (t * fps - 0.5 * self.num_frames) / self.feat_stride

    def to_seconds(self, g: np.ndarray, fps: float, duration: float) -> np.ndarray:
        return np.clip((g * self.feat_stride + 0.5 * self.num_frames) / fps, 0.0, duration)


@dataclass(frozen=True)
class SyntheticData:
    """A loaded synthetic dataset: videos by subset, label map, grid, thresholds."""

    root: Path
    manifest: dict
    videos: tuple[VideoAnnotation, ...]
    labels: dict[str, int]
    grid: Grid
    tiou_thresholds: tuple[float, ...]

    def subset(self, name: str) -> list[VideoAnnotation]:
        return [v for v in self.videos if v.subset == name]

    def features(self, video_id: str) -> np.ndarray:
        """[T, C] float64."""
        return np.load(self.root / "features" / f"{video_id}.npy").astype(np.float64)


def load(root: str | Path) -> SyntheticData:
    """Read a dataset written by :mod:`datasets.synthetic.generator`."""
    root = Path(root)
    mf = root / "manifest.json"
    if not mf.is_file():
        raise DataError(f"{root}: no manifest.json (not a synthetic dataset; run make-data first)")
    manifest = loads_json(mf.read_text(encoding="utf-8"))
    videos = load_annotations(root / "annotations.json")
    return SyntheticData(
        root, manifest, tuple(videos), label_map(videos, str(root / "annotations.json")),
        Grid(float(manifest["feat_stride"]), float(manifest["num_frames"])),
        tuple(float(x) for x in manifest["tiou_thresholds"]),
    )


def oracle_predictions(data: SyntheticData, subset: str = "validation") -> pd.DataFrame:
    """GT mapped to the grid and back, score 1."""
    rows = []
    for v in data.subset(subset):
        fps = v.fps or 30.0
        back = data.grid.to_seconds(data.grid.to_grid(v.segments, fps), fps, v.duration)  # [N, 2]
        rows += [(v.video_id, float(s), float(e), int(k), 1.0) for (s, e), k in zip(back, v.label_ids)]
    return pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label", "score"])


def step_inputs(data: SyntheticData, video: VideoAnnotation) -> np.ndarray:
    """3-step moving average of the features (edges repeat the end values): [T, C]."""
    return uniform_filter1d(data.features(video.video_id), size=3, axis=0, mode="nearest")  # [T, C]


def step_targets(data: SyntheticData, video: VideoAnnotation, length: int, num_classes: int) -> np.ndarray:
    """Per-step class: the shortest GT whose interval covers the step centre (ties: the
    higher id); background = K. Returns [T] int64."""
    y = np.full(length, num_classes, dtype=np.int64)
    best = np.full(length, np.inf)
    seg = data.grid.to_grid(video.segments, video.fps or 30.0)  # [N, 2] grid units
    t = np.arange(length)
    for (s, e), k in zip(seg, video.label_ids):
        inside = (t >= s) & (t <= e)
        better = inside & (((e - s) < best) | (((e - s) == best) & (k > y)))
        y[better], best[better] = k, e - s
    return y


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b without BLAS threads: for these skinny products, multi-threaded BLAS on
    busy shared cores was measured 10x slower than one thread (np.einsum stays in C)."""
    return np.einsum("ij,jk->ik", a, b)


def fit_logistic(x: np.ndarray, y: np.ndarray, num_out: int) -> np.ndarray:
    """Multinomial logistic regression, full batch L-BFGS from zeros.

    Args:
        x: [N, D] inputs (a bias column is added here).
        y: [N] targets in [0, num_out).
        num_out: classes.

    Returns:
        [D + 1, num_out] weights (last row = bias).
    """
    xb = np.hstack([x, np.ones((len(x), 1))])  # [N, D+1]
    onehot = np.eye(num_out)[y]  # [N, K+1]
    n, d = xb.shape

    def loss_grad(w_flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = w_flat.reshape(d, num_out)
        logp = log_softmax(_matmul(xb, w), axis=1)  # [N, K+1]
        reg = np.vstack([w[:-1], np.zeros((1, num_out))])  # no decay on the bias
        loss = -(onehot * logp).sum() / n + 0.5 * L2 * (reg**2).sum()
        grad = _matmul(xb.T, np.exp(logp) - onehot) / n + L2 * reg  # [D+1, K+1]
        return float(loss), grad.ravel()

    res = minimize(loss_grad, np.zeros(d * num_out), jac=True, method="L-BFGS-B",
                   options={"maxiter": MAX_ITER})
    return res.x.reshape(d, num_out)


def runs_to_segments(prob: np.ndarray, threshold: float = 0.5, min_len: int = 2) -> list[tuple[int, int, float]]:
    """Runs of ``prob > threshold`` of at least ``min_len`` steps.

    Args:
        prob: [T] probabilities of one class.

    Returns:
        (first step, last step, mean prob) per run, in time order.
    """
    above = np.concatenate([[False], prob > threshold, [False]])
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    out = []
    for a, b in zip(edges[::2], edges[1::2]):  # run = steps [a, b)
        if b - a >= min_len:
            out.append((int(a), int(b - 1), float(prob[a:b].mean())))
    return out


def trivial_predictions(data: SyntheticData) -> tuple[pd.DataFrame, dict]:
    """Train on ``training``, predict ``validation``.

    Returns:
        (predictions with video_id, t_start, t_end, label, score; info dict with the
        per-step accuracy on validation and the training size).
    """
    k = int(data.manifest["num_classes"])  # the file may lack some classes
    train = data.subset("training")
    xs = [step_inputs(data, v) for v in train]
    ys = [step_targets(data, v, len(x), k) for v, x in zip(train, xs)]
    x_all = np.concatenate(xs)  # [N, C]
    mean, std = x_all.mean(0), x_all.std(0) + 1e-8
    w = fit_logistic((x_all - mean) / std, np.concatenate(ys), k + 1)  # [C+1, K+1]
    rows, correct, steps = [], 0, 0
    for v in data.subset("validation"):
        x = (step_inputs(data, v) - mean) / std  # [T, C]
        logits = _matmul(np.hstack([x, np.ones((len(x), 1))]), w)  # [T, K+1]
        prob = np.exp(log_softmax(logits, axis=1))  # [T, K+1]
        y = step_targets(data, v, len(x), k)
        correct, steps = correct + int((prob.argmax(1) == y).sum()), steps + len(y)
        fps = v.fps or 30.0
        for c in range(k):
            for a, b, score in runs_to_segments(prob[:, c]):
                s, e = data.grid.to_seconds(np.array([a - 0.5, b + 0.5]), fps, v.duration)
                rows.append((v.video_id, float(s), float(e), c, score))
    preds = pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label", "score"])
    info = {"val_step_accuracy": correct / max(steps, 1), "train_steps": int(len(x_all))}
    return preds, info
