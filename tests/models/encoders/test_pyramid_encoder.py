"""TemporalPyramidEncoder: levels, strides, block construction, position embedding."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from harness.errors import ConfigError
from models.encoders.pyramid import TemporalPyramidEncoder, resolve_block
from models.layers.masked_conv import MaskedConv1d


class TinyBlock(nn.Module):
    """A masked conv block (the encoder contract: (x, mask) -> (x, mask))."""

    def __init__(self, *, dim: int, stride: int, kernel_size: int = 3, tag: str = "") -> None:
        super().__init__()
        self.tag = tag
        self.kernel_size = kernel_size
        self.conv = MaskedConv1d(dim, dim, kernel_size, stride=stride)

    def forward(self, x, mask):
        out, m = self.conv(x, mask)
        return torch.relu(out), m


def _encoder(**kw):
    args = dict(input_dim=5, embd_dim=8, block=TinyBlock, arch=(2, 1, 3))
    args.update(kw)
    return TemporalPyramidEncoder(**args)


def test_levels_lengths_and_masks():
    torch.manual_seed(0)
    enc = _encoder()
    x = torch.randn(2, 5, 32, requires_grad=True)
    mask = (torch.arange(32)[None] < torch.tensor([32, 20])[:, None])[:, None]
    feats, masks = enc(x, mask)
    assert enc.num_levels == 4 and len(feats) == len(masks) == 4
    for level, (f, m) in enumerate(zip(feats, masks)):
        assert f.shape == (2, 8, 32 // 2**level) and m.shape == (2, 1, 32 // 2**level)
        assert torch.equal(m, mask[..., :: 2**level])
    sum(f.sum() for f in feats).backward()
    assert x.grad is not None


def test_state_dict_names_and_zero_biases():
    enc = _encoder(embd_with_ln=False)
    names = set(enc.state_dict())
    assert {"embd.0.conv.weight", "embd.0.conv.bias", "stem.0.conv.conv.weight",
            "branch.2.conv.conv.weight"} <= names
    assert not any(n.startswith("embd_norm.") for n in names)
    assert all(torch.count_nonzero(p) == 0 for n, p in enc.named_parameters() if n.endswith("bias"))
    enc_ln = _encoder()
    assert "embd_norm.1.weight" in enc_ln.state_dict() and "embd.0.conv.bias" not in enc_ln.state_dict()


def test_block_overrides_and_dict_spec():
    enc = _encoder(block=dict(type=TinyBlock, tag="x"),
                   block_overrides=[dict(kernel_size=1)] + [dict(kernel_size=5)] * 3)
    assert [b.kernel_size for b in enc.stem] == [1]
    assert [b.kernel_size for b in enc.branch] == [5, 5, 5]
    assert all(b.tag == "x" for b in [*enc.stem, *enc.branch])
    with pytest.raises(ConfigError):
        _encoder(block_overrides=[{}])
    with pytest.raises(ConfigError):
        resolve_block(dict(type="NoSuchBlockAnywhere"))
    with pytest.raises(ConfigError):
        _encoder(arch=(2, 2))


def test_abs_position_embedding_train_and_eval():
    torch.manual_seed(1)
    enc = _encoder(use_abs_pe=True, max_len=16)
    assert "pos_embd" not in enc.state_dict()  # non-persistent buffer
    x = torch.randn(1, 5, 32)
    mask = torch.ones(1, 1, 32, dtype=torch.bool)
    enc.train()
    with pytest.raises(AssertionError):
        enc(x, mask)
    enc.eval()
    feats, _ = enc(x, mask)  # interpolated at test time
    assert feats[0].shape == (1, 8, 32)
    with pytest.raises(ConfigError):
        _encoder(use_abs_pe=True)


def test_position_embedding_values():
    """With no blocks the encoder output is the embedding + PE·mask (train) or interpolated PE."""
    import torch.nn.functional as F

    from models.layers.pos_embed import scaled_position_embedding

    torch.manual_seed(2)
    enc = _encoder(arch=(1, 0, 0), use_abs_pe=True, max_len=16, embd_with_ln=False)
    plain = _encoder(arch=(1, 0, 0), embd_with_ln=False)
    plain.load_state_dict(enc.state_dict())
    x = torch.randn(1, 5, 16)
    mask = (torch.arange(16) < 11)[None, None]
    pe = scaled_position_embedding(16, 8)
    enc.train()
    torch.testing.assert_close(enc(x, mask)[0][0], plain(x, mask)[0][0] + pe * mask)
    enc.eval()
    x32, m32 = torch.randn(1, 5, 32), torch.ones(1, 1, 32, dtype=torch.bool)
    pe32 = F.interpolate(pe, 32, mode="linear", align_corners=False)
    torch.testing.assert_close(enc(x32, m32)[0][0], plain(x32, m32)[0][0] + pe32)
