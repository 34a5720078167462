"""The generator: determinism, on-disk format, preset structure, atomic writing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from datasets.annotations import label_map, load_annotations
from datasets.synthetic import generator as gen
from datasets.synthetic.generator import SyntheticSpec, write_dataset
from datasets.synthetic.presets import PRESETS
from harness.errors import DataError

SMALL = dict(num_train=6, num_test=4)  # the size of conftest.small_sets


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_same_inputs_give_identical_bytes(tmp_path, small_sets, preset):
    write_dataset(SyntheticSpec(preset, "mid", 0, **SMALL), tmp_path / "again")
    assert _tree(tmp_path / "again") == _tree(small_sets[preset])


def test_other_seed_or_quality_changes_the_features(tmp_path, small_sets):
    base = _tree(small_sets["thumos-like"])
    for spec in (SyntheticSpec("thumos-like", "mid", 1, **SMALL), SyntheticSpec("thumos-like", "low", 0, **SMALL)):
        folder = tmp_path / f"{spec.quality}{spec.seed}"
        write_dataset(spec, folder)
        other = _tree(folder)
        changed = [k for k in base if k.startswith("features/") and base[k] != other.get(k)]
        assert len(changed) == sum(k.startswith("features/") for k in base)


def test_quality_levels_share_the_test_layout(tmp_path, small_sets):
    """Levels of one seed differ in signal only: the exact test GT is the same."""
    write_dataset(SyntheticSpec("thumos-like", "high", 0, **SMALL), tmp_path / "high")
    a = {v.video_id: v.segments.tolist() for v in load_annotations(small_sets["thumos-like"] / "annotations.json") if v.subset == "validation"}
    b = {v.video_id: v.segments.tolist() for v in load_annotations(tmp_path / "high" / "annotations.json") if v.subset == "validation"}
    assert a == b


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_format_is_valid(small_sets, preset):
    folder = small_sets[preset]
    manifest = json.loads((folder / "manifest.json").read_text())
    videos = load_annotations(folder / "annotations.json")
    data = json.loads((folder / "annotations.json").read_text())
    assert data["version"] == f"Synthetic-{preset}-v{gen.GENERATOR_VERSION}"
    assert sorted({v.subset for v in videos}) == ["training", "validation"]
    assert sum(v.subset == "training" for v in videos) == SMALL["num_train"]
    names = label_map(videos)
    assert names and all(manifest["classes"][i] == n for n, i in names.items())
    for v in videos:
        feats = np.load(folder / "features" / f"{v.video_id}.npy")
        assert feats.dtype == np.float32 and feats.ndim == 2
        t, c = feats.shape
        assert c == manifest["input_dim"] == PRESETS[preset].input_dim
        assert v.fps == 30.0
        assert v.duration == round(((t - 1) * 4 + 16) / 30, 3)  # inverse mapping of the grid
        assert len(v.labels) > 0 and np.isfinite(feats).all()
        assert (v.segments[:, 0] >= 0).all() and (v.segments[:, 1] <= v.duration).all()
        assert (v.segments[:, 1] - v.segments[:, 0] > 0).all()
        grid = (v.segments * 30 - 8) / 4
        assert grid.min() >= -1e-6 and grid.max() <= t - 1 + 1e-6  # GT inside the features


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_manifest_hashes_match_files(small_sets, preset):
    folder = small_sets[preset]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {k: manifest[k] for k in ("preset", "quality", "seed")} == {"preset": preset, "quality": "mid", "seed": 0}
    listed = set(manifest["files"])
    on_disk = {k for k in _tree(folder) if k != "manifest.json"}
    assert listed == on_disk
    for rel, info in manifest["files"].items():
        data = (folder / rel).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"] and len(data) == info["bytes"]


def test_duplicate_pair_instances_carry_both_labels(small_sets):
    parent, sub = PRESETS["thumos-like"].duplicate_pair
    subs = 0
    for v in load_annotations(small_sets["thumos-like"] / "annotations.json"):
        pairs = {(round(s, 6), round(e, 6), int(k)) for (s, e), k in zip(v.segments, v.label_ids)}
        for s, e, k in pairs:
            if k == sub:
                subs += 1
                assert (s, e, parent) in pairs
    assert subs > 0


def test_multithumos_like_is_dense_and_multilabel(tmp_path):
    write_dataset(SyntheticSpec("multithumos-like", "mid", 0, num_train=12, num_test=1), tmp_path / "m")
    covered, multi = [], []
    for v in load_annotations(tmp_path / "m" / "annotations.json"):
        t = np.load(tmp_path / "m" / "features" / f"{v.video_id}.npy").shape[0]
        grid = (v.segments * 30 - 8) / 4
        steps = np.arange(t)
        count = sum(((steps >= s) & (steps <= e)).astype(int) for s, e in grid)
        covered.append((count > 0).mean())
        multi.append((count > 1).mean())
    assert 0.6 < np.mean(covered) < 0.95 and np.mean(multi) >= 0.3


def test_anet_like_video_scores(tmp_path):
    write_dataset(SyntheticSpec("anet-like", "mid", 0, num_train=1, num_test=40), tmp_path / "a")
    scores = json.loads((tmp_path / "a" / "video_scores.json").read_text())
    videos = [v for v in load_annotations(tmp_path / "a" / "annotations.json") if v.subset == "validation"]
    assert set(scores["results"]) == {v.video_id for v in videos} and len(scores["class"]) == 10
    right = 0
    for v in videos:
        assert len(set(v.label_ids.tolist())) == 1 and 1 <= len(v.labels) <= 3  # one class per video
        s = np.asarray(scores["results"][v.video_id])
        assert s.shape == (10,) and abs(s.sum() - 1) < 1e-4
        right += int(s.argmax() == v.label_ids[0])
    assert right == 36  # exactly round(0.9 * 40)


def test_quality_orders_class_separation(tmp_path, small_sets):
    """Distance of each class's mean feature from the background mean grows low < mid < high."""
    def separation(folder: Path) -> float:
        feats, labels = [], []
        for v in load_annotations(folder / "annotations.json"):
            x = np.load(folder / "features" / f"{v.video_id}.npy")
            y = np.full(len(x), -1)
            for (s, e), k in zip((v.segments * 30 - 8) / 4, v.label_ids):
                y[int(np.ceil(s)):int(np.floor(e)) + 1] = k
            feats.append(x)
            labels.append(y)
        x, y = np.concatenate(feats), np.concatenate(labels)
        bg = x[y < 0].mean(0)
        return float(np.mean([np.linalg.norm(x[y == k].mean(0) - bg) for k in np.unique(y[y >= 0])]))

    seps = {"mid": separation(small_sets["thumos-like"])}
    for q in ("low", "high"):
        write_dataset(SyntheticSpec("thumos-like", q, 0, **SMALL), tmp_path / q)
        seps[q] = separation(tmp_path / q)
    assert seps["low"] < seps["mid"] < seps["high"], seps


