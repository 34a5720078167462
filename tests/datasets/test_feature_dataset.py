"""FeatureTALDataset: the item contract, the mapping, policies and every bad-input error."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from mmengine.runner import set_random_seed

from datasets import FeatureTALDataset, standard_pipeline
from harness.errors import ConfigError, DataError
from harness.registry import DATASETS


def _one_line(exc, *needles):
    msg = str(exc.value)
    assert "\n" not in msg, msg
    for n in needles:
        assert str(n) in msg, (n, msg)
    return msg


def test_item_contract_and_mapping(tal_data):
    ds = tal_data.dataset()
    assert len(ds) == 3 and ds.metainfo["classes"] == ["a", "b", "c"]
    item = ds[0]
    assert set(item) == {"feats", "segments", "labels", "video_id", "fps", "duration",
                         "feat_stride", "feat_num_frames"}
    assert item["video_id"] == "vid_a" and item["feats"].dtype == torch.float32
    assert item["feats"].shape == (8, 147)  # [C, T]
    raw = np.load(tal_data.feat_dir / "vid_a.npy")
    assert torch.equal(item["feats"], torch.from_numpy(raw.T))
    expected = (np.array([[2.0, 5.0], [8.0, 12.5]], np.float32) * 30.0 - 8.0) / 4.0
    assert item["segments"].dtype == torch.float32
    assert item["segments"].tolist() == expected.tolist()
    assert item["labels"].dtype == torch.int64 and item["labels"].tolist() == [0, 1]
    assert (item["fps"], item["duration"], item["feat_stride"], item["feat_num_frames"]) == (
        30.0, 20.0, 4.0, 16.0)
    assert all(isinstance(item[k], float) for k in ("fps", "duration", "feat_stride", "feat_num_frames"))


def test_registry_build_and_subsets(tal_data):
    ds = DATASETS.build(dict(type="FeatureTALDataset", data_root=str(tal_data.root),
                             ann_file="annotations.json", feat_dir="features",
                             subset=["validation", "Training"], num_classes=3, input_dim=8,
                             feat_stride=4, num_frames=16))
    assert [ds.get_data_info(i)["video_id"] for i in range(len(ds))] == [
        "vid_a", "vid_b", "vid_c", "vid_d", "vid_e"]


def test_default_fps_overrides_json_and_class_agnostic(tal_data):
    item = tal_data.dataset(default_fps=15, class_agnostic=True, num_classes=1)[2]
    assert item["fps"] == 15.0 and item["labels"].tolist() == [0, 0]
    assert item["segments"][0].tolist() == [(10 * 15 - 8) / 4, (20 * 15 - 8) / 4]


def test_missing_fps_without_default_is_error(tal_data):
    del tal_data.db["vid_b"]["fps"]
    tal_data.write_ann()
    with pytest.raises(DataError) as exc:
        tal_data.dataset()
    _one_line(exc, tal_data.ann, "vid_b", "no 'fps'")


def test_channels_and_downsample_and_resize(tal_data):
    item = tal_data.dataset(channels=(2, 6), input_dim=4, downsample_rate=2)[0]
    raw = np.load(tal_data.feat_dir / "vid_a.npy")
    assert torch.equal(item["feats"], torch.from_numpy(raw[::2, 2:6].T.copy()))
    assert item["feat_stride"] == 8.0
    assert item["segments"][0].tolist() == [(2 * 30 - 8) / 8, (5 * 30 - 8) / 8]
    item = tal_data.dataset(resize_length=32)[0]
    stride = ((147 - 1) * 4 + 16) / 32
    assert item["feats"].shape == (8, 32)
    assert item["feat_stride"] == item["feat_num_frames"] == pytest.approx(stride)


def test_missing_files_all_listed(tal_data):
    for vid in ("vid_a", "vid_c"):
        (tal_data.feat_dir / f"{vid}.npy").unlink()
    with pytest.raises(DataError) as exc:
        tal_data.dataset()
    _one_line(exc, tal_data.feat_dir, "2 of 3 feature files missing", "vid_a, vid_c")
    ds = tal_data.dataset(allow_missing=True)
    assert len(ds) == 1 and ds.report.missing_videos == ("vid_a", "vid_c")
    assert ds.metainfo["missing_videos"] == ["vid_a", "vid_c"]


def test_many_missing_files_truncated_list(tal_data):
    for i in range(30):
        tal_data.db[f"extra_{i:02d}"] = dict(tal_data.db["vid_b"])
    tal_data.write_ann()
    with pytest.raises(DataError) as exc:
        tal_data.dataset()
    msg = _one_line(exc, "30 of 33 feature files missing", "extra_00", "(+20 more)")
    assert "extra_29" not in msg


def test_dim_mismatch_and_nan_raise_on_load(tal_data):
    np.save(tal_data.feat_dir / "vid_b.npy", np.zeros((50, 6), np.float32))
    ds = tal_data.dataset()  # cheap checks only at init
    with pytest.raises(DataError) as exc:
        ds[1]
    _one_line(exc, "vid_b.npy", "feature dim 6 differs from input_dim 8")
    arr = np.zeros((50, 8), np.float32)
    arr[3, 1] = np.nan
    np.save(tal_data.feat_dir / "vid_b.npy", arr)
    with pytest.raises(DataError) as exc:
        ds[1]
    _one_line(exc, "vid_b.npy", "non-finite")


def test_inverted_segments_dropped_and_counted(tal_data):
    tal_data.db["vid_a"]["annotations"][1]["segment"] = [12.5, 8.0]
    tal_data.write_ann()
    ds = tal_data.dataset()
    assert ds.report.num_inverted_dropped == 1 and ds[0]["labels"].tolist() == [0]
    (warning,) = [f for f in ds.report.warnings if "end" in f.message]
    assert "'vid_a' annotation 1" in warning.line() and str(tal_data.ann) in warning.line()


def test_segments_beyond_duration_clipped_once(tal_data):
    tal_data.db["vid_b"]["annotations"].append({"label": "a", "label_id": 0, "segment": [10.0, 15.0]})
    tal_data.db["vid_b"]["annotations"].append({"label": "a", "label_id": 0, "segment": [13.0, 15.0]})
    tal_data.db["vid_a"]["annotations"].append({"label": "b", "label_id": 1, "segment": [-1.0, 1.0]})
    tal_data.write_ann()
    ds = tal_data.dataset()
    assert ds.report.num_clipped == 2 and ds.report.num_beyond_dropped == 1
    summary = [f for f in ds.report.warnings if "clipped" in f.message]
    assert len(summary) == 1 and "2 GT segments clipped" in summary[0].message
    item = ds[1]
    assert item["segments"][-1].tolist() == [(10 * 30 - 8) / 4, (12 * 30 - 8) / 4]
    assert len(item["labels"]) == 2
    kept = tal_data.dataset(clip_to_duration=False)[1]
    assert len(kept["labels"]) == 3 and kept["segments"][-1, 1].item() == (15 * 30 - 8) / 4


def test_label_id_beyond_num_classes(tal_data):
    with pytest.raises(DataError) as exc:
        tal_data.dataset(num_classes=2)
    _one_line(exc, tal_data.ann, "label 'c' has id 2, outside num_classes 2", "more error")


def test_empty_split(tal_data):
    with pytest.raises(DataError) as exc:
        tal_data.dataset(subset="test")
    _one_line(exc, tal_data.ann, "no videos in subset(s) ['test']", "training", "validation")


@pytest.mark.parametrize("vid", ["../escape", "/abs/path", "nul\x00byte"])
def test_hostile_ids_refused(tal_data, vid):
    tal_data.db[vid] = dict(tal_data.db["vid_b"])
    tal_data.write_ann()
    with pytest.raises(DataError) as exc:
        tal_data.dataset()
    _one_line(exc, tal_data.feat_dir, "refused")


def test_exclude_videos(tal_data):
    ds = tal_data.dataset(exclude_videos=["vid_b"])
    assert [ds.get_data_info(i)["video_id"] for i in range(len(ds))] == ["vid_a", "vid_c"]
    assert ds.report.excluded_videos == ("vid_b",)


def test_malformed_json(tal_data):
    tal_data.ann.write_text("{bad json")
    with pytest.raises(DataError) as exc:
        tal_data.dataset()
    _one_line(exc, tal_data.ann, "malformed JSON")


@pytest.mark.parametrize("kw,needle", [
    (dict(file_ext=".mp4"), "file_ext"),
    (dict(channels=(4, 2)), "channels"),
    (dict(is_training=True), "max_seq_len"),
    (dict(resize_length=8, downsample_rate=2), "exclude each other"),
    (dict(crop_ratio=(0.9, 1.2)), "crop_ratio"),
    (dict(train_gt_filter=True), "train_gt_filter"),
    (dict(grid_rule="x"), "grid_rule"),
])
def test_bad_arguments_are_config_errors(tal_data, kw, needle):
    with pytest.raises(ConfigError, match=needle):
        tal_data.dataset(**kw)


def test_unknown_argument_raises(tal_data):
    with pytest.raises(TypeError):
        tal_data.dataset(feat_folder="x")


def test_empty_label_ids_recorded(tal_data):
    # the EPIC loader's rule: ids below num_classes that no annotation of the file uses
    ds = tal_data.dataset(num_classes=5, find_empty_classes=True)
    assert ds.metainfo["empty_label_ids"] == [3, 4]
    # the other official loaders report none
    assert tal_data.dataset(num_classes=5).metainfo["empty_label_ids"] == []


def _crops(ds):
    return [(it["feats"].shape[1], it["segments"].tolist()) for it in (ds[i] for i in range(len(ds)))]


def test_training_crops_follow_the_seed(tal_data):
    ds = tal_data.dataset(is_training=True, max_seq_len=64, crop_ratio=(0.9, 1.0))
    set_random_seed(3)
    first = _crops(ds) + _crops(ds)
    set_random_seed(3)
    again = _crops(ds) + _crops(ds)
    set_random_seed(4)
    other = _crops(ds) + _crops(ds)
    assert first == again and first != other
    assert all(length <= 64 for length, _ in first)


def test_standard_pipeline_variants():
    types = [t["type"] for t in standard_pipeline(is_training=False)]
    assert types == ["LoadTALFeatures", "SecondsToGrid", "PackTALInputs"]
    train = standard_pipeline(is_training=True, resize_length=192, max_seq_len=192,
                              crop_ratio=(0.9, 1.0), widen_by_offset=False,
                              train_gt_filter="tridet", grid_rule="tridet")
    assert [t["type"] for t in train] == ["LoadTALFeatures", "ResizeFeatures", "SecondsToGrid",
                                          "ClipSegmentsToFeatures", "RandomTruncate", "PackTALInputs"]
    assert train[2]["rule"] == "tridet"
    assert train[3]["min_inside_ratio"] is None and train[3]["widen_by_offset"] is False
    assert train[4]["widen_by_offset"] is False
    af = standard_pipeline(is_training=True, max_seq_len=8, train_gt_filter="actionformer",
                           trunc_thresh=0.3, widen_by_offset=False)
    assert af[2]["min_inside_ratio"] == 0.3 and af[2]["widen_by_offset"] is True
    assert af[3]["widen_by_offset"] is False


def test_explicit_pipeline_is_used(tal_data):
    ds = tal_data.dataset(pipeline=[dict(type="LoadTALFeatures"), dict(type="SecondsToGrid")])
    info = ds[0]
    assert "feat_path" in info and "segments_sec" in info  # not packed


def test_dataset_is_a_feature_tal_dataset_subclass_point():
    assert issubclass(FeatureTALDataset, __import__("mmengine").dataset.BaseDataset)
