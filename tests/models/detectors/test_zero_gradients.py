"""Every parameter the official code keeps in the graph gets a gradient tensor (zeros included).

The official TriDet/CLTDR-GMG decode the offsets of every point and then index the positives,
so a pyramid level without a positive gives its ``reg_head.scale.<l>.scale`` an exact-zero
gradient (not None), and AdamW still steps it. CLTDR-GMG's ``refineHead.scale.*`` are created
but never used: they are frozen and get no gradient.
"""

from __future__ import annotations

import pytest
import torch

CONFIGS = {
    "actionformer": "harness/configs/actionformer/synthetic_thumos_like.py",
    "tridet": "harness/configs/tridet/synthetic_thumos_like.py",
    "cltdr_gmg": "harness/configs/cltdr_gmg/synthetic_thumos_like.py",
}


def build(kind: str, max_seq_len: int = 64):
    from mmengine.config import Config

    import models  # noqa: F401  (registers the model types)
    from harness.registry import MODELS

    cfg = Config.fromfile(CONFIGS[kind]).model
    cfg.max_seq_len = max_seq_len
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    for m in model.modules():  # deterministic: no drop path, no input noise
        if hasattr(m, "drop_prob"):
            m.drop_prob = 0.0
    if hasattr(model, "input_noise"):
        model.input_noise = 0.0
    return model.train()


def one_backward(model, segments: torch.Tensor, labels: torch.Tensor, t: int = 64):
    torch.manual_seed(1)
    x = torch.randn(1, 64, t)  # [B, C, T]
    masks = torch.ones(1, 1, t, dtype=torch.bool)
    losses = model(x, masks, [{"segments": segments, "labels": labels}], mode="loss")
    total = sum(v for k, v in losses.items() if k.startswith("loss"))
    model.zero_grad(set_to_none=True)
    total.backward()
    return {n: p.grad for n, p in model.named_parameters()}


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.mark.parametrize("kind", sorted(CONFIGS))
def test_level_without_positive_gets_zero_scale_gradient(kind):
    """One 40-step GT: only the coarse levels are assigned positives; level 0 has none."""
    model = build(kind)
    grads = one_backward(model, torch.tensor([[10.0, 50.0]]), torch.tensor([1]))
    scale0 = grads["reg_head.scale.0.scale"]
    assert scale0 is not None, "level 0 must stay in the graph (official decode of all points)"
    assert float(scale0.abs().max()) == 0.0
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    missing = sorted(n for n, g in grads.items() if g is None and n not in frozen)
    assert missing == []
    if kind == "cltdr_gmg":
        assert frozen and all(n.startswith("refineHead.scale.") for n in frozen)
        assert all(grads[n] is None for n in frozen)
    else:
        assert frozen == set()


@pytest.mark.parametrize("kind", ["tridet", "cltdr_gmg"])
def test_batch_without_any_positive_keeps_every_head_in_graph(kind):
    """No GT at all: every reg/boundary-head parameter still gets a (zero) gradient tensor."""
    model = build(kind)
    grads = one_backward(model, torch.zeros(0, 2), torch.zeros(0, dtype=torch.int64))
    for name, grad in grads.items():
        if name.startswith("reg_head.scale."):
            assert grad is not None and float(grad.abs().max()) == 0.0, name


def test_adamw_steps_zero_gradient_parameters():
    """Why it matters: AdamW skips a None gradient but moves a zero one by its momentum."""
    p_none = torch.nn.Parameter(torch.ones(1))
    p_zero = torch.nn.Parameter(torch.ones(1))
    opt = torch.optim.AdamW([p_none, p_zero], lr=0.1)
    for g in (1.0, 0.0):
        p_zero.grad = torch.tensor([g])
        p_none.grad = torch.tensor([1.0]) if g else None
        opt.step()
    assert opt.state[p_zero]["step"] == 2 and opt.state[p_none]["step"] == 1
    assert float(p_zero.detach()) != float(p_none.detach())
