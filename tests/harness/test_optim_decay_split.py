"""The official weight-decay split as an mmengine optimiser-wrapper constructor."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from harness.errors import ConfigError
from harness.optim import (
    DecaySplitRules,
    DecayWhitelistOptimWrapperConstructor,
    split_decay_parameters,
)


class MaskedConv1d(nn.Module):  # stands in for models.layers' class: matched by name
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv1d(c, c, 3, padding=1, bias=False)


class LayerNorm1d(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, c, 1))
        self.bias = nn.Parameter(torch.zeros(1, c, 1))


class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(1.0))


class AffineDropPath(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.scale = nn.Parameter(1e-4 * torch.ones(1, c, 1))


class GMGLike(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(2, c, 1))
        self.b1 = nn.Parameter(torch.zeros(2, c))


class Toy(nn.Module):
    def __init__(self, c=4):
        super().__init__()
        self.embd = MaskedConv1d(c)
        self.ln = LayerNorm1d(c)
        self.proj = nn.Linear(c, c)
        self.gn = nn.GroupNorm(2, c)
        self.head = nn.Conv1d(c, 3, 1)
        self.scales = nn.ModuleList([Scale(), Scale()])
        self.drop = AffineDropPath(c)
        self.rel_pe = nn.Parameter(torch.zeros(1, c, 5))
        self.up = nn.ConvTranspose1d(c, c, 3)


EXPECTED_DECAY = ["embd.conv.weight", "head.weight", "proj.weight"]
EXPECTED_NO_DECAY = sorted(
    ["drop.scale", "gn.bias", "gn.weight", "head.bias", "ln.bias", "ln.weight", "proj.bias",
     "rel_pe", "scales.0.scale", "scales.1.scale", "up.bias"]
)


def test_split_matches_official_rules_and_is_a_partition():
    rules = DecaySplitRules(decay_types=DecaySplitRules().decay_types + ("ConvTranspose1d",))
    decay, no_decay = split_decay_parameters(Toy(), rules)
    assert decay == sorted(EXPECTED_DECAY + ["up.weight"])
    assert no_decay == EXPECTED_NO_DECAY
    names = {n for n, _ in Toy().named_parameters()}
    assert set(decay) | set(no_decay) == names and not set(decay) & set(no_decay)


def test_unmatched_parameter_is_an_error_naming_it():
    with pytest.raises(ConfigError, match="up.weight"):
        split_decay_parameters(Toy(), DecaySplitRules())  # ConvTranspose1d not whitelisted


def test_name_whitelists_cover_gmg_parameters():
    model = nn.Sequential(GMGLike(4))
    with pytest.raises(ConfigError, match="w1"):
        split_decay_parameters(model, DecaySplitRules())
    decay, no_decay = split_decay_parameters(
        model, DecaySplitRules(decay_params=("w1",), no_decay_params=("b1",))
    )
    assert decay == ["0.w1"] and no_decay == ["0.b1"]


def test_constructor_builds_two_groups_without_lr_scaling():
    cfg = dict(
        type="OptimWrapper",
        optimizer=dict(type="AdamW", lr=3e-4, weight_decay=0.05),
        clip_grad=dict(max_norm=1.0),
    )
    ctor = DecayWhitelistOptimWrapperConstructor(
        optim_wrapper_cfg=cfg, paramwise_cfg=dict(extra_decay_types=["ConvTranspose1d"])
    )
    model = Toy()
    wrapper = ctor(model)
    groups = wrapper.optimizer.param_groups
    assert isinstance(wrapper.optimizer, torch.optim.AdamW)
    assert [g["weight_decay"] for g in groups] == [0.05, 0.0]
    assert all(g["lr"] == 3e-4 for g in groups)
    params = dict(model.named_parameters())
    assert [id(p) for p in groups[0]["params"]] == [
        id(params[n]) for n in sorted(EXPECTED_DECAY + ["up.weight"])
    ]
    assert sum(len(g["params"]) for g in groups) == len(params)
    assert wrapper.clip_grad_kwargs == dict(max_norm=1.0)


def test_constructor_rejects_unknown_paramwise_keys():
    with pytest.raises(ConfigError, match="bias_decay_mult"):
        DecayWhitelistOptimWrapperConstructor(
            optim_wrapper_cfg=dict(optimizer=dict(type="AdamW", lr=1.0)),
            paramwise_cfg=dict(bias_decay_mult=0.0),
        )


def test_clip_grad_is_global_l2_norm():
    """mmengine's clip_grad=dict(max_norm=1.0) equals torch's global L2 clipping (official)."""
    torch.manual_seed(0)
    model_a, model_b = Toy(), Toy()
    model_b.load_state_dict(model_a.state_dict())
    ctor = DecayWhitelistOptimWrapperConstructor(
        optim_wrapper_cfg=dict(optimizer=dict(type="SGD", lr=0.1), clip_grad=dict(max_norm=1.0)),
        paramwise_cfg=dict(extra_decay_types=["ConvTranspose1d"]),
    )
    wrapper = ctor(model_a)
    x = torch.randn(2, 4, 5)
    for model in (model_a, model_b):
        out = model.head(model.embd.conv(x)).sum() * 100 + model.proj(x.transpose(1, 2)).sum()
        out.backward()
    wrapper.step()
    torch.nn.utils.clip_grad_norm_(model_b.parameters(), 1.0)
    with torch.no_grad():
        for p in model_b.parameters():
            if p.grad is not None:
                p -= 0.1 * p.grad
    for (name, a), b in zip(model_a.state_dict().items(), model_b.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-7), name
