"""The fused SGP forward (folded instant branch, summed window kernels, channels-last group
norm, fused drop-path residuals) against the official formula, values and gradients."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from baselines.tridet import SGPBlock


def _official(blk: SGPBlock, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The official SGPBlock.forward written with the module's own layers (channel-major)."""
    xd = blk.downsample(x) if blk.stride > 1 else x
    m = mask[..., :: blk.stride].to(x.dtype)
    u = blk.ln(xd)
    phi = torch.relu(blk.global_fc(u.mean(-1, keepdim=True)))
    y = blk.fc(u) * phi + (blk.convw(u) + blk.convkw(u)) * blk.psi(u) + u
    y = xd * m + blk.drop_path_out(y)
    return y + blk.drop_path_mlp(blk.mlp(blk.gn(y)))


@pytest.mark.parametrize(("stride", "kernel_size", "k"), [(1, 1, 5), (2, 3, 1.5), (2, 1, 5)])
def test_fused_forward_and_gradients_equal_the_official_formula(stride, kernel_size, k):
    torch.manual_seed(0)
    blk = SGPBlock(dim=16, stride=stride, kernel_size=kernel_size, k=k, mlp_dim=24,
                   path_pdrop=0.3 if stride > 1 else 0.0, init_conv_vars=0.2).double()
    with torch.no_grad():
        for conv in (blk.psi, blk.fc, blk.convw, blk.convkw, blk.global_fc):
            conv.bias.normal_()
    blk.train()
    store = torch.randn(3, 24, 16, dtype=torch.float64)
    mask = (torch.arange(24)[None] < torch.tensor([24, 17, 9])[:, None])[:, None]
    x = store.transpose(1, 2).requires_grad_()  # time-major [B, C, T]
    torch.manual_seed(5)
    out, _ = blk(x, mask)
    xc = x.detach().contiguous().requires_grad_()
    torch.manual_seed(5)
    ref = _official(blk, xc, mask)
    torch.testing.assert_close(out, ref)
    g = torch.randn_like(ref)
    params = list(blk.parameters())
    got = torch.autograd.grad((out * g).sum(), [x, *params])
    exp = torch.autograd.grad((ref * g).sum(), [xc, *params])
    for (name, _), a, b in zip([("x", None), *blk.named_parameters()], got, exp):
        torch.testing.assert_close(a, b, msg=name)


def test_zero_branch_weights_give_exactly_zero_branch_gradients():
    """With the official zero init the fused branches still give exact-zero gradients."""
    blk = SGPBlock(dim=16, kernel_size=1, k=5, mlp_dim=16, init_conv_vars=0.0)
    x = torch.randn(2, 24, 16).transpose(1, 2)
    out, _ = blk(x, torch.ones(2, 1, 24, dtype=torch.bool))
    out.square().sum().backward()
    for conv in (blk.psi, blk.fc, blk.convw, blk.convkw, blk.global_fc):
        assert conv.weight.grad is not None and torch.count_nonzero(conv.weight.grad) == 0
        assert torch.count_nonzero(conv.bias.grad) == 0
    assert isinstance(blk.downsample, nn.Identity)