def test_existing_same_dataset_is_kept(tmp_path):
    spec = SyntheticSpec("anet-like", "mid", 0, num_train=2, num_test=1)
    assert write_dataset(spec, tmp_path / "d")[0] == "created"
    before = (tmp_path / "d" / "annotations.json").stat().st_mtime_ns
    assert write_dataset(spec, tmp_path / "d")[0] == "exists"
    assert (tmp_path / "d" / "annotations.json").stat().st_mtime_ns == before


def test_refuses_other_dataset_without_force(tmp_path):
    write_dataset(SyntheticSpec("anet-like", "mid", 0, num_train=2, num_test=1), tmp_path / "d")
    other = SyntheticSpec("anet-like", "mid", 3, num_train=2, num_test=1)
    with pytest.raises(DataError, match="holds another dataset.*--force"):
        write_dataset(other, tmp_path / "d")
    status, manifest = write_dataset(other, tmp_path / "d", force=True)
    assert status == "replaced" and json.loads((tmp_path / "d" / "manifest.json").read_text())["seed"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [".d.lock", "d"]  # no temp or old copies left


def test_refuses_foreign_or_incomplete_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    with pytest.raises(DataError, match="no manifest.json"):
        write_dataset(SyntheticSpec("anet-like", num_train=1, num_test=1), tmp_path / "x")
    spec = SyntheticSpec("anet-like", num_train=1, num_test=1)
    write_dataset(spec, tmp_path / "y")
    next((tmp_path / "y" / "features").iterdir()).unlink()
    with pytest.raises(DataError, match=r"changed: features/.*\.npy \(missing\)"):
        write_dataset(spec, tmp_path / "y")
    (tmp_path / "z").mkdir()  # an empty folder counts as absent
    assert write_dataset(spec, tmp_path / "z")[0] == "created"


def test_interrupted_generation_leaves_nothing_that_looks_complete(tmp_path, monkeypatch):
    calls = []

    def boom(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return orig(*args, **kwargs)

    orig = gen.generate_video
    monkeypatch.setattr(gen, "generate_video", boom)
    with pytest.raises(KeyboardInterrupt):
        write_dataset(SyntheticSpec("anet-like", num_train=2, num_test=1), tmp_path / "d")
    assert not (tmp_path / "d").exists()
    assert [p.name for p in tmp_path.iterdir()] == [".d.lock"]


def test_concurrent_writers_generate_once(tmp_path):
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        statuses = pool.map(_write_small, [str(tmp_path / "d")] * 2)
    assert sorted(statuses) == ["created", "exists"]


def _write_small(out: str) -> str:
    return write_dataset(SyntheticSpec("thumos-like", num_train=3, num_test=2), out)[0]


def test_unknown_preset_or_quality():
    from harness.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown synthetic preset"):
        SyntheticSpec("kinetics-like").identity()
    with pytest.raises(ConfigError, match="unknown synthetic quality"):
        SyntheticSpec("thumos-like", "ultra").identity()


def test_force_replaces_only_what_the_harness_wrote(tmp_path):
    """--force once deleted a user's files in --out: now it refuses and lists them."""
    spec = SyntheticSpec("anet-like", "mid", 0, num_train=1, num_test=1)
    other = SyntheticSpec("anet-like", "mid", 3, num_train=1, num_test=1)
    d = tmp_path / "d"
    write_dataset(spec, d)
    (d / "important.txt").write_text("mine")
    (d / "sub").mkdir()
    (d / "sub" / "thesis.tex").write_text("mine too")
    with pytest.raises(DataError, match=r"did not write \(important.txt, sub/thesis.tex\).*even with --force"):
        write_dataset(other, d, force=True)
    assert (d / "important.txt").read_text() == "mine" and (d / "sub" / "thesis.tex").is_file()
    # a folder without a manifest is never replaced either
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    with pytest.raises(DataError, match="notes.txt"):
        write_dataset(spec, tmp_path / "x", force=True)
    assert (tmp_path / "x" / "notes.txt").is_file()


def test_refusal_names_the_changed_file_and_the_make_data_command(tmp_path):
    spec = SyntheticSpec("anet-like", "mid", 0, num_train=1, num_test=1)
    write_dataset(spec, tmp_path / "d")
    victim = sorted((tmp_path / "d" / "features").iterdir())[0]
    victim.write_bytes(victim.read_bytes() + b"x")
    with pytest.raises(DataError, match=rf"features/{victim.name} \(\d+ bytes.*make-data synthetic"):
        write_dataset(spec, tmp_path / "d")


def test_out_that_is_a_file_or_under_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    spec = SyntheticSpec("anet-like", "mid", 0, num_train=1, num_test=1)
    with pytest.raises(DataError, match="is a file"):
        write_dataset(spec, tmp_path / "f")
    with pytest.raises(DataError, match="lies under a file"):
        write_dataset(spec, tmp_path / "f" / "sub")
