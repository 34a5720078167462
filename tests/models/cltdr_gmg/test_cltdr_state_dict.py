"""CLTDR-GMG THUMOS I3D: the official state-dict layout, parameter counts and initialisation."""

from __future__ import annotations

import math
import re

import pytest
import torch

from harness.errors import ConfigError
from harness.registry import MODELS
from models.cltdr_gmg import CLTDRGMG, from_official_config, parameter_counts


def _tsv(path):
    lines = path.read_text().splitlines()
    header = "\n".join(line for line in lines if line.startswith("#"))
    rows = [line.split("\t") for line in lines if not line.startswith("#")][1:]
    return header, rows


def test_layout_matches_official_tsv(golden, cl_thumos_model):
    _, rows = _tsv(golden / "cltdr_gmg_thumos_i3d.state_dict.tsv")
    state = cl_thumos_model.state_dict()
    assert len(rows) == len(state) == 212
    assert [r[0] for r in rows] == list(state)  # same keys, same order
    for key, shape, dtype, numel, kind in rows:
        t = state[key]
        assert ("x".join(map(str, t.shape)) or "scalar") == shape, key
        assert str(t.dtype).replace("torch.", "") == dtype and t.numel() == int(numel), key
        assert kind == "parameter"
    buffers = {name for name, _ in cl_thumos_model.named_buffers()}
    assert not buffers & set(state)


def test_parameter_counts_match_the_official_breakdown(golden, cl_thumos_model):
    header, _ = _tsv(golden / "cltdr_gmg_thumos_i3d.state_dict.tsv")
    line = next(x for x in header.splitlines() if "per top-level module" in x)
    official = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line) if int(v) > 0}
    counts = parameter_counts(cl_thumos_model)
    assert counts.pop("total") == 21_908_390
    assert counts == official
    assert counts["backbone"] == 9_510_656 and counts["refineHead"] == 1_749_058


def test_internvideo2_input_changes_only_the_first_conv(cl_thumos_cfg, cl_thumos_model):
    model = from_official_config({**cl_thumos_cfg, "input_dim": 3200})
    counts = parameter_counts(model)
    assert counts["total"] == 23_677_862 and counts["backbone"] == 11_280_128
    a, b = model.state_dict(), cl_thumos_model.state_dict()
    assert list(a) == list(b)
    differ = [k for k in a if a[k].shape != b[k].shape]
    assert differ == ["backbone.embd.0.conv.weight"] and a[differ[0]].shape == (512, 3200, 3)


def test_init_bit_identical_to_official_with_same_seed(cl_blob):
    torch.manual_seed(cl_blob["seed"])  # the official fix_random_seed(seed) before building
    model = from_official_config(cl_blob["config"])
    stats = cl_blob["init_stats"]
    state = model.state_dict()
    assert set(stats) == set(state) and len(state) == 168
    for name, s in stats.items():
        t = state[name].double()
        std = t.std().item() if t.numel() > 1 else 0.0
        mine = (t.mean().item(), std, t.min().item(), t.max().item())
        ref = (s["mean"], s["std"], s["min"], s["max"])
        assert all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(mine, ref)), name


def test_init_table(cl_blob):
    model = from_official_config(cl_blob["config"])
    head = model.refineHead
    for conv in (head.s_offset_head, head.e_offset_head, head.prob_head):
        assert torch.count_nonzero(conv.conv.bias) == 0  # no prior on the refine outputs
    assert head.s_offset_head.conv.kernel_size == (7,) and head.prob_head.conv.kernel_size == (3,)
    assert all(s.scale.item() == 1.0 for s in head.scale)
    assert torch.allclose(model.cls_head.cls_head.conv.bias, torch.tensor(-math.log(99.0)))
    # decoder convs keep PyTorch's default init, biases included (not zeroed)
    for name in ("decls.contrans.bias", "dereg.down.bias", "cross_level.conv.bias",
                 "decls.attn.1.bias"):
        assert torch.count_nonzero(model.get_parameter(name)) > 0, name


def test_registered_and_official_keys_only(cl_blob):
    assert MODELS.get("CLTDRGMG") is CLTDRGMG
    built = MODELS.build(dict(type="CLTDRGMG", **cl_blob["config"]))
    assert isinstance(built, CLTDRGMG) and sum(p.numel() for p in built.parameters()) == 83_992
    with pytest.raises(ConfigError, match="CLTDR-GMG model config: unknown keys"):
        from_official_config({**cl_blob["config"], "use_refine": True})
    with pytest.raises(ConfigError, match="missing"):
        from_official_config({k: v for k, v in cl_blob["config"].items() if k != "sgp_mlp_dim"})
