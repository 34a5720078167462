"""MaskedConv1d, apply_mask and the layout-aware convolution paths."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from models.layers.fast_conv import conv1d_fast, is_time_major, max_pool_time, to_taps_layout
from models.layers.masked_conv import MaskedConv1d, apply_mask, conv1x1, downsample_mask


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


def test_apply_mask_skip_is_exact():
    x = torch.randn(2, 3, 5, requires_grad=True)
    full = torch.ones(2, 1, 5, dtype=torch.bool)
    assert apply_mask(x, full) is x
    part = _mask([5, 2], 5)
    torch.testing.assert_close(apply_mask(x, part), x * part)


@pytest.mark.parametrize(
    ("c_in", "c_out", "k", "groups", "stride", "bias"),
    [(8, 6, 3, 1, 1, True), (8, 6, 5, 1, 1, False), (8, 8, 3, 8, 1, False),
     (8, 8, 3, 8, 2, False), (8, 6, 1, 1, 1, True)],
)
def test_time_major_path_equals_conv1d_forward_and_backward(c_in, c_out, k, groups, stride, bias):
    torch.manual_seed(2)
    conv = torch.nn.Conv1d(c_in, c_out, k, stride=stride, padding=k // 2, groups=groups,
                           bias=bias).double()
    if groups == 1 and k > 1:
        conv.weight = torch.nn.Parameter(to_taps_layout(conv.weight.detach()))
    store = torch.randn(3, 10, c_in, dtype=torch.float64, requires_grad=True)
    x = store.transpose(1, 2)  # time-major [B, C, T]
    assert is_time_major(x)
    out = conv1d_fast(x, conv)
    assert is_time_major(out)
    g = torch.randn_like(out)
    grads = torch.autograd.grad((out * g).sum(), [store, *conv.parameters()])
    xc = x.detach().contiguous().requires_grad_()
    ref = F.conv1d(xc, conv.weight, conv.bias, stride=stride, padding=k // 2, groups=groups)
    ref_grads = torch.autograd.grad((ref * g).sum(), [xc, *conv.parameters()])
    torch.testing.assert_close(out, ref)
    torch.testing.assert_close(grads[0].transpose(1, 2), ref_grads[0])  # input, [B, C, T]
    for a, b in zip(grads[1:], ref_grads[1:]):  # weight, bias
        torch.testing.assert_close(a, b)


def test_time_major_conv_short_sequences():
    conv = torch.nn.Conv1d(4, 3, 5, padding=2).double()
    for t in (1, 2, 3):
        x = torch.randn(2, t, 4, dtype=torch.float64).transpose(1, 2)
        torch.testing.assert_close(conv1d_fast(x, conv), conv(x.contiguous()))


def test_taps_layout_keeps_values_and_gradient_layout():
    w = torch.randn(5, 4, 3)
    t = to_taps_layout(w)
    assert torch.equal(t, w) and t.permute(2, 0, 1).is_contiguous()
    conv = MaskedConv1d(4, 5, 3, bias=False, winograd=True)
    assert conv.conv.weight.permute(2, 0, 1).is_contiguous()
    x = torch.randn(2, 8, 4).transpose(1, 2)
    conv(x, torch.ones(2, 1, 8, dtype=torch.bool))[0].sum().backward()
    assert conv.conv.weight.grad.stride() == conv.conv.weight.stride()


def test_conv1x1_and_max_pool_time():
    conv = torch.nn.Conv1d(6, 4, 1)
    x = torch.randn(2, 6, 9)
    torch.testing.assert_close(conv1x1(x, conv), conv(x))
    xt = torch.randn(2, 9, 6).transpose(1, 2)
    torch.testing.assert_close(max_pool_time(xt, 3, 2, 1), F.max_pool1d(xt.contiguous(), 3, 2, 1))
    assert downsample_mask(_mask([8, 3], 8), 2).tolist() == [[[True] * 4], [[True, True, False, False]]]
