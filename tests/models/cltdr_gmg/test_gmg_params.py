"""Parameter counts of the GMG backbone at the THUMOS14 configs (models.md §4.5, §5 Table 8).

Built on the meta device: shapes only, no memory or init cost.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

import models.cltdr_gmg  # noqa: F401  (registers GMGBlock)
from harness.registry import MODELS


def thumos_backbone(input_dim: int, **switches) -> nn.Module:
    """The official THUMOS GMG backbone: arch (2,2,5), C 512, mlp 768, windows 1, drop path."""
    block = dict(type="GMGBlock", k=5, mlp_dim=768, downsample_type="max", init_conv_vars=0.0,
                 **switches)
    overrides = [dict(kernel_size=1, path_pdrop=0.0)] * 2 + [
        dict(kernel_size=1, path_pdrop=0.1)
    ] * 5
    with torch.device("meta"):
        return MODELS.build(dict(
            type="TemporalPyramidEncoder", input_dim=input_dim, embd_dim=512, block=block,
            arch=(2, 2, 5), block_overrides=overrides,
        ))


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.fixture(scope="module")
def i3d():
    return thumos_backbone(2048)


def test_thumos_i3d_backbone(i3d):
    assert count(i3d) == 9_510_656  # reference D.1, measured on the official model
    assert count(i3d.embd) + count(i3d.embd_norm) == 3_934_208
    assert [count(b) for b in i3d.stem] == [795_904] * 2
    assert [count(b) for b in i3d.branch] == [796_928] * 5  # + 2·512 drop-path scales


def test_internvideo2_backbone():
    assert count(thumos_backbone(3200)) == 11_280_128  # reference D.1


def test_table8_self_attention_backbone(i3d):
    """FFT → global MaskedMHCA in all 7 blocks: −8C spectral parameters, + one attention.

    Attention at C = 512: q/k/v/proj 1×1 convs 4·(C² + C) = 1,050,624, three depthwise k3
    convs without bias 3·3C = 4,608, three LayerNorms 3·2C = 3,072: 1,058,304 per block.
    Backbone 9,510,656 + 7·(1,058,304 − 4,096) = 16,890,112 (≈ 16.89M; paper prints 26.1M).
    """
    sa = thumos_backbone(2048, global_extractor="self_attention")
    assert [count(b.global_attn) for b in [*sa.stem, *sa.branch]] == [1_058_304] * 7
    assert count(sa) == 16_890_112
    assert round(count(sa) / 1e6, 2) == 16.89
    assert count(sa) - count(i3d) == 7 * (1_058_304 - 8 * 512)


@pytest.mark.parametrize(
    ("branches", "removed_per_block"),
    [(("instant", "local"), 8 * 512), (("instant", "global"), 2 * 512),
     (("local", "global"), 2 * 512), (("global",), 4 * 512)],
)
def test_table6_branch_subsets(i3d, branches, removed_per_block):
    """Disabled branches build nothing: global 8C (w1, b1, w2, b2), local C·k + C, instant 2C."""
    assert count(i3d) - count(thumos_backbone(2048, branches=branches)) == 7 * removed_per_block
