"""The closed-form warm-up + cosine scheduler against the formula, through mmengine's builder."""

from __future__ import annotations

import math

import pytest
import torch

from harness.errors import ConfigError
from harness.schedulers import WarmupCosineLR


def closed_form(i: int, base: float, w: int, m: int, eta_min: float) -> float:
    """models.md §1: lr = i*base/(W-1) for i < W, else the cosine from base to eta_min."""
    if i < w:
        return i * base / (w - 1)
    return eta_min + 0.5 * (base - eta_min) * (1 + math.cos(math.pi * (i - w) / (m - w)))


def _optimizer(bases=(1e-4, 3e-3)):
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in bases]
    return torch.optim.AdamW([{"params": [p], "lr": b} for p, b in zip(params, bases)])


def _build(optimizer, **cfg):
    import harness.schedulers  # noqa: F401  (registers)
    from harness.registry import PARAM_SCHEDULERS

    return PARAM_SCHEDULERS.build(
        dict(type="WarmupCosineLR", by_epoch=True, convert_to_iter_based=True, **cfg),
        default_args=dict(optimizer=optimizer, epoch_length=5),
    )


def _lrs(optimizer):
    return [g["lr"] for g in optimizer.param_groups]


def test_every_iteration_matches_the_closed_form():
    opt = _optimizer()
    sched = _build(opt, warmup=2, begin=0, end=7, eta_min=1e-8)  # W = 10, M = 35 iterations
    assert (sched.warmup, sched.begin, sched.end) == (10, 0, 35)
    seen = []
    for _ in range(35):
        seen.append(_lrs(opt))  # the lr this iteration trains with
        opt.step()
        sched.step()
    for i, lrs in enumerate(seen):
        for lr, base in zip(lrs, (1e-4, 3e-3)):
            assert lr == pytest.approx(closed_form(i, base, 10, 35, 1e-8), rel=1e-12, abs=1e-18)
    assert seen[0] == [0.0, 0.0]
    assert seen[9] == pytest.approx([1e-4, 3e-3], rel=1e-12)
    assert seen[10] == pytest.approx([1e-4, 3e-3], rel=1e-12)  # cosine starts at base
    assert seen[34][0] < 1e-6 and seen[34][0] > 1e-8


def test_resume_from_state_dict_continues_exactly():
    opt_a = _optimizer()
    a = _build(opt_a, warmup=1, end=4, eta_min=1e-6)
    for _ in range(7):
        opt_a.step()
        a.step()
    state = a.state_dict()
    opt_b = _optimizer()
    opt_b.load_state_dict(opt_a.state_dict())
    b = _build(opt_b, warmup=1, end=4, eta_min=1e-6)
    opt_b.load_state_dict(opt_a.state_dict())  # as mmengine's resume: optimiser, then scheduler
    b.load_state_dict(state)
    for _ in range(10):
        assert _lrs(opt_a) == _lrs(opt_b)
        for opt, s in ((opt_a, a), (opt_b, b)):
            opt.step()
            s.step()


def test_resume_into_a_longer_schedule_uses_the_config_end():
    opt = _optimizer((1.0,))
    old = _build(opt, warmup=1, end=4, eta_min=0.0)  # 20 iterations
    for _ in range(12):
        opt.step()
        old.step()
    new = _build(_optimizer((1.0,)), warmup=1, end=8, eta_min=0.0)  # extended: 40 iterations
    new.optimizer.load_state_dict(opt.state_dict())
    new.load_state_dict(old.state_dict())
    assert new.end == 40
    for i in range(13, 40):
        new.optimizer.step()
        new.step()
        assert _lrs(new.optimizer)[0] == pytest.approx(closed_form(i, 1.0, 5, 40, 0.0), abs=1e-12)


@pytest.mark.parametrize("warmup", [0, 1])
def test_short_warmups(warmup):
    opt = _optimizer((2.0,))
    s = WarmupCosineLR(opt, warmup=warmup, end=5, eta_min=0.0)
    assert _lrs(opt)[0] == pytest.approx(2.0)  # step 0 is the base for W in {0, 1}
    for i in range(1, 5):
        opt.step()
        s.step()
        expected = 0.5 * 2.0 * (1 + math.cos(math.pi * (i - warmup) / (5 - warmup)))
        assert _lrs(opt)[0] == pytest.approx(expected)


def test_rejects_warmup_longer_than_schedule():
    with pytest.raises(ConfigError):
        WarmupCosineLR(_optimizer(), warmup=5, end=5)
