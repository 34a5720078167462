"""Rehearsal roots: the layout, formats, channel counts and lengths the real configs read,
class signal along the real GT, determinism, the record, ``--annotations``, and
``check-data`` clean on every real config of every root."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from real_e2e import check_data, leaf

from datasets.real import render
from datasets.real.rehearse import RECORD, RehearsalSpec, feature_array, rehearse
from datasets.real.specs import DATASETS, FEATURE_SETS
from harness.cli import main
from harness.errors import DataError

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "real"
#: (leaf config, dataset root, evaluated video set) for every real config of Tables 1-5
CONFIGS = [
    *[(f"{m}/thumos14_{f}", "thumos14", "thumos14-test-2") for m in ("actionformer", "tridet", "cltdr_gmg")
      for f in ("i3d", "videomaev2", "internvideo2_6b")],
    *[(f"{m}/multithumos_{f}", "multithumos", "multithumos-test-2") for m in ("tridet", "cltdr_gmg")
      for f in ("i3d_rgb", "i3d", "videomaev2")],
    *[(f"{m}/epic100_{k}_slowfast", "epic100", f"epic_kitchens_100_{k}-validation-2")
      for m in ("actionformer", "tridet", "cltdr_gmg") for k in ("verb", "noun")],
    *[(f"{m}/anet13_tsp", "anet13", "anet1.3_tsp_filtered-validation-16")
      for m in ("actionformer", "tridet", "cltdr_gmg")],
]


def _db(root, ann):
    return json.loads((root / ann).read_text())


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_layout_formats_channels_lengths(rehearsal_roots, dataset):
    root, spec = rehearsal_roots[dataset], DATASETS[dataset]
    record = json.loads((root / dataset / RECORD).read_text())
    assert record["synthetic_features"] is True and "synthetic features" in record["banner"]
    for ann in spec.annotations:
        assert (root / ann).is_file(), ann
    blob = _db(root, spec.annotations[0])
    assert blob["rehearsal"]["videos_per_split"] == record["videos_per_split"]
    db = blob["database"]
    for name in spec.feature_sets:
        fs = FEATURE_SETS[name]
        for vid, entry in db.items():
            path = root / fs.rel_path(vid)
            assert path.is_file(), path
            arr = feature_array(root, name, vid)  # [T, C]
            assert arr.shape[1] == fs.channels
            fps = fs.fps or entry["fps"]
            full = render.num_steps(entry["duration"], fps, fs)
            if dataset != "anet13":  # ANet: BSN's feature coverage makes them shorter
                assert full - 1 <= arr.shape[0] <= full
        assert record["features"][name]["full_size_bytes"] > record["features"][name]["bytes"] > 0


def test_thumos_keeps_its_quirk_videos(rehearsal_roots):
    db = _db(rehearsal_roots["thumos14"], DATASETS["thumos14"].annotations[0])["database"]
    assert "video_test_0000270" in db  # the 211-video protocol's excluded video
    assert sum(e["subset"] == "Test" for e in db.values()) == 2


def test_internvideo_is_float16_pt_and_i3d_rgb_half_carries_the_class(rehearsal_roots):
    import torch

    root = rehearsal_roots["thumos14"]
    vid = "video_test_0000270"
    t = torch.load(root / FEATURE_SETS["internvideo2_6b"].rel_path(vid), weights_only=True)
    assert t.dtype == torch.float16 and t.shape[1] == 3200
    db = _db(root, DATASETS["thumos14"].annotations[0])["database"]
    arr = feature_array(root, "i3d", vid)  # [T, 2048]
    protos = render.prototypes(0, "thumos14/thumos14", FEATURE_SETS["i3d"], 20)
    assert np.all(protos.body[:, 1024:] == 0)  # class bodies in the RGB half
    inside = np.zeros(arr.shape[0], bool)
    for a in db[vid]["annotations"]:
        s, e = (np.array(a["segment"]) * 30.0 - 8) / 4
        inside[max(0, int(s) + 1):max(0, int(e))] = True
    k = db[vid]["annotations"][0]["label_id"]
    proj = arr[:, :1024] @ protos.body[k, :1024]  # [T]
    assert inside.any() and proj[inside].mean() > proj[~inside].mean() + 1.0


def test_epic_record_says_training_is_missing(rehearsal_roots, capsys):
    root = rehearsal_roots["epic100"]
    record = json.loads((root / "epic100" / RECORD).read_text())
    assert any("training CSV is not public" in n for n in record["notes"])
    for ann in DATASETS["epic100"].annotations:
        subsets = {e["subset"] for e in _db(root, ann)["database"].values()}
        assert subsets == {"training", "validation"}


def test_anet_scores_cover_the_evaluated_videos(rehearsal_roots):
    root = rehearsal_roots["anet13"]
    db = _db(root, "anet13/annotations/anet1.3_tsp_filtered.json")["database"]
    scores = json.loads((root / "anet13/annotations/cuhk_val_simp_share.json").read_text())
    val = {v for v, e in db.items() if e["subset"] == "validation"}
    assert set(scores["results"]) == val and len(scores["class"]) == 200
    assert all(len(v) == 200 for v in scores["results"].values())
    assert all(not v.startswith("v_") for v in db)


def test_deterministic_from_the_seed(tmp_path, rehearsal_roots):
    spec = RehearsalSpec(dataset="epic100", source_dir=str(SOURCES), videos=2, seed=0)
    rehearse(spec, tmp_path / "a")
    vid = sorted(_db(tmp_path / "a", DATASETS["epic100"].annotations[0])["database"])[0]
    rel = FEATURE_SETS["slowfast"].rel_path(vid)
    assert np.array_equal(np.load(tmp_path / "a" / rel)["feats"], np.load(rehearsal_roots["epic100"] / rel)["feats"])
    rehearse(RehearsalSpec(dataset="epic100", source_dir=str(SOURCES), videos=2, seed=1), tmp_path / "b")
    assert not np.array_equal(np.load(tmp_path / "a" / rel)["feats"], np.load(tmp_path / "b" / rel)["feats"])


def test_user_annotation_file_and_cli(tmp_path, capsys):
    user = tmp_path / "mine.json"
    db = {"video_validation_a": {"subset": "Validation", "duration": 12.0, "fps": 30.0, "annotations": [
              {"label": "HighJump", "label_id": 11, "segment": [2.0, 5.0]}]},
          "video_test_b": {"subset": "Test", "duration": 9.0, "fps": 25.0, "annotations": [
              {"label": "Shotput", "label_id": 15, "segment": [1.0, 3.0]}]}}
    user.write_text(json.dumps({"version": "mine", "database": db}))
    code = main(["rehearse", "thumos14", "--out", str(tmp_path / "root"), "--annotations", str(user),
                 "--features", "videomaev2"])
    out = capsys.readouterr().out
    assert code == 0 and "REHEARSAL DATA" in out and "videomaev2" in out
    written = _db(tmp_path / "root", "thumos14/annotations/thumos14.json")
    assert written["database"] == db
    assert (tmp_path / "root/thumos14/features/videomaev2/video_test_b.npy").is_file()
    assert not (tmp_path / "root/thumos14/features/i3d").exists()
    record = json.loads((tmp_path / "root/thumos14" / RECORD).read_text())
    assert record["annotation_source"] == "mine.json"


def test_dry_run_writes_nothing_and_states_full_size(tmp_path, capsys):
    code = main(["rehearse", "thumos14", "--out", str(tmp_path / "r"), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and not (tmp_path / "r").exists()
    assert "412 ×" in out and "would write" in out and "every video at full length" in out


def test_refusals(tmp_path, rehearsal_roots):
    with pytest.raises(DataError, match="share THUMOS14's feature folders"):
        rehearse(RehearsalSpec(dataset="multithumos", source_dir=str(SOURCES), videos=1),
                 rehearsal_roots["thumos14"])
    with pytest.raises(DataError, match="unknown feature set"):
        rehearse(RehearsalSpec(dataset="anet13", source_dir=str(SOURCES), feature_sets=("i3d",)), tmp_path)


@pytest.fixture
def _wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


@pytest.mark.parametrize(("config", "dataset", "video_set"), CONFIGS, ids=[c[0] for c in CONFIGS])
def test_check_data_clean_on_every_real_config(rehearsal_roots, config, dataset, video_set, capsys, _wide):
    code, out = check_data(leaf(config), rehearsal_roots[dataset], capsys)
    assert code == 0, out
    assert "ok: no errors" in out and video_set in out


def test_user_file_without_fps_is_a_one_line_error(tmp_path, capsys):
    user = tmp_path / "nofps.json"
    user.write_text(json.dumps({"database": {"v1": {"subset": "Test", "duration": 5.0, "annotations": []}}}))
    code = main(["rehearse", "thumos14", "--out", str(tmp_path / "r"), "--annotations", str(user)])
    err = capsys.readouterr().err
    assert code == 2 and "nofps.json: video 'v1': no 'fps'" in err and len(err.strip().splitlines()) == 1


def test_json_stdout_is_only_json(tmp_path, capsys):
    code = main(["rehearse", "epic100", "--out", str(tmp_path / "r"), "--dry-run", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    record = json.loads(out)
    assert record["dataset"] == "epic100" and any("training CSV" in n for n in record["notes"])
