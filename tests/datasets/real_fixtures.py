"""Tiny data roots in the exact layout and file formats of the paper's five datasets.

Each ``write_*`` function writes, under one data root, what ``datasets/README.md`` tells a
user to download (annotation JSON, one feature file per video, score files), at a few videos
and the real channel counts, with the quirks of the public files:

* THUMOS14: capitalised subsets, fps 30 / 29.97 / 25 per video, every CliffDiving GT also
  labelled Diving, ``video_test_0000270`` with GT past its end, same-start pairs of different
  labels; I3D ``.npy`` (2048), VideoMAEv2 ``.npy`` (1408), InternVideo2-6B
  ``<id>_spatial_feature.pt`` (3200, float16).
* MultiTHUMOS: 65 classes, dense overlapping multi-label GT, fps 30.0, one zero-length and one
  inverted segment; THUMOS's feature folders.
* EPIC-KITCHENS-100: ``.npz`` (key ``feats``, 2304), noun ids never used (empty classes).
* ActivityNet-1.3: ``v_<id>.npy`` (512) while JSON keys have no ``v_``, taxonomy / url /
  resolution keys, a training video whose features stop before its GT, a duplicated GT, the
  CUHK video-level score file.
* HACS: durations as strings, ``<subset>/`` folders, YouTube ids starting with ``-``,
  I3D ``.npy`` at 2 fps (2048) and SlowFast ``.pkl`` (dict of torch tensors 1×2048×T and
  1×256×T), a duplicated GT.

Feature lengths follow T = floor((duration·fps − clip)/stride) + 1. Problems for check-data
are injected afterwards (:func:`drop_feature`, :func:`shorten_feature`, :func:`add_gt_past_end`).
"""

from __future__ import annotations

import json
import pickle
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

THUMOS_CLASSES = (
    "BaseballPitch", "BasketballDunk", "Billiards", "CleanAndJerk", "CliffDiving", "CricketBowling",
    "CricketShot", "Diving", "FrisbeeCatch", "GolfSwing", "HammerThrow", "HighJump", "JavelinThrow",
    "LongJump", "PoleVault", "Shotput", "SoccerPenalty", "TennisSwing", "ThrowDiscus",
    "VolleyballSpiking",
)
MULTITHUMOS_EXTRA = tuple(f"Motion{i:02d}" for i in range(45))  # ids 20-64 (names unimportant)
ANET_CLASSES = tuple(f"Activity {i:03d}" for i in range(200))


