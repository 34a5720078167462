"""Generate a synthetic TAL dataset in the real on-disk format.

``write_dataset(SyntheticSpec(...), out)`` writes ``out/annotations.json``,
``out/features/<video_id>.npy`` (T x C float32), ``out/video_scores.json`` (anet-like)
and ``out/manifest.json`` (last). The bytes depend only on (preset, quality, seed,
generator_version) and the optional video-count overrides.

Random streams: one dataset-level stream (prototypes, co-occurrence, video scores) and,
per video, three streams (layout, background noise, clutter), all derived from a hash of
(preset, seed, generator_version) — the quality level is deliberately not part of the
seed, so the levels of one seed share layout and noise and differ in signal only.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from datasets.synthetic import layout, signal
from datasets.synthetic.presets import (
    FEAT_STRIDE,
    FPS,
    GENERATOR_VERSION,
    NUM_FRAMES,
    Preset,
    QualityLevel,
    class_names,
    get_preset,
    get_quality,
)
from datasets.synthetic.scores import video_scores
from datasets.synthetic.storage import (
    MANIFEST,
    changed_files,
    describe,
    folder_lock,
    foreign_entries,
    identity,
    is_empty_dir,
    listing,
    new_temp_dir,
    publish,
    read_manifest,
)
from datasets.synthetic.timeline import load_timeline
from harness.errors import DataError
from harness.io import atomic_write_json

LABEL_JITTER = 0.05  # training labels: start/end += N(0, (0.05·L)^2)
SUBSETS = ("training", "validation")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate. ``num_train`` / ``num_test`` None → the preset's counts."""

    preset: str
    quality: str = "mid"
    seed: int = 0
    num_train: int | None = None
    num_test: int | None = None

    def resolved(self) -> tuple[Preset, QualityLevel, int, int]:
        p, q = get_preset(self.preset), get_quality(self.quality)
        n_train = p.num_train if self.num_train is None else int(self.num_train)
        n_test = p.num_test if self.num_test is None else int(self.num_test)
        if n_train < 1 or n_test < 1:
            raise DataError(f"synthetic {self.preset}: need at least one video per subset")
        if p.timeline is not None and (n_train > p.num_train or n_test > p.num_test):
            raise DataError(f"synthetic {self.preset}: the real timeline has {p.num_train} training "
                            f"and {p.num_test} validation videos")
        return p, q, n_train, n_test

    def identity(self) -> dict:
        _, _, n_train, n_test = self.resolved()
        return dict(preset=self.preset, quality=self.quality, seed=int(self.seed),
                    generator_version=GENERATOR_VERSION, num_train=n_train, num_test=n_test)


@dataclass(frozen=True)
class VideoData:
    """One generated video: features [T, C] float32 and annotations in seconds."""

    video_id: str
    subset: str
    feats: np.ndarray
    duration: float
    annotations: tuple[tuple[int, float, float], ...]  # (label_id, start_s, end_s)
    source_video: str | None = None  # timeline presets: the real video it follows


def grid_to_seconds(grid: float) -> float:
    """Inverse time mapping t = (grid·stride + num_frames/2)/fps, rounded to 1 ms."""
    return round((grid * FEAT_STRIDE + 0.5 * NUM_FRAMES) / FPS, 3)


def seconds_to_grid(t: float) -> float:
    return (t * FPS - 0.5 * NUM_FRAMES) / FEAT_STRIDE


def _entropy(spec: SyntheticSpec) -> int:
    key = f"tal-harness-synthetic|{spec.preset}|{int(spec.seed)}|v{GENERATOR_VERSION}"
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:16], "little")


def _rng(entropy: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=key))


def _on_grid(g: float, length: int) -> float:
    """The grid position that 1-ms-rounded seconds of ``g`` map back to, kept within
    [0, T - 1] (the upper clamp stops rounding from pushing an end past the last step)."""
    return seconds_to_grid(grid_to_seconds(min(g, length - 1.0 - 0.005)))


def _snap(ev: signal.Event, length: int) -> signal.Event:
    return replace(ev, start=_on_grid(ev.start, length), end=_on_grid(ev.end, length))


