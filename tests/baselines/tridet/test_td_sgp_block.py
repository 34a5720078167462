"""SGPBlock: shapes, kernel rule, pooling variants, padding dependence, the zero-init quirk."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from baselines.tridet import SGPBlock, from_official_config
from harness.errors import ConfigError
from models.layers.sgp import window_kernel_size

SGP_CONVS = ("psi", "fc", "convw", "convkw", "global_fc")


@pytest.mark.parametrize(
    ("w", "k", "expected"),
    [(1, 5, 11), (15, 1.3, 21), (1, 1.5, 3), (1, 2.5, 5), (5, 2, 13), (3, 1.2, 5),
     (1, 1.25, 3)],  # round(2.5) = 2 (half to even) -> 3
)
def test_window_kernel_size(w, k, expected):
    assert window_kernel_size(w, k) == expected


def _randomise(block: nn.Module) -> None:
    torch.manual_seed(1)
    with torch.no_grad():
        for p in block.parameters():
            p.add_(0.3 * torch.randn_like(p))


@pytest.mark.parametrize("downsample_type", ["max", "avg"])
def test_shapes_masks_and_keys(downsample_type):
    blk = SGPBlock(dim=16, stride=2, kernel_size=3, k=1.5, mlp_dim=24, path_pdrop=0.1,
                   downsample_type=downsample_type)
    x = torch.randn(2, 16, 20)
    mask = (torch.arange(20)[None] < torch.tensor([20, 13])[:, None])[:, None]
    out, out_mask = blk(x, mask)
    assert out.shape == (2, 16, 10) and out_mask.shape == (2, 1, 10)
    assert torch.equal(out_mask, mask[..., ::2])
    keys = set(blk.state_dict())
    assert {"psi.weight", "convkw.weight", "global_fc.bias", "mlp.2.weight", "gn.weight",
            "drop_path_out.scale", "drop_path_mlp.scale"} <= keys
    assert ("downsample.1.weight" in keys) == (downsample_type == "avg")
    assert blk.convkw.kernel_size == (7,)  # round(4·1.5) = 6 -> 7
    assert blk.mlp[0].out_channels == 24


def test_stem_block_has_no_pool_and_no_drop_path():
    blk = SGPBlock(dim=16, kernel_size=1, k=5)
    assert isinstance(blk.downsample, nn.Identity)
    assert isinstance(blk.drop_path_out, nn.Identity)
    assert blk.mlp[0].out_channels == 64  # default 4·C
    with pytest.raises(ConfigError):
        SGPBlock(dim=16, kernel_size=2)
    with pytest.raises(ConfigError):
        SGPBlock(dim=16, stride=2, downsample_type="conv")


def test_formula_against_plain_convolutions():
    """The forward equals the official formula written with nn.Conv1d calls."""
    blk = SGPBlock(dim=16, stride=2, kernel_size=3, k=2, mlp_dim=32, path_pdrop=0.1)
    _randomise(blk)
    blk.eval()  # no random drop path
    x = torch.randn(2, 16, 24)
    mask = (torch.arange(24)[None] < torch.tensor([24, 17])[:, None])[:, None]
    out, _ = blk(x, mask)
    xd = nn.functional.max_pool1d(x, 3, 2, 1)
    m = mask[..., ::2].float()
    u = blk.ln(xd)
    phi = torch.relu(blk.global_fc(u.mean(-1, keepdim=True)))
    y = blk.fc(u) * phi + (blk.convw(u) + blk.convkw(u)) * blk.psi(u) + u
    y = xd * m + blk.drop_path_out.scale * y
    y = y + blk.drop_path_mlp.scale * blk.mlp(blk.gn(y))
    assert torch.allclose(out, y, atol=1e-5)
    assert all(type(m) is nn.Conv1d for m in (blk.psi, blk.fc, blk.convw, blk.convkw, blk.global_fc))


def test_outputs_depend_on_the_padded_length():
    """Mean over the padded axis, GroupNorm statistics and unmasked branches (official)."""
    blk = SGPBlock(dim=16, kernel_size=3, k=1.5, mlp_dim=16)
    _randomise(blk)
    x = torch.randn(1, 16, 12)
    short, _ = blk(nn.functional.pad(x, (0, 4)), torch.arange(16)[None, None] < 12)
    long, _ = blk(nn.functional.pad(x, (0, 20)), torch.arange(32)[None, None] < 12)
    assert (short[..., :12] - long[..., :12]).abs().max() > 1e-3


def _tiny_tridet(init_conv_vars):
    return from_official_config(dict(
        input_dim=8, num_classes=3, max_seq_len=32, sgp_mlp_dim=24, backbone_arch=(2, 2, 2),
        regression_range=[(0, 4), (4, 8), (8, 10000)], n_sgp_win_size=1, k=5, embd_dim=16,
        fpn_dim=16, head_dim=16, num_bins=4, iou_weight_power=0.2, input_noise=5e-4,
        init_conv_vars=init_conv_vars,
        train_cfg=dict(init_loss_norm=100, clip_grad_l2norm=1.0),
    ))


def _train_steps(model, steps=4):
    from harness.optim import DecayWhitelistOptimWrapperConstructor

    ctor = DecayWhitelistOptimWrapperConstructor(
        optim_wrapper_cfg=dict(type="OptimWrapper", clip_grad=dict(max_norm=1.0),
                               optimizer=dict(type="AdamW", lr=1e-2, weight_decay=0.025)))
    wrapper = ctor(model)
    torch.manual_seed(0)
    x = torch.randn(2, 8, 32)
    masks = (torch.arange(32)[None] < torch.tensor([32, 25])[:, None])[:, None]
    samples = [dict(segments=torch.tensor([[3.0, 12.0], [15.0, 30.0]]), labels=torch.tensor([0, 2])),
               dict(segments=torch.tensor([[5.0, 9.0]]), labels=torch.tensor([1]))]
    for _ in range(steps):
        model.train_step(dict(inputs=x, masks=masks, data_samples=samples), wrapper)


def test_zero_initialised_sgp_convs_stay_exactly_zero():
    """init_conv_vars 0 (THUMOS, EPIC): every gradient to the five branch convs passes through
    a product with another zero, so after AdamW steps (weight decay, clipping) they are still
    exactly zero and SGP reduces to x + LN(x) + FFN (models.md §3, dingfengshi/TriDet#37)."""
    torch.manual_seed(0)
    model = _tiny_tridet(0)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    _train_steps(model)
    sgp = {n: p for n, p in model.named_parameters() if n.split(".")[-2] in SGP_CONVS}
    assert len(sgp) == 4 * 5 * 2
    assert all(torch.count_nonzero(p) == 0 for p in sgp.values())
    others = [n for n, p in model.named_parameters()
              if n not in sgp and not torch.equal(p, before[n])]
    assert "backbone.stem.0.mlp.0.weight" in others and "reg_head.offset_head.conv.weight" in others


def test_nonzero_initialised_sgp_convs_train():
    torch.manual_seed(0)
    model = _tiny_tridet(0.1)
    before = model.backbone.branch[0].convkw.weight.detach().clone()
    _train_steps(model, steps=2)
    assert not torch.equal(before, model.backbone.branch[0].convkw.weight)


def test_zero_branch_weights_give_exactly_zero_branch_gradients():
    """With the official zero init every branch conv gets an exact-zero gradient."""
    blk = SGPBlock(dim=16, kernel_size=1, k=5, mlp_dim=16, init_conv_vars=0.0)
    x = torch.randn(2, 16, 24)
    out, _ = blk(x, torch.ones(2, 1, 24, dtype=torch.bool))
    out.square().sum().backward()
    for conv in (blk.psi, blk.fc, blk.convw, blk.convkw, blk.global_fc):
        assert conv.weight.grad is not None and torch.count_nonzero(conv.weight.grad) == 0
        assert torch.count_nonzero(conv.bias.grad) == 0
    assert isinstance(blk.downsample, nn.Identity)