@dataclass
class RealRoot:
    """One written data root: the annotation file, its database and how features are stored."""

    root: Path
    ann: Path
    db: dict
    feat_dir: Path
    fmt: str  # 'npy' | 'npz' | 'pt' | 'pkl'
    channels: int
    fps: float | None  # default fps (None: per video from the JSON)
    stride: float
    clip: float
    prefix: str = ""
    suffix: str = ""
    subset_dirs: bool = False
    extra: dict = field(default_factory=dict)

    def feature_file(self, vid: str) -> Path:
        folder = self.feat_dir / self.db[vid]["subset"].lower() if self.subset_dirs else self.feat_dir
        return folder / f"{self.prefix}{vid}{self.suffix}.{self.fmt}"

    def num_steps(self, vid: str) -> int:
        entry = self.db[vid]
        fps = self.fps if self.fps is not None else float(entry["fps"])
        return int((float(entry["duration"]) * fps - self.clip) // self.stride) + 1

    def write_ann(self) -> None:
        self.ann.parent.mkdir(parents=True, exist_ok=True)
        self.ann.write_text(json.dumps(self.extra.get("top", {}) | {"database": self.db}))

    def write_features(self, vid: str, steps: int | None = None, seed: int = 0) -> None:
        steps = self.num_steps(vid) if steps is None else steps
        rng = np.random.default_rng(zlib.crc32(f"{vid}/{seed}".encode()))
        arr = rng.standard_normal((steps, self.channels)).astype(np.float32)  # [T, C]
        write_feature_file(self.feature_file(vid), arr, self.fmt)

    def subset_ids(self, subset: str) -> list[str]:
        return [v for v, e in self.db.items() if e["subset"].lower() == subset]


def write_feature_file(path: Path, arr: np.ndarray, fmt: str) -> None:
    """T × C array in one of the real on-disk formats."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "npy":
        np.save(path, arr)
    elif fmt == "npz":
        np.savez(path, feats=arr)
    elif fmt == "pt":  # InternVideo2-6B: a float16 tensor T x C
        torch.save(torch.from_numpy(arr).half(), path)
    elif fmt == "pkl":  # TCANet SlowFast: slow 1 x 2048 x T, fast 1 x 256 x T torch tensors
        t = torch.from_numpy(arr.T.copy())[None]  # [1, C, T]
        with open(path, "wb") as f:
            pickle.dump({"slow_feature": t[:, :2048].clone(), "fast_feature": t[:, 2048:].clone()}, f)
    else:
        raise ValueError(fmt)


def _ann(names, label, start, end, **extra):
    return {"label": label, "label_id": names.index(label), "segment": [start, end], **extra}


def _finish(rr: RealRoot) -> RealRoot:
    rr.write_ann()
    for vid in rr.db:
        rr.write_features(vid)
    return rr


def thumos14_db() -> dict:
    """4 validation (training) and 4 test videos with the THUMOS quirks."""
    c = THUMOS_CLASSES

    def video(subset, fps, duration, anns):
        return {"subset": subset, "fps": fps, "duration": duration, "annotations": anns}

    return {
        "video_validation_0000051": video("Validation", 30.0, 14.0, [
            _ann(c, "BaseballPitch", 1.2, 3.5), _ann(c, "BaseballPitch", 7.0, 9.9)]),
        "video_validation_0000160": video("Validation", 29.97, 12.0, [
            _ann(c, "CliffDiving", 2.0, 4.6, **{"segment(frames)": [60, 138]}),
            _ann(c, "Diving", 2.0, 4.6), _ann(c, "CliffDiving", 8.1, 10.0), _ann(c, "Diving", 8.1, 10.0)]),
        "video_validation_0000364": video("Validation", 25.0, 11.0, [
            _ann(c, "HighJump", 0.5, 3.0), _ann(c, "LongJump", 5.0, 7.5),
            _ann(c, "PoleVault", 9.5, 11.4)]),  # tail past the end
        "video_validation_0000856": video("Validation", 30.0, 13.0, [
            _ann(c, "Shotput", 3.0, 5.0), _ann(c, "ThrowDiscus", 3.0, 6.0)]),  # same start, other label
        "video_test_0000004": video("Test", 30.0, 12.0, [
            _ann(c, "BaseballPitch", 2.0, 4.0), _ann(c, "HighJump", 7.0, 9.0)]),
        "video_test_0000270": video("Test", 30.0, 10.0, [
            _ann(c, "LongJump", 2.0, 4.0), _ann(c, "LongJump", 10.5, 12.0), _ann(c, "LongJump", 11.0, 13.0)]),
        "video_test_0000293": video("Test", 29.97, 12.5, [
            _ann(c, "CliffDiving", 1.0, 3.2), _ann(c, "Diving", 1.0, 3.2), _ann(c, "Shotput", 6.0, 8.0)]),
        "video_test_0001496": video("Test", 25.0, 11.0, [_ann(c, "PoleVault", 4.0, 6.5)]),
    }


THUMOS_FEATURES = {  # feature set -> (folder, format, channels, suffix)
    "i3d": ("i3d", "npy", 2048, ""),
    "videomaev2": ("videomaev2", "npy", 1408, ""),
    "internvideo2_6b": ("internvideo2_6b", "pt", 3200, "_spatial_feature"),
}


def write_thumos14(root: Path, feature_set: str = "i3d") -> RealRoot:
    """``<root>/thumos14/{annotations/thumos14.json, features/<set>/...}``."""
    folder, fmt, channels, suffix = THUMOS_FEATURES[feature_set]
    rr = RealRoot(root, root / "thumos14/annotations/thumos14.json", thumos14_db(),
                  root / "thumos14/features" / folder, fmt, channels, None, 4, 16, suffix=suffix,
                  extra={"top": {"version": "Thumos14-30fps"}})
    return _finish(rr)


def write_multithumos(root: Path, feature_set: str = "i3d") -> RealRoot:
    """``<root>/multithumos/annotations/multithumos.json`` + THUMOS's feature folder."""
    names = THUMOS_CLASSES + MULTITHUMOS_EXTRA
    db = {}
    for vid, entry in thumos14_db().items():
        anns = [dict(a) for a in entry["annotations"]]
        for k, (lo, hi) in enumerate(((0.5, 6.0), (1.0, 2.0), (4.0, 9.0), (5.5, 5.8))):
            label = names[20 + (k * 7 + len(vid)) % 45]  # dense, overlapping, multi-label
            anns.append({"label": label, "label_id": names.index(label), "segment": [lo, hi]})
        db[vid] = {"subset": entry["subset"], "fps": 30.0, "duration": entry["duration"], "annotations": anns}
    db["video_validation_0000051"]["annotations"].append(  # zero-length and inverted rows
        {"label": names[30], "label_id": 30, "segment": [3.0, 3.0]})
    db["video_test_0000004"]["annotations"].append({"label": names[31], "label_id": 31, "segment": [5.0, 4.5]})
    folder, fmt, channels, suffix = THUMOS_FEATURES[feature_set]
    rr = RealRoot(root, root / "multithumos/annotations/multithumos.json", db,
                  root / "thumos14/features" / folder, fmt, channels, 30.0, 4, 16, suffix=suffix,
                  extra={"top": {"version": "MultiThumos-30fps"}})
    return _finish(rr)


def write_epic100(root: Path, kind: str = "noun") -> RealRoot:
    """``<root>/epic100/{annotations/epic_kitchens_100_<kind>.json, features/slowfast/<id>.npz}``."""
    n = 300 if kind == "noun" else 97
    used = (0, 3, 7, 12) if kind == "noun" else (0, 1, 2, 5)
    names = [f"{kind}_{i:03d}" for i in range(n)]

    def anns(pairs):
        return [{"label": names[i], "label_id": i, "segment": [s, e]} for i, s, e in pairs]

    db = {
        "P01_01": {"subset": "training", "duration": 24.0, "annotations": anns(
            [(used[0], 1.0, 4.0), (used[1], 3.5, 5.0), (used[2], 10.0, 12.0)])},
        "P01_02": {"subset": "training", "duration": 20.0, "annotations": anns(
            [(used[1], 2.0, 3.0), (used[3], 8.0, 14.0)])},
        "P01_11": {"subset": "validation", "duration": 22.0, "annotations": anns(
            [(used[0], 2.0, 6.0), (used[3], 9.0, 12.0)])},
        "P02_109": {"subset": "validation", "duration": 18.0, "annotations": anns([(used[2], 4.0, 7.0)])},
    }
    rr = RealRoot(root, root / f"epic100/annotations/epic_kitchens_100_{kind}.json", db,
                  root / "epic100/features/slowfast", "npz", 2304, 30.0, 16, 32,
                  extra={"used": used, "num_classes": n})
    return _finish(rr)


def write_anet13(root: Path) -> RealRoot:
    """``<root>/anet13/{annotations/anet1.3_tsp_filtered.json + cuhk_val_simp_share.json,
    features/tsp/v_<id>.npy}``."""
    c = ANET_CLASSES

    def video(subset, duration, anns):
        return {"subset": subset, "duration": duration, "resolution": "1280x720",
                "url": "https://www.youtube.com/watch?v=x", "annotations": anns}

    db = {
        "--1DO2V4K74": video("training", 40.0, [_ann(c, c[3], 5.0, 20.0), _ann(c, c[3], 5.0, 20.0)]),
        "-0CB8ZHzTUU": video("training", 36.0, [_ann(c, c[17], 2.0, 12.0), _ann(c, c[17], 20.0, 34.0)]),
        "0AjYz-s4Rek": video("training", 44.0, [_ann(c, c[42], 10.0, 30.0), _ann(c, c[42], 38.0, 43.0)]),
        "sJFgo9H6zNo": video("validation", 38.0, [_ann(c, c[3], 4.0, 18.0)]),
        "V1zhqaGFY2A": video("validation", 42.0, [_ann(c, c[17], 6.0, 30.0), _ann(c, c[42], 31.0, 40.0)]),
    }
    rr = RealRoot(root, root / "anet13/annotations/anet1.3_tsp_filtered.json", db,
                  root / "anet13/features/tsp", "npy", 512, 15.0, 16, 16, prefix="v_",
                  extra={"top": {"version": "VERSION 1.3", "taxonomy": [{"nodeName": n} for n in c[:3]]}})
    _finish(rr)
    rr.write_features("0AjYz-s4Rek", steps=rr.num_steps("0AjYz-s4Rek") - 8)  # missing frames at the end
    rng = np.random.default_rng(0)
    scores = {}
    for vid, entry in db.items():
        vec = rng.uniform(0, 0.05, len(c))
        for a in entry["annotations"]:
            vec[a["label_id"]] = 0.9
        scores[vid] = vec.round(6).tolist()
    path = root / "anet13/annotations/cuhk_val_simp_share.json"
    path.write_text(json.dumps({"results": scores, "class": list(c)}))
    rr.extra["scores"] = path
    return rr


HACS_FEATURES = {  # feature set -> (annotation file, folder, format, channels, fps, stride, clip)
    "i3d": ("HACS_segments_v1.1.1.json", "i3d", "npy", 2048, 2.0, 1, 1),
    "slowfast": ("HACS_segments_v1.1.1_slowfast.json", "slowfast", "pkl", 2304, 15.0, 8, 32),
}


def write_hacs(root: Path, feature_set: str = "i3d") -> RealRoot:
    """``<root>/hacs/{annotations/<json>, features/<set>/{training,validation}/<id>.<ext>}``."""
    ann_name, folder, fmt, channels, fps, stride, clip = HACS_FEATURES[feature_set]
    c = ANET_CLASSES

    def video(subset, duration, anns):
        return {"subset": subset, "duration": f"{duration:.2f}", "url": "https://youtu.be/x",
                "annotations": anns}

    db = {
        "-0ht0vKQp0U": video("training", 32.0, [_ann(c, c[10], 3.0, 15.0), _ann(c, c[10], 3.0, 15.0004)]),
        "-5KRyzJfaMU": video("training", 28.0, [_ann(c, c[25], 1.5, 9.0), _ann(c, c[26], 12.0, 27.0)]),
        "0a1lJ0oSfhA": video("training", 30.0, [_ann(c, c[10], 6.0, 25.0)]),
        "-1IlTIWPNs4": video("validation", 34.0, [_ann(c, c[10], 4.0, 20.0), _ann(c, c[26], 22.0, 33.0)]),
        "Zu0mZZ8UCqo": video("validation", 26.0, [_ann(c, c[25], 2.0, 11.0)]),
    }
    rr = RealRoot(root, root / "hacs/annotations" / ann_name, db, root / "hacs/features" / folder,
                  fmt, channels, fps, stride, clip, subset_dirs=True,
                  extra={"top": {"version": "HACS Segments v1.1.1"}})
    return _finish(rr)


# -- injected problems (for check-data) ------------------------------------------------------

def drop_feature(rr: RealRoot, vid: str) -> None:
    """Delete one video's feature file (a missing download)."""
    rr.feature_file(vid).unlink()


def shorten_feature(rr: RealRoot, vid: str) -> None:
    """Rewrite one video's features at half their length (a truncated extraction)."""
    rr.write_features(vid, steps=max(1, rr.num_steps(vid) // 2), seed=1)


def add_gt_past_end(rr: RealRoot, vid: str) -> None:
    """Append a GT that starts after the video's end (an out-of-range annotation)."""
    entry = rr.db[vid]
    first = entry["annotations"][0]
    duration = float(entry["duration"])
    entry["annotations"].append({**first, "segment": [duration + 2.0, duration + 5.0]})
    rr.write_ann()
