"""Save what mmengine leaves out of a checkpoint, so that a resumed run is bit-exact.

mmengine restores weights, optimiser, schedulers, counters and the message hub, but not

- the global random number generators (python, numpy, torch CPU and CUDA), which drive random
  cropping and drop-path: without them the epochs after a resume draw different numbers;
- plain Python state of the model that is not in its ``state_dict``, e.g. the official loss
  normaliser (a float EMA of the positive count). The official code restarts it at
  ``init_loss_norm`` on resume; the harness stores it (named by ``model_attrs``, dotted
  attribute paths on the bare model) so that a resumed run equals an uninterrupted one.

Everything goes under ``checkpoint['harness_resume']`` and is restored only when resuming.
Limits: data-loader *worker* processes keep their own generators, so a loader with
``num_workers > 0`` and ``persistent_workers=True`` (the real-dataset bases) restarts them on
resume and the crops after a resume differ (the synthetic bases use ``num_workers=0``: exact).
Under DDP the checkpoint holds rank 0's generators; every rank gets them back.
"""

from __future__ import annotations

import logging
import random
from typing import Any

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log

from harness.hooks.ema import bare_model
from harness.registry import HOOKS

RESUME_KEY = "harness_resume"


def get_rng_state() -> dict[str, Any]:
    """The state of every global generator the training loop may draw from."""
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore the generators saved by :func:`get_rng_state`."""
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _get_attr(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _set_attr(obj: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        obj = getattr(obj, part)
    setattr(obj, last, value)


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Store the generators and named model attributes in checkpoints; restore on resume.

    Args:
        model_attrs: dotted attribute paths on the bare model holding plain Python values
            (e.g. ``'loss_normalizer.value'``); a path missing on the model is skipped.
    """

    priority = "VERY_LOW"

    def __init__(self, *, model_attrs: tuple[str, ...] | list[str] = ()) -> None:
        self.model_attrs = tuple(model_attrs)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        model = bare_model(runner)
        attrs = {}
        for path in self.model_attrs:
            try:
                attrs[path] = _get_attr(model, path)
            except AttributeError:
                continue
        checkpoint[RESUME_KEY] = {"rng": get_rng_state(), "model_attrs": attrs}

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if not getattr(runner, "_resume", False):
            return
        saved = checkpoint.get(RESUME_KEY)
        if saved is None:
            print_log(
                f"ExactResumeHook: checkpoint has no '{RESUME_KEY}'; random generators and "
                "model state restart from the seed (the resumed run will not be exact)",
                logger="current",
                level=logging.WARNING,
            )
            return
        set_rng_state(saved["rng"])
        model = bare_model(runner)
        for path, value in saved["model_attrs"].items():
            _set_attr(model, path, value)
