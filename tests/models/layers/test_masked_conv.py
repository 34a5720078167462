"""MaskedConv1d, apply_mask and downsample_mask."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from models.layers.masked_conv import MaskedConv1d, apply_mask, downsample_mask


def _mask(lengths: list[int], t: int) -> torch.Tensor:
    return (torch.arange(t)[None] < torch.tensor(lengths)[:, None])[:, None]  # [B, 1, T]


@pytest.mark.parametrize("stride", [1, 2, 4])
def test_lengths_mask_and_zero_outside(stride):
    torch.manual_seed(0)
    conv = MaskedConv1d(6, 5, 3, stride=stride)
    x = torch.randn(2, 6, 16, requires_grad=True)
    mask = _mask([16, 9], 16)
    out, out_mask = conv(x, mask)
    assert out.shape == (2, 5, 16 // stride) and out_mask.shape == (2, 1, 16 // stride)
    assert torch.equal(out_mask, mask[..., ::stride])
    assert torch.equal(out_mask.float(), F.interpolate(mask.float(), size=16 // stride))
    assert (out[~out_mask.expand_as(out)] == 0).all()
    out.sum().backward()
    assert x.grad is not None and conv.conv.weight.grad is not None


def test_kernel_alignment_and_divisibility_asserted():
    with pytest.raises(AssertionError):
        MaskedConv1d(4, 4, 4)
    with pytest.raises(AssertionError):
        MaskedConv1d(4, 4, 3, padding=0)
    conv = MaskedConv1d(4, 4, 3, stride=2)
    with pytest.raises(AssertionError):
        conv(torch.randn(1, 4, 7), torch.ones(1, 1, 7, dtype=torch.bool))


def test_bias_zero_and_matches_plain_conv_times_mask():
    torch.manual_seed(1)
    conv = MaskedConv1d(4, 3, 5)
    assert torch.count_nonzero(conv.conv.bias) == 0
    with torch.no_grad():
        conv.conv.bias.normal_()
    x, mask = torch.randn(2, 4, 12), _mask([12, 5], 12)
    out, _ = conv(x, mask)
    ref = F.conv1d(x, conv.conv.weight, conv.conv.bias, padding=2) * mask
    torch.testing.assert_close(out, ref)


def test_apply_mask_is_the_official_product():
    x = torch.randn(2, 3, 5, requires_grad=True)
    part = _mask([5, 2], 5)
    torch.testing.assert_close(apply_mask(x, part), x * part.float())
    assert (apply_mask(x, part)[1, :, 2:] == 0).all()


def test_weights_are_plain_conv_layout_and_downsample_mask():
    conv = MaskedConv1d(4, 5, 3, bias=False)
    assert type(conv.conv) is torch.nn.Conv1d and conv.conv.weight.is_contiguous()
    assert conv.conv.weight.shape == (5, 4, 3)
    assert downsample_mask(_mask([8, 3], 8), 2).tolist() == [[[True] * 4], [[True, True, False, False]]]
