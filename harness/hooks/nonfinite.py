"""Stop training at the first NaN/Inf loss, naming the iteration.

The check runs after every iteration on the logged losses (the dict ``train_step`` returns).
Under DDP the ranks agree through one all-reduce, so all of them stop together.
"""

from __future__ import annotations

import math

import torch
from mmengine.hooks import Hook

from harness.errors import HarnessError
from harness.registry import HOOKS


class NonFiniteLossError(HarnessError):
    """Training stopped at a NaN/Inf loss; the message names the iteration."""

    exit_code = 1


def non_finite_entries(outputs: dict | None) -> dict[str, float]:
    """The entries of a ``train_step`` output whose value is NaN or +-Inf."""
    bad: dict[str, float] = {}
    for key, value in (outputs or {}).items():
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                value = value.float().sum()
            value = float(value.detach())
        if isinstance(value, (int, float)) and not math.isfinite(value):
            bad[key] = float(value)
    return bad


def _any_rank(flag: bool) -> bool:
    from mmengine import dist

    if dist.get_world_size() <= 1:
        return flag
    t = torch.tensor([1.0 if flag else 0.0], device=dist.get_comm_device())
    dist.all_reduce(t, op="max")
    return bool(t.item() > 0)


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` when a logged loss is NaN or infinite."""

    priority = "ABOVE_NORMAL"

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        bad = non_finite_entries(outputs)
        if not _any_rank(bool(bad)):
            return
        values = ", ".join(f"{k}={v}" for k, v in bad.items()) or "on another rank"
        raise NonFiniteLossError(
            f"non-finite loss at iteration {runner.iter} (0-based; epoch {runner.epoch}, "
            f"batch {batch_idx}): {values}"
        )
