"""IdentityNeck1d."""

from __future__ import annotations

import pytest
import torch

from harness.errors import ConfigError
from models.layers.layer_norm import LayerNorm1d
from models.necks.identity import IdentityNeck1d


def test_layer_norm_per_level_masks_unchanged():
    torch.manual_seed(0)
    neck = IdentityNeck1d(in_channels=[4, 4, 4], out_channels=4)
    assert sorted(neck.state_dict()) == sorted(
        f"fpn_norms.{i}.{p}" for i in range(3) for p in ("weight", "bias")
    )
    feats = [torch.randn(2, 4, 8 // 2**i) for i in range(3)]
    masks = [torch.ones(2, 1, 8 // 2**i, dtype=torch.bool) for i in range(3)]
    out, out_masks = neck(feats, masks)
    for f, o in zip(feats, out):
        torch.testing.assert_close(o, LayerNorm1d(4)(f))
    assert all(a is b for a, b in zip(masks, out_masks))


def test_start_level_without_ln_and_channel_check():
    neck = IdentityNeck1d(in_channels=[4, 4, 4], out_channels=4, start_level=1, with_ln=False)
    feats = [torch.randn(1, 4, 4) for _ in range(3)]
    out, _ = neck(feats, [torch.ones(1, 1, 4, dtype=torch.bool)] * 3)
    assert len(out) == 2 and out[0] is feats[1]
    with pytest.raises(ConfigError):
        IdentityNeck1d(in_channels=[4, 8], out_channels=4)
