"""EMA of the model weights with the official ActionFormer/TriDet/CLTDR-GMG rule.

Official ``ModelEma``: a copy of the model made right after construction (so the average starts
at the initial weights, no warm-up), updated after every optimiser step over **every**
``state_dict`` entry as ``ema = decay * ema + (1 - decay) * weights`` (decay 0.999), used for
every evaluation and saved as ``state_dict_ema``. mmengine's ``EMAHook`` instead copies the
model at its first update, a one-step difference.

The hook keeps the average as a plain ``{key: tensor}`` dict; for validation/test it swaps the
average into the model and restores the training weights afterwards. Checkpoints get
``state_dict_ema`` (bare keys, CPU tensors); a resumed run restores it. Non-floating entries
(none in these models) are copied instead of averaged.
"""

from __future__ import annotations

import logging

import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from torch import nn

from harness.registry import HOOKS

EMA_KEY = "state_dict_ema"


def bare_model(runner) -> nn.Module:
    """The runner's model without DDP/other wrappers."""
    model = runner.model
    return model.module if is_model_wrapper(model) else model


@torch.no_grad()
def ema_update(ema: dict[str, torch.Tensor], weights: dict[str, torch.Tensor], decay: float) -> None:
    """In place: ema <- decay * ema + (1 - decay) * weights, as the official expression.

    Args:
        ema: the running average, updated in place.
        weights: the current ``state_dict`` (same keys and shapes).
        decay: the EMA decay (0.999 in every official config).
    """
    for key, avg in ema.items():
        value = weights[key]
        if avg.is_floating_point():
            avg.copy_(decay * avg + (1.0 - decay) * value)
        else:
            avg.copy_(value)


@HOOKS.register_module()
class ModelEMAHook(Hook):
    """Official EMA of the weights, used for evaluation and saved in checkpoints.

    Args:
        decay: EMA decay. Defaults to 0.999.
    """

    priority = "NORMAL"

    def __init__(self, *, decay: float = 0.999) -> None:
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"ModelEMAHook: decay must be in [0, 1), got {decay}")
        self.decay = float(decay)
        self.ema: dict[str, torch.Tensor] | None = None
        self._backup: dict[str, torch.Tensor] | None = None

    def before_train(self, runner) -> None:
        if self.ema is None:  # not restored from a checkpoint: start at the initial weights
            self.ema = {k: v.detach().clone() for k, v in bare_model(runner).state_dict().items()}

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if self.ema is not None:
            ema_update(self.ema, bare_model(runner).state_dict(), self.decay)

    def _swap_in(self, runner) -> None:
        if self.ema is None:
            return
        model = bare_model(runner)
        self._backup = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(self.ema, strict=True)

    def _swap_out(self, runner) -> None:
        if self._backup is None:
            return
        bare_model(runner).load_state_dict(self._backup, strict=True)
        self._backup = None

    def before_val_epoch(self, runner) -> None:
        self._swap_in(runner)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._swap_out(runner)

    def before_test_epoch(self, runner) -> None:
        self._swap_in(runner)

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._swap_out(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.ema is not None:
            checkpoint[EMA_KEY] = {k: v.detach().cpu().clone() for k, v in self.ema.items()}

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if not getattr(runner, "_resume", False):
            return  # load_from (not resume): the average starts at the loaded weights
        if EMA_KEY not in checkpoint:
            print_log(
                f"ModelEMAHook: the resumed checkpoint has no '{EMA_KEY}'; the average restarts "
                "from the resumed weights",
                logger="current",
                level=logging.WARNING,
            )
            return
        current = bare_model(runner).state_dict()
        self.ema = {
            k: v.detach().to(current[k].device).clone() for k, v in checkpoint[EMA_KEY].items()
        }
