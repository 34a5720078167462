"""TransformerBlock and the whole model: lengths, padding invariance, drop path, backward."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from baselines.actionformer import TransformerBlock, from_official_config
from models.layers.drop_path import set_drop_path_prob


def _mask(length: int, t: int) -> torch.Tensor:
    return (torch.arange(t) < length)[None, None]


@pytest.mark.parametrize("window", [9, -1])
@pytest.mark.parametrize("stride", [1, 2])
def test_block_padding_invariance_and_lengths(window, stride):
    torch.manual_seed(0)
    blk = TransformerBlock(dim=16, stride=stride, n_head=4, window_size=window, path_pdrop=0.1)
    with torch.no_grad():
        for d in (blk.drop_path_attn, blk.drop_path_mlp):
            d.scale.fill_(0.7)
    blk.eval()
    x = torch.randn(2, 16, 48)
    x[..., 30:] = 0
    out48, m48 = blk(x, _mask(30, 48).expand(2, 1, 48))
    out96, _ = blk(F.pad(x, (0, 48)), _mask(30, 96).expand(2, 1, 96))
    assert out48.shape == (2, 16, 48 // stride) and m48.shape == (2, 1, 48 // stride)
    valid = 30 // stride
    torch.testing.assert_close(out48[..., :valid], out96[..., :valid], atol=2e-6, rtol=1e-5)
    assert (out48[..., valid:] == 0).all()
    assert set(blk.state_dict()) >= {"mlp.0.weight", "mlp.3.weight", "drop_path_attn.scale",
                                     "drop_path_mlp.scale", "ln1.weight", "attn.proj.weight"}


def test_block_backward_and_drop_path_randomness():
    torch.manual_seed(1)
    blk = TransformerBlock(dim=8, stride=2, n_head=2, window_size=5, path_pdrop=0.5)
    with torch.no_grad():
        blk.drop_path_attn.scale.fill_(1.0)
        blk.drop_path_mlp.scale.fill_(1.0)
    x = torch.randn(16, 8, 20, requires_grad=True)
    m = torch.ones(16, 1, 20, dtype=torch.bool)
    blk.train()
    a, _ = blk(x, m)
    b, _ = blk(x, m)
    assert not torch.allclose(a, b)  # samples dropped at random
    a.sum().backward()
    assert x.grad is not None and all(p.grad is not None for p in blk.parameters())
    set_drop_path_prob(blk, 0.0)
    torch.testing.assert_close(blk(x, m)[0], blk(x, m)[0])
    no_dp = TransformerBlock(dim=8, n_head=2, window_size=5)
    assert "drop_path_attn.scale" not in no_dp.state_dict()


def test_model_valid_outputs_do_not_depend_on_padded_length(af_blob):
    model = from_official_config(af_blob["config"])
    model.load_state_dict(af_blob["state_dict"])
    model.eval()
    feats = af_blob["inputs"]["feats"][0][None]  # [1, 64, 100]
    outs = []
    for t_pad in (128, 192):
        x = F.pad(feats, (0, t_pad - feats.shape[-1]))
        m = _mask(feats.shape[-1], t_pad)
        with torch.no_grad():
            fpn, fm = model.neck(*model.backbone(x, m))
            cls, reg, _ = model.heads(fpn, fm)
        outs.append((cls, reg, fm))
    for (c1, r1, m1), (c2, r2, _) in zip(*[[(c, r, m) for c, r, m in zip(*o)] for o in outs]):
        n = m1.shape[-1]
        torch.testing.assert_close(c1, c2[..., :n], atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(r1, r2[..., :n], atol=1e-5, rtol=1e-5)
