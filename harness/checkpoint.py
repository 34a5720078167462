"""Checkpoint loading with torch >= 2.6 (``weights_only``) and resume-path handling.

- The harness's own checkpoints hold mmengine objects (a ``HistoryBuffer``, numpy arrays, RNG
  states), which ``torch.load(weights_only=True)`` refuses. :func:`register_local_loader`
  replaces mmengine's loader for local paths: files inside a *trusted* directory (the work dir
  of the run being trained or resumed, see :func:`trust_directory`) load with
  ``weights_only=False``; any other file loads with ``weights_only=True``, because unpickling
  runs code and checkpoints from elsewhere (official releases, downloads) must not.
- :func:`load_external_weights` reads an official ActionFormer/TriDet checkpoint
  (``state_dict_ema`` or ``state_dict``, ``module.`` stripped) with ``weights_only=True``.
- mmengine's ``work_dir/last_checkpoint`` holds an absolute path, so a moved or copied work
  dir would resume from the old place; :func:`find_resume_checkpoint` looks for the named file
  inside the work dir instead.
"""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

import torch

from harness.errors import ConfigError

_TRUSTED: set[Path] = set()
_EPOCH_RE = re.compile(r"^epoch_(\d+)\.pth$")


def trust_directory(path: str | os.PathLike[str]) -> Path:
    """Mark a directory as holding checkpoints written by the harness itself."""
    p = Path(path).expanduser().resolve()
    _TRUSTED.add(p)
    return p


def is_trusted(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` lies inside a trusted directory."""
    p = Path(path).expanduser().resolve()
    return any(p.is_relative_to(root) for root in _TRUSTED)


def torch_load(path: str | os.PathLike[str], *, map_location=None, trusted: bool) -> dict:
    """``torch.load`` with ``weights_only=not trusted`` and one-line errors.

    Raises:
        ConfigError: the file is missing, unreadable, or holds objects that a weights-only
            load refuses.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ConfigError(f"{path}: checkpoint not found")
    try:
        return torch.load(path, map_location=map_location, weights_only=not trusted)
    except pickle.UnpicklingError as exc:
        raise ConfigError(
            f"{path}: a weights-only load refused it (it holds objects other than tensors); "
            "checkpoints written by this harness load in full only from a trusted run folder "
            "(train --resume, test --trust or under results/runs/)"
        ) from exc
    except (RuntimeError, EOFError, OSError) as exc:
        raise ConfigError(f"{path}: unreadable checkpoint ({type(exc).__name__}: {exc})") from exc


def load_local_checkpoint(filename: str, map_location=None) -> dict:
    """mmengine ``CheckpointLoader`` scheme for local paths (trusted -> full unpickling)."""
    return torch_load(filename, map_location=map_location, trusted=is_trusted(filename))


def register_local_loader() -> None:
    """Install :func:`load_local_checkpoint` as mmengine's loader for local files."""
    from mmengine.runner.checkpoint import CheckpointLoader

    CheckpointLoader.register_scheme(prefixes="", loader=load_local_checkpoint, force=True)


def strip_prefix(state: dict[str, torch.Tensor], prefix: str = "module.") -> dict:
    """Remove ``prefix`` from every key that starts with it (DataParallel checkpoints)."""
    n = len(prefix)
    return {(k[n:] if k.startswith(prefix) else k): v for k, v in state.items()}


def select_weights(checkpoint: dict, *, prefer_ema: bool = True) -> tuple[dict, str]:
    """The weights to evaluate: ``state_dict_ema`` when present (and preferred), else
    ``state_dict``; ``module.`` stripped. Returns (state dict, key used)."""
    keys = ("state_dict_ema", "state_dict") if prefer_ema else ("state_dict",)
    for key in keys:
        if isinstance(checkpoint.get(key), dict):
            return strip_prefix(checkpoint[key]), key
    raise ConfigError(f"checkpoint holds none of {list(keys)} (keys: {sorted(checkpoint)[:10]})")


def load_external_weights(path: str | os.PathLike[str]) -> tuple[dict, str]:
    """Weights of an official (or any external) checkpoint, loaded with ``weights_only=True``."""
    checkpoint = torch_load(path, map_location="cpu", trusted=False)
    if not isinstance(checkpoint, dict):
        raise ConfigError(f"{path}: not a checkpoint dict")
    return select_weights(checkpoint)


def find_resume_checkpoint(work_dir: str | os.PathLike[str]) -> Path | None:
    """The checkpoint to resume from, looked up inside ``work_dir``.

    Uses the file name recorded in ``last_checkpoint`` (whose absolute path may point to the
    work dir's old location), else the highest ``epoch_<k>.pth``. None when there is none.
    """
    work_dir = Path(work_dir)
    marker = work_dir / "last_checkpoint"
    if marker.is_file():
        candidate = work_dir / Path(marker.read_text().strip()).name
        if candidate.is_file():
            return candidate
    epochs = [
        (int(m.group(1)), p) for p in work_dir.glob("epoch_*.pth") if (m := _EPOCH_RE.match(p.name))
    ]
    return max(epochs)[1] if epochs else None
