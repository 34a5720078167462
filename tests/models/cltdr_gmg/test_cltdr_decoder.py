"""DCM / DRM / CLFF against the official outputs, their quirks, and the Table 9/11 variants."""

from __future__ import annotations

import pytest
import torch

from harness.errors import ConfigError
from harness.parity.compare import Tolerance, compare_tensor
from harness.registry import MODELS
from models.cltdr_gmg.decoder import CrossLevelFusion, NeighbourLevelFusion

FEATURE = Tolerance(atol=2e-5, rtol=2e-4)  # reference README §D.2
C = 32


def _loaded(blob, prefix: str, module):
    state = {k[len(prefix) + 1:]: v for k, v in blob["state_dict"].items() if k.startswith(prefix + ".")}
    module.load_state_dict(state, strict=True)
    return module


def _official_modules(blob):
    return {
        "decls": _loaded(blob, "decls", NeighbourLevelFusion(dim=C, neighbours=("l+1",))),
        "dereg": _loaded(blob, "dereg", NeighbourLevelFusion(dim=C, neighbours=("l-1",))),
        "cross_level": _loaded(blob, "cross_level", CrossLevelFusion(dim=C)),
    }


@pytest.mark.parametrize("record", ["train", "eval0", "eval2"])
def test_matches_the_official_outputs(cl_blob, record):
    rec = cl_blob["outputs"]["train"] if record == "train" else \
        cl_blob["outputs"]["eval"][int(record[-1])]
    with torch.no_grad():
        for name, module in _official_modules(cl_blob).items():
            out = module(rec["fpn_feats"])
            for level, (a, e) in enumerate(zip(out, rec[f"{name}_feats"])):
                row = compare_tensor(f"{name}[{level}]", a, e, FEATURE)
                assert row.ok, (row.name, row.max_abs)


def test_official_keys_and_pass_through_levels(cl_blob):
    mods = _official_modules(cl_blob)
    assert list(mods["decls"].state_dict()) == [
        "contrans.weight", "contrans.bias", "conv_l.weight", "conv_l.bias", "attn.1.weight",
        "attn.1.bias"]
    assert list(mods["dereg"].state_dict())[:2] == ["down.weight", "down.bias"]
    assert list(mods["cross_level"].state_dict()) == [
        "conv.weight", "conv.bias", "convtrans.weight", "convtrans.bias"]
    feats = cl_blob["outputs"]["train"]["fpn_feats"]
    with torch.no_grad():
        assert mods["decls"](feats)[-1] is feats[-1]  # top level: no l+1
        assert mods["dereg"](feats)[0] is feats[0]  # level 0: no l-1


def test_unmasked_convs_and_gap_over_padding(cl_blob):
    """Padded steps carry values, and changing them moves the valid outputs (the gate's GAP
    and the unmasked convs see them), as the official modules."""
    rec = cl_blob["outputs"]["eval"][0]  # video_0: 100 valid steps padded to 128
    mods = _official_modules(cl_blob)
    feats = [f.clone() for f in rec["fpn_feats"]]
    mask = rec["fpn_masks"][0][0, 0]
    with torch.no_grad():
        base = mods["decls"](feats)[0]
        assert base[..., ~mask].abs().mean() > 0.1
        feats[0][..., ~mask] += 1.0
        moved = mods["decls"](feats)[0]
    assert (moved[..., mask] - base[..., mask]).abs().max() > 1e-3


def _pyramid(levels=3, T=16, B=2, dim=16):
    g = torch.Generator().manual_seed(0)
    return [torch.randn(B, dim, T // 2**i, generator=g, requires_grad=True) for i in range(levels)]


def _count(m):
    return sum(p.numel() for p in m.parameters())


@pytest.mark.parametrize("fusion", ["attention", "add", "concat"])
@pytest.mark.parametrize("neighbours", [("l+1",), ("l-1",), ("l+1", "l-1")])
def test_variants_build_run_and_backprop(fusion, neighbours):
    dim = 16
    m = MODELS.build(dict(type="NeighbourLevelFusion", dim=dim, neighbours=neighbours, fusion=fusion))
    feats = _pyramid(dim=dim)
    out = m(feats)
    assert [o.shape for o in out] == [f.shape for f in feats]
    sum(o.sum() for o in out).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in m.parameters())
    resample = (dim * dim * 3 + dim) * len(neighbours)
    extra = {"attention": 2 * (dim * dim + dim) * len(neighbours), "add": 0,
             "concat": (1 + len(neighbours)) * dim * dim + dim}[fusion]
    assert _count(m) == resample + extra


def test_variant_formulas():
    dim = 16
    feats = [f.detach() for f in _pyramid(dim=dim)]
    add = NeighbourLevelFusion(dim=dim, neighbours=("l+1", "l-1"), fusion="add")
    with torch.no_grad():
        out = add(feats)
        up, down = add.contrans(feats[2]), add.down(feats[0])
        assert torch.allclose(out[1], feats[1] + up + down, atol=1e-6)
        assert torch.allclose(out[2], feats[2] + add.down(feats[1]), atol=1e-6)
    both = NeighbourLevelFusion(dim=dim, neighbours=("l-1", "l+1"))
    keys = [k.split(".")[0] for k in both.state_dict()]
    assert list(dict.fromkeys(keys)) == ["contrans", "up_conv_l", "up_attn", "down",
                                         "down_conv_l", "down_attn"]
    cat = NeighbourLevelFusion(dim=dim, neighbours=("l+1",), fusion="concat")
    with torch.no_grad():
        out = cat(feats)
        expected = cat.fuse(torch.cat([feats[0], cat.contrans(feats[1])], dim=1))
        assert torch.allclose(out[0], expected, atol=1e-6)
        assert out[2] is feats[2]  # no neighbour: passed through


def test_bad_arguments_raise_config_errors():
    with pytest.raises(ConfigError, match="neighbours"):
        NeighbourLevelFusion(dim=8, neighbours=("l+2",))
    with pytest.raises(ConfigError, match="neighbours"):
        NeighbourLevelFusion(dim=8, neighbours=())
    with pytest.raises(ConfigError, match="fusion"):
        NeighbourLevelFusion(dim=8, neighbours=("l+1",), fusion="mul")
