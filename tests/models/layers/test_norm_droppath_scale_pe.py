"""LayerNorm1d, AffineDropPath, Scale and the sinusoidal position embedding."""

from __future__ import annotations

import math

import torch

from models.layers.drop_path import AffineDropPath, drop_path, set_drop_path_prob
from models.layers.layer_norm import LayerNorm1d
from models.layers.pos_embed import scaled_position_embedding, sinusoid_position_embedding
from models.layers.scale import Scale


def test_layer_norm_matches_official_formula_and_init():
    torch.manual_seed(0)
    ln = LayerNorm1d(6)
    assert ln.weight.shape == (1, 6, 1) and ln.bias.shape == (1, 6, 1)
    assert torch.equal(ln.weight, torch.ones(1, 6, 1)) and torch.equal(ln.bias, torch.zeros(1, 6, 1))
    with torch.no_grad():
        ln.weight.normal_()
        ln.bias.normal_()
    x = torch.randn(2, 6, 7) * 3 + 1
    mu = x.mean(1, keepdim=True)
    res = x - mu
    ref = res / torch.sqrt((res**2).mean(1, keepdim=True) + 1e-5) * ln.weight + ln.bias
    torch.testing.assert_close(ln(x), ref, atol=1e-5, rtol=1e-5)
    # time-major input gives the same values
    torch.testing.assert_close(ln(x.transpose(1, 2).contiguous().transpose(1, 2)), ref,
                               atol=1e-5, rtol=1e-5)


def test_drop_path_identity_without_drop_and_scale_init():
    dp = AffineDropPath(4, drop_prob=0.5)
    assert torch.allclose(dp.scale, torch.full((1, 4, 1), 1e-4))
    x = torch.randn(3, 4, 5)
    dp.eval()
    torch.testing.assert_close(dp(x), dp.scale * x)
    assert drop_path(x, 0.0, True) is x


def test_drop_path_drops_whole_samples_and_rescales():
    torch.manual_seed(0)
    x = torch.ones(400, 2, 3)
    out = drop_path(x, 0.25, True)
    per_sample = out.flatten(1)
    assert ((per_sample == 0).all(1) | (per_sample == 1 / 0.75).all(1)).all()
    kept = (per_sample[:, 0] > 0).float().mean().item()
    assert 0.65 < kept < 0.85


def test_affine_drop_path_is_drop_path_of_scaled_input():
    dp = AffineDropPath(3, drop_prob=0.3)
    with torch.no_grad():
        dp.scale.uniform_(0.5, 1.0)
    dp.train()
    x = torch.randn(6, 3, 4)
    torch.manual_seed(5)
    got = dp(x)
    torch.manual_seed(5)
    torch.testing.assert_close(got, drop_path(dp.scale * x, 0.3, True))
    model = torch.nn.Sequential(dp, AffineDropPath(3, drop_prob=0.1))
    assert set_drop_path_prob(model, 0.0) == 2 and dp.drop_prob == 0.0


def test_scale():
    s = Scale()
    assert s.scale.dim() == 0 and s.scale.item() == 1.0
    x = torch.randn(2, 3)
    with torch.no_grad():
        s.scale.fill_(2.5)
    torch.testing.assert_close(s(x), 2.5 * x)


def test_sinusoid_table():
    pe = sinusoid_position_embedding(10, 6)
    assert pe.shape == (1, 6, 10) and pe.dtype == torch.float32
    t = 7  # channel 2i = sin(t / 10000^(2i/C)); pair i = 1 -> channels 2 and 3
    assert math.isclose(pe[0, 2, t].item(), math.sin(t / 10000 ** (2 / 6)), rel_tol=1e-6)
    assert math.isclose(pe[0, 3, t].item(), math.cos(t / 10000 ** (2 / 6)), rel_tol=1e-6)
    torch.testing.assert_close(scaled_position_embedding(10, 6), pe / math.sqrt(6))
