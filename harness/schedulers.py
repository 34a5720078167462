"""Closed-form linear warm-up + cosine learning rate (the official per-iteration schedule).

With W warm-up steps and M total steps (counted from ``begin``), step i gets

- i < W: lr = i * base / (W - 1)  (0 at i = 0, base at i = W - 1; base when W = 1);
- else:  lr = eta_min + 0.5 * (base - eta_min) * (1 + cos(pi * (i - W) / (M - W))).

The value is computed from the step counter alone (no chaining), so a resumed run continues
exactly. ``end`` must be given explicitly; on resume the counters come from the checkpoint
while ``warmup``/``end``/``eta_min`` stay as configured (mmengine's default would restore a
stale ``end`` and freeze the learning rate when the run is extended).

Config (epochs converted to iterations with the train loader's length)::

    param_scheduler = dict(type='WarmupCosineLR', warmup=5, begin=0, end=35, eta_min=1e-8,
                           by_epoch=True, convert_to_iter_based=True)
"""

from __future__ import annotations

import logging
import math

from mmengine.logging import print_log
from mmengine.optim.scheduler.param_scheduler import _ParamScheduler

from harness.errors import ConfigError
from harness.registry import PARAM_SCHEDULERS

_CONFIG_KEYS = ("warmup", "begin", "end", "eta_min", "by_epoch")


def warmup_cosine_lr(step: int, *, base: float, warmup: int, total: int, eta_min: float) -> float:
    """Learning rate at 0-based ``step`` of the official warm-up + cosine schedule.

    Args:
        step: 0-based step index (iteration), 0 <= step < total.
        base: base learning rate.
        warmup: number of warm-up steps W (0 means no warm-up).
        total: total number of steps M (> W).
        eta_min: final learning rate of the cosine part.

    Returns:
        The learning rate.
    """
    if step < warmup:
        return base if warmup == 1 else step * base / (warmup - 1)
    progress = (step - warmup) / (total - warmup)
    return eta_min + 0.5 * (base - eta_min) * (1.0 + math.cos(math.pi * progress))


@PARAM_SCHEDULERS.register_module()
class WarmupCosineLR(_ParamScheduler):
    """Linear warm-up from 0, then cosine annealing to ``eta_min``, in closed form.

    Args:
        optimizer: the optimiser (wrapper) whose ``lr`` is scheduled.
        warmup: warm-up length W in steps (epochs before ``convert_to_iter_based``).
        end: last step (exclusive) M + begin; required.
        begin: first step. Defaults to 0.
        eta_min: final learning rate. Defaults to 1e-8 (official default).
        by_epoch: whether steps are epochs. Defaults to False.
        last_step: mmengine's resume-without-state argument. Defaults to -1.
        verbose: print every update.
    """

    def __init__(
        self,
        optimizer,
        *,
        warmup: int,
        end: int,
        begin: int = 0,
        eta_min: float = 1e-8,
        by_epoch: bool = False,
        last_step: int = -1,
        verbose: bool = False,
    ) -> None:
        if warmup < 0 or end - begin <= warmup:
            raise ConfigError(
                f"WarmupCosineLR: need 0 <= warmup < end - begin, got warmup={warmup}, "
                f"begin={begin}, end={end}"
            )
        self.warmup = int(warmup)
        self.eta_min = float(eta_min)
        super().__init__(
            optimizer,
            "lr",
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    @classmethod
    def build_iter_from_epoch(
        cls,
        *args,
        warmup: int,
        end: int,
        begin: int = 0,
        by_epoch: bool = True,
        epoch_length: int | None = None,
        **kwargs,
    ) -> WarmupCosineLR:
        """Build the per-iteration scheduler from epoch counts (W = warmup x iterations)."""
        if not by_epoch or not epoch_length or epoch_length <= 0:
            raise ConfigError("WarmupCosineLR: convert_to_iter_based needs by_epoch=True and "
                              f"a positive epoch length, got {epoch_length}")
        return cls(
            *args,
            warmup=int(warmup * epoch_length),
            begin=int(begin * epoch_length),
            end=int(end * epoch_length),
            by_epoch=False,
            **kwargs,
        )

    def _get_value(self) -> list[float]:
        total = self.end - self.begin
        return [
            warmup_cosine_lr(
                self.last_step, base=base, warmup=self.warmup, total=total, eta_min=self.eta_min
            )
            for base in self.base_values
        ]

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore the counters; keep the configured schedule (warn when it differs)."""
        state = dict(state_dict)
        changed = [k for k in _CONFIG_KEYS if k in state and state[k] != getattr(self, k)]
        if changed:
            print_log(
                "WarmupCosineLR: checkpoint schedule differs from the config in "
                f"{changed}; using the config",
                logger="current",
                level=logging.WARNING,
            )
        for key in _CONFIG_KEYS:
            state.pop(key, None)
        self.__dict__.update(state)
