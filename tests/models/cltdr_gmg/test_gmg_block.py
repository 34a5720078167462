"""GMGBlock: official parity (backbone of the CLTDR-GMG small vectors), init, keys, formula."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from harness.errors import ConfigError
from harness.parity.compare import EXACT, Tolerance, compare_tensor
from harness.registry import MODELS
from models.cltdr_gmg.gmg_block import GMGBlock
from models.necks.identity import IdentityNeck1d

FEATURE = Tolerance(atol=2e-5, rtol=2e-4)  # reference README §D.3 (features/logits)


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def gmg_blob(golden):
    return torch.load(golden / "cltdr_gmg_small_seed0.pt", weights_only=True)


def small_encoder() -> nn.Module:
    """The reference small backbone: arch [2,2,3], C 32, input 64, stem kernel 1, win 5."""
    block = dict(type="GMGBlock", k=5, mlp_dim=48, downsample_type="max", init_conv_vars=0.0)
    overrides = [dict(kernel_size=1, path_pdrop=0.0)] * 2 + [
        dict(kernel_size=5, path_pdrop=0.1)
    ] * 3
    return MODELS.build(dict(
        type="TemporalPyramidEncoder", input_dim=64, embd_dim=32, block=block, arch=(2, 2, 3),
        block_overrides=overrides,
    ))


def _loaded(blob) -> tuple[nn.Module, nn.Module]:
    enc = small_encoder()
    enc.load_state_dict(
        {k[len("backbone."):]: v for k, v in blob["state_dict"].items() if k.startswith("backbone.")},
        strict=True,
    )
    neck = IdentityNeck1d(in_channels=[32] * 4, out_channels=32)
    neck.load_state_dict(
        {k[len("neck."):]: v for k, v in blob["state_dict"].items() if k.startswith("neck.")},
        strict=True,
    )
    return enc.eval(), neck.eval()  # eval: drop path = scale only (the vectors' drop prob 0)


def _assert_rows(rows) -> None:
    bad = [(r.name, r.max_abs, r.worst, r.note) for r in rows if not r.ok]
    assert not bad, bad


def test_backbone_parity_train_batch(gmg_blob):
    enc, _ = _loaded(gmg_blob)
    ref = gmg_blob["outputs"]["train"]
    feats = torch.stack([F.pad(f, (0, ref["padded_len"] - f.shape[-1]))
                         for f in gmg_blob["inputs"]["feats"]])  # [2, 64, 128] zero padded
    with torch.no_grad():
        out, masks = enc(feats, ref["batched_masks"])
    assert len(out) == len(ref["backbone_feats"]) == 4
    rows = []
    for lvl in range(4):
        rows.append(compare_tensor(f"feats[{lvl}]", out[lvl], ref["backbone_feats"][lvl], FEATURE))
        rows.append(compare_tensor(f"masks[{lvl}]", masks[lvl], ref["backbone_masks"][lvl], EXACT))
    _assert_rows(rows)
    assert out[0].dtype == torch.float32 and out[3].shape == (2, 32, 16)


def test_backbone_parity_eval_videos(gmg_blob):
    """Each eval video (B = 1) padded as the official eval (128, 128, 160), through the neck."""
    enc, neck = _loaded(gmg_blob)
    videos = [*gmg_blob["inputs"]["feats"], gmg_blob["inputs"]["feats_long"]]
    rows = []
    for i, (feats, ref) in enumerate(zip(videos, gmg_blob["outputs"]["eval"])):
        x = F.pad(feats, (0, ref["padded_len"] - feats.shape[-1]))[None]  # [1, 64, T_pad]
        with torch.no_grad():
            fpn, fpn_masks = neck(*enc(x, ref["batched_masks"]))
        for lvl in range(4):
            rows.append(compare_tensor(f"eval[{i}].fpn[{lvl}]", fpn[lvl], ref["fpn_feats"][lvl], FEATURE))
            rows.append(compare_tensor(f"eval[{i}].mask[{lvl}]", fpn_masks[lvl],
                                       ref["fpn_masks"][lvl], EXACT))
    assert [r["padded_len"] for r in gmg_blob["outputs"]["eval"]] == [128, 128, 160]
    _assert_rows(rows)


def test_a_wrong_spectral_weight_is_caught(gmg_blob):
    enc, _ = _loaded(gmg_blob)
    with torch.no_grad():
        enc.branch[1].b2[1, 3] += 0.05
    ref = gmg_blob["outputs"]["train"]
    feats = torch.stack([F.pad(f, (0, 128 - f.shape[-1])) for f in gmg_blob["inputs"]["feats"]])
    with torch.no_grad():
        out, _ = enc(feats, ref["batched_masks"])
    assert compare_tensor("l1", out[1], ref["backbone_feats"][1], FEATURE).ok  # before the change
    assert not compare_tensor("l2", out[2], ref["backbone_feats"][2], FEATURE).ok


def test_seeded_init_is_the_official_one(gmg_blob):
    """Same seed → same draws as the official build (init_stats of every backbone tensor)."""
    torch.manual_seed(gmg_blob["seed"])  # official fix_random_seed, then the backbone is built first
    state = small_encoder().state_dict()
    stats = {k[len("backbone."):]: s for k, s in gmg_blob["init_stats"].items()
             if k.startswith("backbone.")}
    assert set(stats) == set(state)
    for name, s in stats.items():
        t = state[name].double()
        mine = (t.mean().item(), t.std().item() if t.numel() > 1 else 0.0, t.min().item(),
                t.max().item())
        ref = (s["mean"], s["std"], s["min"], s["max"])
        assert all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(mine, ref)), name
    assert 0.015 < state["stem.0.b1"].std() < 0.025  # b1, b2 are 0.02·N(0,1) too, not zero
    assert torch.count_nonzero(state["branch.2.convw.weight"]) == 0  # init_conv_vars 0


def test_state_dict_keys_are_official(gmg_blob):
    enc = small_encoder()
    ref = {k[len("backbone."):]: tuple(v.shape) for k, v in gmg_blob["state_dict"].items()
           if k.startswith("backbone.")}
    mine = {k: tuple(v.shape) for k, v in enc.state_dict().items()}
    assert mine == ref
    assert list(enc.branch[0].state_dict())[:4] == ["w1", "b1", "w2", "b2"]  # official order


def test_registered_and_k_is_ignored():
    assert MODELS.get("GMGBlock") is GMGBlock
    torch.manual_seed(0)
    a = GMGBlock(dim=16, kernel_size=3, k=1.5)
    torch.manual_seed(0)
    b = GMGBlock(dim=16, kernel_size=3, k=5.0)
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    assert [tuple(p.shape) for p in a.parameters()] == [tuple(p.shape) for p in b.parameters()]


def test_avg_downsample_and_shapes():
    blk = GMGBlock(dim=16, stride=2, kernel_size=3, mlp_dim=24, path_pdrop=0.1,
                   downsample_type="avg")
    x = torch.randn(2, 16, 20)
    mask = (torch.arange(20)[None] < torch.tensor([20, 13])[:, None])[:, None]
    out, out_mask = blk(x, mask)
    assert out.shape == (2, 16, 10) and torch.equal(out_mask, mask[..., ::2])
    assert "downsample.1.weight" in blk.state_dict()
    assert isinstance(GMGBlock(dim=16).downsample, nn.Identity)


@pytest.mark.parametrize(
    "kwargs",
    [dict(branches=()), dict(branches=("instant", "coarse")), dict(branches="global"),
     dict(branches=("local", "local")), dict(gate_act="gelu"), dict(global_extractor="conv"),
     dict(gate=False, gate_act="relu"), dict(gate="yes"), dict(kernel_size=2),
     dict(global_extractor="self_attention", n_head=3), dict(stride=2, downsample_type="conv")],
)
def test_bad_switches_raise_one_line_config_errors(kwargs):
    with pytest.raises(ConfigError) as err:
        GMGBlock(dim=16, **kwargs)
    assert "\n" not in str(err.value) and "GMGBlock" in str(err.value)


def test_runs_in_float32_under_autocast():
    torch.manual_seed(0)
    blk = GMGBlock(dim=16, stride=2, kernel_size=3, init_conv_vars=0.3).eval()
    x = torch.randn(2, 16, 16)
    mask = torch.ones(2, 1, 16, dtype=torch.bool)
    plain, _ = blk(x, mask)
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        auto, _ = blk(x, mask)
        low, _ = blk(x.bfloat16(), mask)
    assert auto.dtype == torch.float32 and torch.equal(auto, plain)
    assert low.dtype == torch.float32
