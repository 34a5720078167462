"""The THUMOS I3D model has exactly the official state-dict layout; official checkpoints load."""

from __future__ import annotations

import pytest
import torch

from baselines.actionformer import load_official_checkpoint, official_state_dict
from harness.errors import DataError


def _tsv_rows(path):
    rows = [line.rstrip("\n").split("\t") for line in path.read_text().splitlines()
            if not line.startswith("#")]
    return rows[1:]  # drop the header


def test_layout_matches_official_tsv(golden, thumos_model):
    rows = _tsv_rows(golden / "actionformer_thumos_i3d.state_dict.tsv")
    state = thumos_model.state_dict()
    assert len(rows) == len(state) == 229
    assert [r[0] for r in rows] == list(state)  # same keys, same order
    for key, shape, dtype, numel, kind in rows:
        t = state[key]
        assert ("x".join(map(str, t.shape)) or "scalar") == shape, key
        assert str(t.dtype).replace("torch.", "") == dtype and t.numel() == int(numel)
        assert kind == "parameter"
    assert sum(p.numel() for p in thumos_model.parameters()) == 29_251_612
    assert not list(thumos_model.buffers()) or all(
        name not in state for name, _ in thumos_model.named_buffers()
    )


def test_official_checkpoint_loads(tmp_path, thumos_model):
    state = {f"module.{k}": torch.randn_like(v) for k, v in thumos_model.state_dict().items()}
    ckpt = {"epoch": 34, "state_dict": state, "state_dict_ema": state,
            "optimizer": {"state": {}, "param_groups": [{"lr": 1e-4}]}, "scheduler": {}}
    path = tmp_path / "epoch_034.pth.tar"
    torch.save(ckpt, path)
    load_official_checkpoint(thumos_model, path)
    key = "cls_head.cls_head.conv.bias"
    assert torch.equal(thumos_model.state_dict()[key], state[f"module.{key}"])
    with pytest.raises(DataError):
        official_state_dict({"state_dict": {}}, key="state_dict_ema")
    with pytest.raises(DataError):
        load_official_checkpoint(thumos_model, {"state_dict_ema": {"module.extra": torch.zeros(1)}})
    with pytest.raises(DataError):
        official_state_dict(tmp_path / "missing.pth.tar")