def _jitter(rng: np.random.Generator, start: float, end: float, length: int) -> tuple[float, float]:
    """Training-label jitter (2 draws always); falls back to the exact interval if degenerate."""
    d = rng.standard_normal(2) * LABEL_JITTER * (end - start)
    s, e = max(0.0, start + d[0]), min(length - 1.0, end + d[1])
    return (s, e) if e - s >= 1.0 else (start, end)


def generate_video(
    spec: SyntheticSpec, protos: signal.Prototypes, cooc: np.ndarray | None,
    subset_index: int, index: int,
) -> VideoData:
    """Render one video of subset ``SUBSETS[subset_index]``."""
    preset, quality, _, _ = spec.resolved()
    ent = _entropy(spec)
    rng_layout, rng_noise, rng_clutter = (_rng(ent, 1, subset_index, index, s) for s in range(3))
    source = None
    if preset.timeline is not None:  # the real videos, durations and GT (timeline.py)
        source = load_timeline(preset.timeline)[subset_index][index]
        length = max(2, int((source.duration * FPS - NUM_FRAMES) // FEAT_STRIDE) + 1)
        planted = layout.timeline_actions(rng_layout, source.annotations, length, preset, quality,
                                          seconds_to_grid)
    else:
        length = layout.video_length(rng_layout, preset)
        planted = layout.sample_actions(rng_layout, length, preset, quality, cooc)
    feats = signal.background(rng_noise, length, preset.input_dim)  # [T, C]
    for ev in layout.sample_clutter(rng_clutter, length, preset, quality, preset.input_dim):
        signal.render(feats, ev, protos, quality.amplitude)
    annotations = []
    for p in planted:
        ev = _snap(p.event, length)
        signal.render(feats, ev, protos, quality.amplitude)
        s, e = _jitter(rng_layout, ev.start, ev.end, length)
        if subset_index != 0:  # test labels are exact
            s, e = ev.start, ev.end
        s, e = _on_grid(s, length), _on_grid(e, length)
        annotations += [(lab, grid_to_seconds(s), grid_to_seconds(e)) for lab in p.labels]
    subset = SUBSETS[subset_index]
    duration = round(((length - 1) * FEAT_STRIDE + NUM_FRAMES) / FPS, 3)
    return VideoData(f"video_{subset}_{index:04d}", subset, feats.astype(np.float32),
                     duration, tuple(annotations), None if source is None else source.source_id)


def dataset_level(spec: SyntheticSpec) -> tuple[signal.Prototypes, np.ndarray | None]:
    """Prototypes [K, C] and, for the dense layout, the parent → child co-occurrence [P, K-P]."""
    preset, quality, _, _ = spec.resolved()
    rng = _rng(_entropy(spec), 0)
    protos = signal.make_prototypes(rng, preset.num_classes, preset.input_dim,
                                    preset.confusable_pairs, quality.confusable_cos)
    cooc = None
    if preset.layout == "dense":
        n_child = preset.num_classes - preset.parent_classes
        cooc = rng.dirichlet(np.full(n_child, 0.3), size=preset.parent_classes)  # [P, K-P]
    return protos, cooc


def _npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _write(folder: Path, rel: str, data: bytes, files: dict) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    files[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _json_bytes(obj: object) -> bytes:
    return (json.dumps(obj, indent=1) + "\n").encode("utf-8")


def build(spec: SyntheticSpec, folder: Path, progress: Progress | None = None) -> dict:
    """Write the whole dataset into the existing empty ``folder``; return the manifest."""
    preset, quality, n_train, n_test = spec.resolved()
    names = class_names(preset)
    protos, cooc = dataset_level(spec)
    files: dict[str, dict] = {}
    database, test_classes = {}, {}
    total, done = n_train + n_test, 0
    for subset_index, count in enumerate((n_train, n_test)):
        for i in range(count):
            v = generate_video(spec, protos, cooc, subset_index, i)
            _write(folder, f"features/{v.video_id}.npy", _npy_bytes(v.feats), files)
            database[v.video_id] = {
                "subset": v.subset, "duration": v.duration, "fps": FPS,
                "feature_steps": int(v.feats.shape[0]),
                **({"source_video": v.source_video} if v.source_video else {}),
                "annotations": [{"label": names[k], "label_id": k, "segment": [s, e]}
                                for k, s, e in v.annotations],
            }
            if subset_index == 1 and v.annotations:
                test_classes[v.video_id] = v.annotations[0][0]
            done += 1
            if progress is not None:
                progress(done, total)
    version = f"Synthetic-{preset.name}-v{GENERATOR_VERSION}"
    _write(folder, "annotations.json", _json_bytes({"version": version, "database": database}), files)
    if preset.video_scores:
        scores = video_scores(_rng(_entropy(spec), 2), test_classes, preset.num_classes)
        _write(folder, "video_scores.json", _json_bytes({"results": scores, "class": names}), files)
    manifest = _manifest(spec, preset, quality, names, database, files)
    atomic_write_json(folder / MANIFEST, manifest, indent=1)
    return manifest


def _manifest(
    spec: SyntheticSpec, preset: Preset, quality: QualityLevel, names: list[str],
    database: dict, files: dict,
) -> dict:
    """Identity (compared before reuse), description, knobs and per-file SHA-256."""
    n_gt = {s: sum(len(v["annotations"]) for v in database.values() if v["subset"] == s) for s in SUBSETS}
    return {
        **spec.identity(),
        "format": "tal-harness synthetic TAL dataset",
        "annotation_version": f"Synthetic-{preset.name}-v{GENERATOR_VERSION}",
        "subsets": {"train": "training", "test": "validation"},
        "input_dim": preset.input_dim, "num_classes": preset.num_classes, "classes": names,
        "fps": FPS, "feat_stride": FEAT_STRIDE, "num_frames": NUM_FRAMES,
        "tiou_thresholds": list(preset.tiou_thresholds),
        "appearance_channels": [0, preset.input_dim // 2],
        "gt_count": n_gt, "feature_steps": sum(v["feature_steps"] for v in database.values()),
        "preset_knobs": preset.to_json(), "quality_knobs": vars(quality).copy(),
        "numpy_version": np.__version__,
        "files": dict(sorted(files.items())),
    }


def write_dataset(
    spec: SyntheticSpec, out: str | Path, *, force: bool = False, progress: Progress | None = None
) -> tuple[str, dict]:
    """Generate ``spec`` into ``out`` atomically, under an inter-process lock.

    Returns:
        (status, manifest) with status ``exists`` (the same dataset is already there and
        complete: nothing written), ``created`` or ``replaced`` (with ``force``).

    Raises:
        DataError: ``out`` holds something else (another dataset, foreign files, an
            incomplete copy) and ``force`` is False.
    """
    out = Path(out)
    want = spec.identity()
    if out.exists() and not out.is_dir():
        raise DataError(f"{out}: is a file, not a folder; choose another folder for the dataset")
    if any(p.is_file() for p in out.parents if p != Path(".")):
        raise DataError(f"{out}: lies under a file, not a folder; choose another folder for the dataset")
    with folder_lock(out):
        status = "created"
        if out.exists() and not is_empty_dir(out):
            have = read_manifest(out)
            changed = changed_files(out, have) if have is not None else []
            if have is not None and identity(have) == want and not changed:
                return "exists", have
            foreign = foreign_entries(out, have)
            what = ("no manifest.json" if have is None else
                    f"{describe(identity(have))}, changed: {listing(changed)}" if identity(have) == want else
                    describe(identity(have)))
            if foreign:
                raise DataError(
                    f"{out}: holds files the harness did not write ({listing(foreign)}); "
                    f"refusing to replace it{' even with --force' if force else ''} "
                    f"({what}); choose another folder")
            if not force:
                raise DataError(
                    f"{out}: holds another dataset ({what}), not {describe(want)}; regenerate it with "
                    f"`python -m harness make-data synthetic --preset {spec.preset} --quality {spec.quality} "
                    f"--seed {spec.seed} --out {out} --force` (replaces only files the harness wrote) "
                    "or choose another folder")
            status = "replaced"
        tmp = new_temp_dir(out)
        try:
            manifest = build(spec, tmp, progress)
            publish(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return status, manifest
