"""tal_collate: padded inputs, bool masks, data samples; registered for mmengine configs."""

from __future__ import annotations

import pytest
import torch
from mmengine.registry import FUNCTIONS as ROOT_FUNCTIONS
from mmengine.registry import DefaultScope

from datasets import tal_collate
from harness.errors import DataError


def _item(vid, length, channels=3, fill=1.0):
    return {"feats": torch.full((channels, length), fill), "segments": torch.tensor([[0.0, 1.0]]),
            "labels": torch.tensor([0]), "video_id": vid, "fps": 30.0, "duration": 9.0,
            "feat_stride": 4.0, "feat_num_frames": 16.0}


def test_shapes_padding_and_masks():
    batch = tal_collate([_item("a", 5, fill=2.0), _item("b", 8, fill=3.0), _item("c", 1)])
    inputs, masks, samples = batch["inputs"], batch["masks"], batch["data_samples"]
    assert inputs.shape == (3, 3, 8) and inputs.dtype == torch.float32
    assert masks.shape == (3, 1, 8) and masks.dtype == torch.bool
    assert masks.sum(-1).flatten().tolist() == [5, 8, 1]
    assert masks[0, 0].tolist() == [True] * 5 + [False] * 3
    assert torch.all(inputs[0, :, :5] == 2.0) and torch.all(inputs[0, :, 5:] == 0.0)
    assert torch.all(inputs[1] == 3.0) and torch.all(inputs[2, :, 1:] == 0.0)
    assert [s["feat_len"] for s in samples] == [5, 8, 1]
    assert all("feats" not in s for s in samples)
    assert set(samples[0]) == {"segments", "labels", "video_id", "fps", "duration", "feat_stride",
                               "feat_num_frames", "feat_len"}


def test_channel_mismatch_is_data_error():
    with pytest.raises(DataError, match="feature dims"):
        tal_collate([_item("a", 4, channels=3), _item("b", 4, channels=5)])


def test_found_through_mmengine_root_in_harness_scope():
    with DefaultScope.overwrite_default_scope("harness"):
        assert ROOT_FUNCTIONS.get("tal_collate") is tal_collate


def test_dataloader_with_dataset(tal_data):
    loader = torch.utils.data.DataLoader(tal_data.dataset(), batch_size=2, collate_fn=tal_collate)
    batch = next(iter(loader))
    assert batch["inputs"].shape == (2, 8, 147) and batch["masks"].sum().item() == 147 + 87


def test_runner_builds_the_collate_from_config(tal_data):
    from mmengine.runner import Runner

    cfg = dict(
        batch_size=2, num_workers=0, sampler=dict(type="DefaultSampler", shuffle=False),
        collate_fn=dict(type="tal_collate"),
        dataset=dict(type="FeatureTALDataset", data_root=str(tal_data.root),
                     ann_file="annotations.json", feat_dir="features", subset="training",
                     num_classes=3, input_dim=8, feat_stride=4, num_frames=16))
    with DefaultScope.overwrite_default_scope("harness"):  # the Runner's default_scope
        loader = Runner.build_dataloader(cfg)
    batch = next(iter(loader))
    assert batch["masks"].shape == (2, 1, 147) and batch["data_samples"][1]["video_id"] == "vid_b"
