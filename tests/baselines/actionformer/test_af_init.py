"""Initialisation equals the official one (models.md §1 table; reference init_stats)."""

from __future__ import annotations

import math

import torch

from baselines.actionformer import from_official_config
from models.layers.drop_path import AffineDropPath


def test_init_bit_identical_to_official_with_same_seed(af_blob):
    torch.manual_seed(af_blob["seed"])  # the official fix_random_seed(seed) before building
    model = from_official_config(af_blob["config"])
    stats = af_blob["init_stats"]
    state = model.state_dict()
    assert set(stats) == set(state)
    for name, s in stats.items():
        t = state[name].double()
        std = t.std().item() if t.numel() > 1 else 0.0
        mine = (t.mean().item(), std, t.min().item(), t.max().item())
        ref = (s["mean"], s["std"], s["min"], s["max"])
        assert all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(mine, ref)), name


def test_init_table(af_blob):
    cfg = dict(af_blob["config"])
    cfg["train_cfg"] = {**cfg["train_cfg"], "head_empty_cls": [2]}
    model = from_official_config(cfg)
    bias = model.cls_head.cls_head.conv.bias
    assert torch.allclose(bias[[0, 1, 3, 4]], torch.tensor(-math.log(99.0)))
    assert math.isclose(bias[2].item(), -math.log((1 - 1e-6) / 1e-6), rel_tol=1e-6)
    assert all(s.scale.item() == 1.0 for s in model.reg_head.scale)
    dps = [m for m in model.modules() if isinstance(m, AffineDropPath)]
    assert len(dps) == 2 * (2 + 3) and all(torch.allclose(d.scale, torch.tensor(1e-4)) for d in dps)
    for name, p in model.named_parameters():
        if name.endswith("norm.0.weight") or ".ln1.weight" in name:
            assert torch.equal(p, torch.ones_like(p)), name
        if name.endswith(".bias") and name != "cls_head.cls_head.conv.bias":
            assert torch.count_nonzero(p) == 0, name
