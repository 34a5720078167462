"""Initialisation equals the official one (models.md §1 table; reference init_stats)."""

from __future__ import annotations

import math

import torch

from baselines.tridet import from_official_config
from models.layers.drop_path import AffineDropPath

SGP_CONVS = ("psi", "fc", "convw", "convkw", "global_fc")


def test_init_bit_identical_to_official_with_same_seed(td_blob):
    torch.manual_seed(td_blob["seed"])  # the official fix_random_seed(seed) before building
    model = from_official_config(td_blob["config"])
    stats = td_blob["init_stats"]
    state = model.state_dict()
    assert set(stats) == set(state)
    for name, s in stats.items():
        t = state[name].double()
        std = t.std().item() if t.numel() > 1 else 0.0
        mine = (t.mean().item(), std, t.min().item(), t.max().item())
        ref = (s["mean"], s["std"], s["min"], s["max"])
        assert all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(mine, ref)), name


def test_init_table(td_blob):
    cfg = dict(td_blob["config"])
    cfg["train_cfg"] = {**cfg["train_cfg"], "head_empty_cls": [2]}
    model = from_official_config(cfg)
    for head in ("cls_head", "start_head", "end_head"):
        bias = getattr(model, head).cls_head.conv.bias
        assert torch.allclose(bias[[0, 1, 3, 4]], torch.tensor(-math.log(99.0))), head
        assert math.isclose(bias[2].item(), -math.log((1 - 1e-6) / 1e-6), rel_tol=1e-6)
    assert all(s.scale.item() == 1.0 for s in model.reg_head.scale)
    dps = [n for n, m in model.named_modules() if isinstance(m, AffineDropPath)]
    assert len(dps) == 2 * 3 and all(".branch." in n for n in dps)  # branch blocks only
    assert all(torch.equal(m.scale, torch.full_like(m.scale, 1e-4))
               for m in model.modules() if isinstance(m, AffineDropPath))
    for name, p in model.named_parameters():
        if name.split(".")[-2] in SGP_CONVS and name.startswith("backbone."):
            assert torch.count_nonzero(p) == 0, name  # init_conv_vars 0: exact zeros
        if name.endswith(".bias") and not name.endswith("cls_head.conv.bias") and ".ln." not in name \
                and ".gn." not in name and "norm" not in name:
            assert torch.count_nonzero(p) == 0, name
        if name.endswith(("gn.weight", "ln.weight")):
            assert torch.equal(p, torch.ones_like(p)), name


def test_init_conv_vars_is_a_standard_deviation(td_blob):
    torch.manual_seed(0)
    model = from_official_config({**td_blob["config"], "init_conv_vars": 0.2, "embd_dim": 64,
                                  "fpn_dim": 64, "head_dim": 64})
    weights = torch.cat([getattr(blk, c).weight.flatten()
                         for blk in [*model.backbone.stem, *model.backbone.branch]
                         for c in SGP_CONVS])
    assert weights.numel() > 3000 and abs(weights.std().item() - 0.2) < 0.01
    assert abs(weights.mean().item()) < 0.01
