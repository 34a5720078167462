"""Features of real shape carrying class signal along real ground truth.

Length: T = floor((covered · duration · fps − clip) / stride) + 1 − d, with d ∈ {0, 1}
drawn per video (real extractions end a step early or so; ``check-data`` tolerates
clip/stride + 1 steps), ``covered`` the fraction of the video the features cover (ActivityNet:
BSN's ``feature_frame / duration_frame``, the real "features stop before the end" quirk; 1
elsewhere). GT past the end of the features stay in the annotation file, as in the real ones.

Signal: the synthetic benchmark's model (:mod:`datasets.synthetic.signal`): AR(1) + drift
background, and for every GT of class k over grid [s, e] a class body in the first C/2
channels ("appearance": the I3D-RGB half), onset / offset patterns in the second half and a
shared actionness direction, at the ``mid`` quality amplitude. Positions use the real mapping
grid = (t · fps − clip / 2) / stride. Rendering is windowed around each GT, so long videos
with many GT stay cheap.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace

import numpy as np

from datasets.real.specs import FeatureSet
from datasets.synthetic import signal
from datasets.synthetic.presets import get_quality

QUALITY = get_quality("mid")
RAMP_FRACTION = QUALITY.ramp  # ramp widths ~ U[1, 0.1·L] steps


def rng_for(seed: int, *keys: str) -> np.random.Generator:
    """An independent generator per (seed, keys): SHA-256 of the joined keys."""
    digest = hashlib.sha256("|".join(["rehearse", str(int(seed)), *keys]).encode()).digest()
    return np.random.default_rng(np.random.SeedSequence(int.from_bytes(digest[:16], "little")))


def num_steps(duration: float, fps: float, fs: FeatureSet, covered: float = 1.0, early: int = 0) -> int:
    """Feature steps of one video (at least 1)."""
    frames = covered * float(duration) * float(fps)
    return max(1, math.floor((frames - fs.clip) / fs.stride) + 1 - int(early))


def prototypes(seed: int, dataset: str, fs: FeatureSet, num_classes: int) -> signal.Prototypes:
    """Class prototypes [K, C] of one (dataset, feature set)."""
    return signal.make_prototypes(rng_for(seed, dataset, fs.name, "prototypes"), num_classes,
                                  fs.channels, (), 0.0)


def render_video(
    rng: np.random.Generator, length: int, fs: FeatureSet, fps: float,
    groups: list[tuple[list[dict], signal.Prototypes]],
) -> np.ndarray:
    """[T, C] float32 features of one video.

    Args:
        rng: the video's generator.
        length: T.
        fs: the feature set (grid and channels).
        fps: the video's feature fps.
        groups: (GT ``{label_id, segment}`` in seconds, class prototypes) per label space
            (EPIC renders its verb and its noun GT into the same features); label ids outside
            the prototypes are not rendered.
    """
    feats = signal.background(rng, length, fs.channels)  # [T, C] float64
    for gt, protos in groups:
        _render_group(rng, feats, fs, fps, gt, protos)
    return feats.astype(np.float32)


def _render_group(rng, feats: np.ndarray, fs: FeatureSet, fps: float, annotations, protos) -> None:
    length, max_label = feats.shape[0], protos.body.shape[0]
    half = 0.5 * fs.clip
    for a in annotations:
        k = int(a["label_id"])
        lo, hi = (float(x) for x in a["segment"])
        s, e = (lo * fps - half) / fs.stride, (hi * fps - half) / fs.stride
        if k >= max_label or e < s or s >= length or e < 0:
            rng.uniform(size=3)  # keep the draws of later GT independent of this one
            continue
        u = rng.uniform(size=3)
        top = max(1.0, RAMP_FRACTION * max(e - s, 1.0))
        ev = signal.Event("action", k, s, e, 0.75 + 0.5 * u[0], 1.0 + u[1] * (top - 1.0), 1.0 + u[2] * (top - 1.0))
        pad = int(4 * max(ev.ramp_on, ev.ramp_off)) + 8
        w0, w1 = max(0, int(s) - pad), min(length, int(math.ceil(e)) + pad + 1)
        window = feats[w0:w1]  # a view: render adds in place
        signal.render(window, replace(ev, start=s - w0, end=e - w0), protos, QUALITY.amplitude)


def write_feature(path, arr: np.ndarray, fmt: str) -> int:
    """Write a T x C array in the real format; returns the bytes written.

    ``npy``: float32 T x C; ``npz``: key ``feats``; ``pt``: a float16 torch tensor T x C
    (InternVideo2-6B)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        if fmt == "npy":
            np.save(f, arr)
        elif fmt == "npz":
            np.savez(f, feats=arr)
        elif fmt == "pt":
            import torch  # only for .pt files: keeps torch out of the start-up of npy/npz writers

            torch.save(torch.from_numpy(arr).half(), f)
        else:
            raise ValueError(f"unknown feature format {fmt!r}")
    tmp.replace(path)
    return path.stat().st_size


def bytes_per_step(fs: FeatureSet) -> int:
    """On-disk bytes per feature step (float16 for ``pt``, float32 otherwise)."""
    return fs.channels * (2 if fs.fmt == "pt" else 4)
