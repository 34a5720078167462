"""The model base configs build, leave only dataset numbers unset, and run under mmengine."""

from __future__ import annotations

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from harness.registry import MODELS

BASES = ("actionformer", "actionformer_tiny")
DATASET_KEYS = {"input_dim", "num_classes", "max_seq_len"}


def _as_lists(v):
    """Tuples → lists, recursively (configs and JSON spell sequences differently)."""
    return [_as_lists(x) for x in v] if isinstance(v, (list, tuple)) else v


def _cfg(repo_root, name):
    return Config.fromfile(str(repo_root / "harness" / "configs" / "_base_" / "models" / f"{name}.py"))


@pytest.mark.parametrize("name", BASES)
def test_only_dataset_numbers_are_none(repo_root, name):
    model = _cfg(repo_root, name).model
    assert model.type == "ActionFormer"
    assert {k for k, v in model.items() if v is None} == DATASET_KEYS


def test_thumos_base_equals_official_thumos_config(repo_root, thumos_official_cfg):
    model = _cfg(repo_root, "actionformer").model.to_dict()
    model.pop("type")
    for key, value in thumos_official_cfg.items():
        if key in DATASET_KEYS:
            continue
        mine = model[key]
        if isinstance(value, dict):
            assert {k: mine[k] for k in value} == value, key
        else:
            assert _as_lists(mine) == _as_lists(value), key


def test_tiny_trains_and_predicts_through_mmengine(repo_root):
    cfg = _cfg(repo_root, "actionformer_tiny").model
    cfg.update(input_dim=16, num_classes=4, max_seq_len=128)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    assert sum(p.numel() for p in model.parameters()) < 200_000
    x = torch.randn(2, 16, 100)
    masks = (torch.arange(100)[None] < torch.tensor([100, 70])[:, None])[:, None]
    samples = [
        dict(segments=torch.tensor([[10.0, 30.0]]), labels=torch.tensor([1]), video_id="v0",
             fps=30.0, duration=14.0, feat_stride=4, feat_num_frames=16),
        dict(segments=torch.tensor([[5.0, 9.0], [40.0, 60.0]]), labels=torch.tensor([0, 3]),
             video_id="v1", fps=30.0, duration=10.0, feat_stride=4, feat_num_frames=16),
    ]
    data = dict(inputs=x, masks=masks, data_samples=samples)
    wrapper = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-3))
    before = model.cls_head.cls_head.conv.weight.detach().clone()
    log_vars = model.train_step(data, wrapper)
    assert {"loss", "loss_cls", "loss_reg", "num_pos"} <= set(log_vars)
    assert not torch.equal(before, model.cls_head.cls_head.conv.weight)
    preds = model.val_step(data)
    assert [p["video_id"] for p in preds] == ["v0", "v1"]
    assert all(p["segments"].shape[1] == 2 and len(p["scores"]) <= 200 for p in preds)
