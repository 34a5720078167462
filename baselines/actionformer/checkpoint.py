"""Official ActionFormer checkpoints (``epoch_*.pth.tar``) → harness weights."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor, nn

from harness.errors import DataError


def official_state_dict(
    checkpoint: str | os.PathLike[str] | Mapping[str, Any], *, key: str = "state_dict_ema"
) -> dict[str, Tensor]:
    """The bare-model weights of an official checkpoint.

    Loads with ``weights_only=True`` (official checkpoints hold only tensors and plain
    values), takes ``key`` (the EMA weights that the official eval.py uses, or
    ``state_dict``) and strips the ``module.`` prefix of ``nn.DataParallel``.

    Args:
        checkpoint: path of the checkpoint, or the loaded dict.
        key: 'state_dict_ema' (default) or 'state_dict'.

    Returns:
        {key: tensor} with the official (= harness) key names.
    """
    if isinstance(checkpoint, Mapping):
        ckpt: Any = checkpoint
        where = "checkpoint"
    else:
        where = str(checkpoint)
        try:
            ckpt = torch.load(checkpoint, map_location="cpu", weights_only=True)
        except FileNotFoundError:
            raise DataError(f"{where}: no such checkpoint") from None
        except Exception as exc:  # noqa: BLE001 - any unpickling failure is bad input
            raise DataError(f"{where}: cannot load with weights_only=True ({type(exc).__name__})") from None
    if not isinstance(ckpt, Mapping) or key not in ckpt:
        keys = list(ckpt)[:8] if isinstance(ckpt, Mapping) else type(ckpt).__name__
        raise DataError(f"{where}: no '{key}' in the checkpoint (has {keys})")
    state = ckpt[key]
    return {(k[len("module."):] if k.startswith("module.") else k): v for k, v in state.items()}


def load_official_checkpoint(
    model: nn.Module, checkpoint: str | os.PathLike[str] | Mapping[str, Any], *,
    key: str = "state_dict_ema",
) -> None:
    """Load an official checkpoint into a harness ActionFormer (strict: every key must match)."""
    state = official_state_dict(checkpoint, key=key)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise DataError(
            f"official checkpoint does not match the model: missing {list(missing)[:5]}, "
            f"unexpected {list(unexpected)[:5]}"
        )
