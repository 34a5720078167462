"""Windowed and global masked attention, and the LocalMaskedMHA module."""

from __future__ import annotations

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from models.layers.local_attention import (
    LocalMaskedMHA,
    choose_block,
    global_attention,
    local_attention,
)


def _reference(q, k, v, mask, w, scale):
    """Naive banded attention on [B, T, H, D] (T×T scores: test only)."""
    qq, kk, vv = (t.transpose(1, 2) for t in (q, k, v))  # [B, H, T, D]
    s = (qq @ kk.transpose(-1, -2)) * scale
    i = torch.arange(q.shape[1])
    band = (i[None, :] - i[:, None]).abs() <= w if w > 0 else torch.ones(len(i), len(i), dtype=torch.bool)
    s = s.masked_fill(~(band[None, None] & mask[:, None, None, :]), -1e30)
    return (s.softmax(-1) @ vv).transpose(1, 2)


@pytest.mark.parametrize("t", [36, 37])
@pytest.mark.parametrize("w", [1, 4, 9])
@pytest.mark.parametrize("block", [None, 4, 18, 64])
def test_local_attention_matches_banded_reference(t, w, block):
    torch.manual_seed(0)
    q, k, v = (torch.randn(2, t, 3, 8, dtype=torch.float64, requires_grad=True) for _ in range(3))
    mask = torch.arange(t)[None] < torch.tensor([t, 20])[:, None]
    out = local_attention(q, k, v, mask, overlap=w, scale=0.3, block=block)
    ref = _reference(q, k, v, mask, w, 0.3)
    valid = mask[:, :, None, None]
    torch.testing.assert_close(out * valid, ref * valid)
    g = torch.randn_like(out) * valid
    grads = torch.autograd.grad((out * g).sum(), (q, k, v))
    ref_grads = torch.autograd.grad((ref * g).sum(), (q, k, v))
    for a, b in zip(grads, ref_grads):
        torch.testing.assert_close(a, b)


def test_fully_masked_queries_stay_finite():
    q = k = v = torch.randn(1, 40, 2, 4)
    mask = torch.zeros(1, 40, dtype=torch.bool)
    mask[0, :3] = True
    out = local_attention(q, k, v, mask, overlap=2, scale=0.5)
    assert torch.isfinite(out).all()


class _LargestTensor(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.largest = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, (tuple, list)) else [out]:
            if isinstance(t, torch.Tensor):
                self.largest = max(self.largest, t.numel())
        return out


def test_no_t_by_t_matrix_forward_and_backward():
    T = 1024
    q, k, v = (torch.randn(1, T, 1, 2, requires_grad=True) for _ in range(3))
    mask = torch.ones(1, T, dtype=torch.bool)
    with _LargestTensor() as mode:
        out = local_attention(q, k, v, mask, overlap=4, scale=1.0)
        out.sum().backward()
    assert mode.largest < T * T // 8, mode.largest


def test_choose_block():
    assert choose_block(2304, 9) % 18 == 0 and 2304 % choose_block(2304, 9) == 0
    assert choose_block(72, 9) in (18, 36)
    assert choose_block(37, 4) >= 8


def test_global_attention_matches_reference():
    torch.manual_seed(1)
    q, k, v = (torch.randn(2, 11, 2, 4, dtype=torch.float64) for _ in range(3))
    mask = torch.arange(11)[None] < torch.tensor([11, 6])[:, None]
    out = global_attention(q, k, v, mask, scale=0.5)
    torch.testing.assert_close(out, _reference(q, k, v, mask, 0, 0.5))


def _module_out(mha, x, length):
    t = x.shape[-1]
    mask = (torch.arange(t) < length)[None, None]
    return mha(x, mask)


@pytest.mark.parametrize("window", [9, -1])
@pytest.mark.parametrize("stride", [1, 2])
def test_module_shapes_keys_and_padding_invariance(window, stride):
    torch.manual_seed(3)
    mha = LocalMaskedMHA(16, n_head=4, window_size=window, stride=stride).eval()
    keys = {k.split(".")[0] for k in mha.state_dict()}
    assert keys == {"query_conv", "query_norm", "key_conv", "key_norm", "value_conv",
                    "value_norm", "key", "query", "value", "proj"}
    x = torch.randn(1, 16, 64)
    x[..., 40:] = 0
    out64, m64 = _module_out(mha, x, 40)
    out128, m128 = _module_out(mha, torch.nn.functional.pad(x, (0, 64)), 40)
    assert out64.shape == (1, 16, 64 // stride) and m64.shape == (1, 1, 64 // stride)
    valid = 40 // stride
    torch.testing.assert_close(out64[..., :valid], out128[..., :valid], atol=1e-6, rtol=1e-5)
    assert (out64[..., valid:] == 0).all()
    mha.train()
    out, _ = _module_out(mha, x, 40)
    out.sum().backward()
    assert all(p.grad is not None for p in mha.parameters())
