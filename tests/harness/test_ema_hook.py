"""The EMA hook follows the official ModelEma rule and is what evaluation uses."""

from __future__ import annotations

import copy

import torch
from runner_helpers import assert_same_state, hook_of, load_ckpt, train_tiny
from torch import nn

from harness.hooks.ema import ModelEMAHook, ema_update


class OfficialModelEma(nn.Module):
    """The official rule, written out: deepcopy at construction, update every state entry."""

    def __init__(self, model, decay=0.999):
        super().__init__()
        self.module = copy.deepcopy(model)
        self.decay = decay

    @torch.no_grad()
    def update(self, model):
        for e, m in zip(self.module.state_dict().values(), model.state_dict().values()):
            e.copy_(self.decay * e + (1.0 - self.decay) * m)


def test_ema_update_is_bitwise_the_official_expression():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 7), nn.LayerNorm(7))
    official = OfficialModelEma(model)
    ema = {k: v.clone() for k, v in model.state_dict().items()}
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(20):
        model(torch.randn(3, 5)).pow(2).sum().backward()
        opt.step()
        opt.zero_grad()
        official.update(model)
        ema_update(ema, model.state_dict(), 0.999)
    assert_same_state(ema, official.module.state_dict())
    # and the average differs from the weights (the update did something)
    assert not torch.equal(ema["0.weight"], model.state_dict()["0.weight"])


def test_training_ema_equals_official_rule_from_initial_weights(tmp_path):
    from tests.harness.tiny_run import WeightRecorderHook

    WeightRecorderHook.instances.clear()
    runner, _ = train_tiny(tmp_path / "run", extra_hooks=[dict(type="WeightRecorderHook")])
    rec = WeightRecorderHook.instances[-1]
    assert len(rec.after_step) == 4 * 4  # 4 epochs x 4 iterations, one update each
    expected = {k: v.clone() for k, v in rec.initial.items()}  # starts at the initial weights
    for weights in rec.after_step:
        for k in expected:
            expected[k] = 0.999 * expected[k] + (1.0 - 0.999) * weights[k]
    ckpt = load_ckpt(tmp_path / "run" / "epoch_4.pth")
    assert_same_state(ckpt["state_dict_ema"], expected)
    assert_same_state(hook_of(runner, ModelEMAHook).ema, expected)
    # the checkpoint's state_dict holds the raw (last) weights, not the average
    assert_same_state(ckpt["state_dict"], rec.after_step[-1])


def test_test_loop_evaluates_ema_and_restores_weights(tmp_path):
    from harness.evaluation import run_test

    runner, outcome = train_tiny(tmp_path / "run")
    model = runner.model
    raw = {k: v.clone() for k, v in model.state_dict().items()}
    ema = hook_of(runner, ModelEMAHook).ema
    # the test loop swapped the EMA in and the raw weights back out
    assert_same_state(model.state_dict(), raw)
    again = run_test(runner)
    assert again.metrics == outcome.metrics
    # evaluating the raw weights gives another number; with the EMA loaded, the same one
    hook_of(runner, ModelEMAHook).ema = None  # disable the swap
    raw_metrics = run_test(runner).metrics
    model.load_state_dict(ema)
    ema_metrics = run_test(runner).metrics
    assert ema_metrics == outcome.metrics
    assert raw_metrics != outcome.metrics
