"""GMGBlock switches (Tables 6-8): formulas re-computed by hand, every combination, padding."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from models.cltdr_gmg.gmg_block import GMGBlock

ALL = ("instant", "local", "global")
SUBSETS = [s for r in (1, 2, 3) for s in itertools.combinations(ALL, r)]  # 7
C, T = 16, 24


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def _block(**kwargs) -> GMGBlock:
    torch.manual_seed(3)
    blk = GMGBlock(dim=C, stride=2, kernel_size=3, mlp_dim=24, path_pdrop=0.1, **kwargs)
    with torch.no_grad():
        for p in blk.parameters():
            p.add_(0.4 * torch.randn_like(p))
    return blk.eval()  # eval: no random drop path


def _inputs() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(4)
    x = torch.randn(2, C, T)
    mask = (torch.arange(T)[None] < torch.tensor([T, 17])[:, None])[:, None]  # [2, 1, T]
    return x, mask


def fft_global(blk: GMGBlock, u: torch.Tensor) -> torch.Tensor:
    """The README D.3 spectral filter written with complex arithmetic."""
    U = torch.fft.rfft(u, dim=-1, norm="ortho")  # [B, C, F]
    W1 = torch.complex(blk.w1[0], blk.w1[1])  # [C, 1]
    W2 = torch.complex(blk.w2[0], blk.w2[1])
    B1 = torch.complex(blk.b1[0], blk.b1[1])[:, None]  # [C, 1]
    B2 = torch.complex(blk.b2[0], blk.b2[1])[:, None]
    H1 = U * W1 + B1
    H1 = torch.complex(torch.relu(H1.real), torch.relu(H1.imag))
    H2 = H1 * W2 + B2
    H2 = torch.complex(F.softshrink(H2.real, 0.001), F.softshrink(H2.imag, 0.001))
    return torch.fft.irfft(H2 * U, n=u.shape[-1], dim=-1, norm="ortho")


def expected_output(blk: GMGBlock, x: torch.Tensor, mask: torch.Tensor, mix) -> torch.Tensor:
    """Block output around a given branch mix, with plain modules (max pool, Conv1d, ...)."""
    xd = F.max_pool1d(x, 3, 2, 1)
    m = mask[..., ::2].float()
    u = blk.ln(xd)
    y = xd * m + blk.drop_path_out.scale * mix(u, m)
    return y + blk.drop_path_mlp.scale * blk.mlp(blk.gn(y))


def relu(t):
    return torch.relu(t)


# Expected u + branch sum per row of Tables 6/7 and the paper's ReLU gates, in terms of
# ins = fc(u), loc = convw(u), glo = spectral filter of u (each None when the branch is off).
FORMULAS = {
    (ALL, True, "identity"): lambda ins, loc, glo, u: ins * (loc * glo) + loc * glo + glo + u,
    (ALL, True, "relu"): lambda ins, loc, glo, u: ins * relu(loc * relu(glo)) + loc * relu(glo) + glo + u,
    (ALL, False, "identity"): lambda ins, loc, glo, u: ins + loc + glo + u,
    (("instant", "local"), True, "identity"): lambda ins, loc, glo, u: ins * loc + loc + u,
    (("instant", "global"), True, "identity"): lambda ins, loc, glo, u: ins * glo + glo + u,
    (("local", "global"), True, "identity"): lambda ins, loc, glo, u: loc * glo + glo + u,
    (("local", "global"), True, "relu"): lambda ins, loc, glo, u: loc * relu(glo) + glo + u,
    (("instant", "local"), False, "identity"): lambda ins, loc, glo, u: ins + loc + u,
    (("instant", "global"), False, "identity"): lambda ins, loc, glo, u: ins + glo + u,
    (("global",), True, "identity"): lambda ins, loc, glo, u: glo + u,
    (("local",), True, "identity"): lambda ins, loc, glo, u: loc + u,
    (("instant",), True, "identity"): lambda ins, loc, glo, u: ins + u,
    (("instant",), True, "relu"): lambda ins, loc, glo, u: ins + u,
}


@pytest.mark.parametrize(("branches", "gate", "gate_act"), list(FORMULAS))
def test_output_matches_the_formula(branches, gate, gate_act):
    blk = _block(branches=branches, gate=gate, gate_act=gate_act)
    x, mask = _inputs()
    formula = FORMULAS[(branches, gate, gate_act)]

    def mix(u, m):
        ins = blk.fc(u) if "instant" in branches else None
        loc = blk.convw(u) if "local" in branches else None
        glo = fft_global(blk, u) if "global" in branches else None
        return formula(ins, loc, glo, u)

    with torch.no_grad():
        out, out_mask = blk(x, mask)
        ref = expected_output(blk, x, mask, mix)
    assert torch.equal(out_mask, mask[..., ::2])
    assert torch.allclose(out, ref, atol=1e-5, rtol=1e-5), (out - ref).abs().max()


def test_self_attention_global_extractor_formula():
    """Table 8: f_global = global masked MHCA of u (zero at padded steps), gating unchanged."""
    blk = _block(global_extractor="self_attention", n_head=4)
    assert blk.global_attn.overlap == 0 and blk.global_attn.n_head == 4  # global, no window
    x, mask = _inputs()

    def mix(u, m):
        glo, glo_mask = blk.global_attn(u, m.bool())
        assert torch.equal(glo_mask, m.bool())
        assert glo[1, :, 9:].abs().max() == 0  # video 1: 17 valid steps → 9 after stride 2
        loc = blk.convw(u) * glo
        return blk.fc(u) * loc + loc + glo + u

    with torch.no_grad():
        out, _ = blk(x, mask)
        ref = expected_output(blk, x, mask, mix)
    assert torch.allclose(out, ref, atol=1e-5, rtol=1e-5), (out - ref).abs().max()


def test_branch_order_in_config_does_not_matter():
    a = _block(branches=("global", "instant"))
    b = _block(branches=("instant", "global"))
    x, mask = _inputs()
    assert a.branches == b.branches == ("instant", "global")
    assert torch.equal(a(x, mask)[0], b(x, mask)[0])


@pytest.mark.parametrize("branches", SUBSETS)
def test_every_combination_builds_runs_and_trains(branches):
    x, mask = _inputs()
    combos = [(True, "identity"), (True, "relu"), (False, "identity")]
    for (gate, act), extractor in itertools.product(combos, ("fft", "self_attention")):
        blk = GMGBlock(dim=C, stride=2, kernel_size=3, mlp_dim=24, path_pdrop=0.1,
                       init_conv_vars=0.1, branches=branches, gate=gate, gate_act=act,
                       global_extractor=extractor, n_head=4).train()
        out, out_mask = blk(x.clone().requires_grad_(True), mask)
        assert out.shape == (2, C, T // 2) and out_mask.shape == (2, 1, T // 2)
        assert torch.isfinite(out).all()
        out.square().mean().backward()
        names = {n.split(".")[0] for n, _ in blk.named_parameters()}
        assert ("fc" in names) == ("instant" in branches)
        assert ("convw" in names) == ("local" in branches)
        assert ("w1" in names) == ("global" in branches and extractor == "fft")
        assert ("global_attn" in names) == ("global" in branches and extractor == "self_attention")
        for name, p in blk.named_parameters():
            assert p.grad is not None and torch.isfinite(p.grad).all(), (branches, gate, name)


def test_zero_init_branches_still_get_gradients():
    """init_conv_vars 0: convw trains at once through f_global, fc from the second step.

    (Unlike SGP, whose zero-initialised branches stay zero for the whole run.)
    """
    blk = GMGBlock(dim=C, kernel_size=3, init_conv_vars=0.0)
    x, mask = _inputs()
    opt = torch.optim.SGD(blk.parameters(), lr=0.1)
    blk(x, mask)[0].square().mean().backward()
    assert torch.count_nonzero(blk.fc.weight) == 0
    assert blk.convw.weight.grad.abs().sum() > 0
    assert blk.fc.weight.grad.abs().sum() == 0  # d/d fc = u·convw(u)·G = 0 while convw = 0
    opt.step()
    opt.zero_grad()
    blk(x, mask)[0].square().mean().backward()
    assert blk.fc.weight.grad.abs().sum() > 0


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_parameter_count_moves_with_the_switches():
    k = 5
    full = _count(GMGBlock(dim=C, kernel_size=k))
    assert full - _count(GMGBlock(dim=C, kernel_size=k, branches=("instant", "local"))) == 8 * C
    assert full - _count(GMGBlock(dim=C, kernel_size=k, branches=("instant", "global"))) == C * k + C
    assert full - _count(GMGBlock(dim=C, kernel_size=k, branches=("local", "global"))) == 2 * C
    assert _count(GMGBlock(dim=C, kernel_size=k, gate=False)) == full
    assert _count(GMGBlock(dim=C, kernel_size=k, gate_act="relu")) == full
    attn = 4 * (C * C + C) + 3 * (3 * C) + 3 * (2 * C)  # q/k/v/proj 1×1; dw k3 convs; 3 LNs
    sa = _count(GMGBlock(dim=C, kernel_size=k, global_extractor="self_attention"))
    assert sa == full - 8 * C + attn


def test_outputs_depend_on_the_padded_length():
    """FFT and GroupNorm over the padded axis (official): valid outputs change with padding."""
    blk = _block()
    x = torch.randn(1, C, 12)
    with torch.no_grad():
        short, _ = blk(F.pad(x, (0, 4)), torch.arange(16)[None, None] < 12)
        long, _ = blk(F.pad(x, (0, 20)), torch.arange(32)[None, None] < 12)
    assert (short[..., :6] - long[..., :6]).abs().max() > 1e-3


def test_global_fft_uses_the_padded_length_but_attention_does_not():
    x = torch.randn(1, C, 12)
    for extractor, depends in (("fft", True), ("self_attention", False)):
        blk = _block(branches=("global",), global_extractor=extractor)
        gs = []
        for pad in (4, 20):
            xp = F.pad(x, (0, pad))
            m = torch.arange(12 + pad)[None, None] < 12
            with torch.no_grad():
                gs.append(blk.mix(blk.ln(xp), m)[..., :12])
        diff = (gs[0] - gs[1]).abs().max()
        assert (diff > 1e-3) if depends else (diff < 1e-5), (extractor, diff)
