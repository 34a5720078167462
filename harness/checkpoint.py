"""Checkpoint saving and loading: atomic saves, trust by identity, resume fallback.

- Saves are atomic (:func:`atomic_save_checkpoint` replaces mmengine's ``save_checkpoint``):
  the file is written to a temporary sibling and renamed, so a save that dies part-way (disk
  full, kill) never leaves a truncated newest checkpoint. Each save records the file's SHA-256
  and size in the run's checkpoint manifest ``checkpoints.json`` beside it.
- Trust is by **identity, not location**: a checkpoint unpickles in full (``weights_only=False``,
  needed for mmengine's ``HistoryBuffer``, numpy arrays, RNG states) only when its hash is the
  one its run recorded (:func:`is_recorded`), or when the user says ``--trust`` (which prints a
  warning naming the file). Any other file, wherever it lies, loads with ``weights_only=True``,
  because unpickling runs code.
- :func:`load_external_weights` reads an official ActionFormer/TriDet checkpoint
  (``state_dict_ema`` or ``state_dict``, ``module.`` stripped) with ``weights_only=True``.
- mmengine's ``work_dir/last_checkpoint`` holds an absolute path, so a moved or copied work
  dir would resume from the old place; :func:`find_resume_checkpoint` looks for the named file
  inside the work dir instead. :func:`newest_valid_checkpoint` skips checkpoints whose bytes
  are not the recorded ones (torn or replaced) and says which it skipped.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
from pathlib import Path

import torch

from harness.errors import ConfigError
from harness.io import atomic_write_bytes, atomic_write_json, loads_json

CHECKPOINT_MANIFEST = "checkpoints.json"
_EPOCH_RE = re.compile(r"^epoch_(\d+)\.pth$")
_ZIP_MAGIC = b"PK\x03\x04"
_PICKLE_PROTO = 0x80


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_manifest(folder: Path) -> dict:
    path = folder / CHECKPOINT_MANIFEST
    if not path.is_file():
        return {}
    try:
        data = loads_json(path.read_bytes())
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def record_checkpoint(path: str | os.PathLike[str], data: bytes) -> None:
    """Add ``path`` (with the SHA-256 and size of ``data``) to its folder's checkpoint manifest."""
    path = Path(path)
    files = _read_manifest(path.parent)
    files[path.name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    atomic_write_json(path.parent / CHECKPOINT_MANIFEST, {"files": files})


def is_recorded(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` holds exactly the bytes its run recorded when it saved it."""
    path = Path(path)
    info = _read_manifest(path.parent).get(path.name)
    if not isinstance(info, dict) or not path.is_file():
        return False
    return path.stat().st_size == info.get("bytes") and sha256_file(path) == info.get("sha256")


def atomic_save_checkpoint(checkpoint, filename, file_client_args=None, backend_args=None):
    """mmengine's ``save_checkpoint`` for local files: atomic write + hash in the manifest."""
    if "://" in str(filename) or file_client_args is not None or backend_args is not None:
        from mmengine.runner.checkpoint import save_checkpoint

        return save_checkpoint(checkpoint, filename, file_client_args, backend_args)
    buf = io.BytesIO()
    torch.save(checkpoint, buf)
    data = buf.getvalue()
    atomic_write_bytes(filename, data)
    record_checkpoint(filename, data)
    return None


def _kind(path: Path) -> str:
    """'zip', 'pickle' or 'other' by the file's first bytes."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    return "pickle" if head[:1] == bytes([_PICKLE_PROTO]) else "other"


def torch_load(path: str | os.PathLike[str], *, map_location=None, trusted: bool) -> dict:
    """``torch.load`` with ``weights_only=not trusted`` and one-line errors.

    Raises:
        ConfigError: the file is missing, is not a PyTorch checkpoint, is truncated or
            corrupt, or holds objects that a weights-only load refuses.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ConfigError(f"{path}: checkpoint not found")
    try:
        kind = _kind(path)
    except OSError as exc:
        raise ConfigError(f"{path}: unreadable checkpoint ({exc.strerror})") from None
    if kind == "other":
        raise ConfigError(f"{path}: not a PyTorch checkpoint (neither a zip archive nor a pickle)")
    try:
        return torch.load(path, map_location=map_location, weights_only=not trusted)
    except pickle.UnpicklingError as exc:
        if not trusted and "Weights only load failed" in str(exc):
            raise ConfigError(
                f"{path}: a weights-only load refused it (it holds objects other than tensors); "
                "a run's own checkpoints load in full when their hash is the one recorded in the "
                f"run's {CHECKPOINT_MANIFEST}; pass --trust only for a file you know this harness wrote"
            ) from None
        raise ConfigError(f"{path}: corrupt checkpoint ({' '.join(str(exc).split())[:200]})") from None
    except Exception as exc:  # torch raises many types for a torn or foreign file
        msg = " ".join(str(exc).split())[:200]
        raise ConfigError(f"{path}: unreadable or truncated checkpoint ({type(exc).__name__}: {msg})") from None


def load_local_checkpoint(filename: str, map_location=None) -> dict:
    """mmengine ``CheckpointLoader`` scheme for local paths (recorded by its run -> in full)."""
    return torch_load(filename, map_location=map_location, trusted=is_recorded(filename))


def register_local_loader() -> None:
    """Install :func:`load_local_checkpoint` as mmengine's loader for local files and
    :func:`atomic_save_checkpoint` as the runner's checkpoint writer."""
    import mmengine.runner.runner as mm_runner
    from mmengine.runner.checkpoint import CheckpointLoader

    CheckpointLoader.register_scheme(prefixes="", loader=load_local_checkpoint, force=True)
    mm_runner.save_checkpoint = atomic_save_checkpoint


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


def weights_mismatch(model, weights: dict) -> str | None:
    """Why ``weights`` do not fit ``model`` (first missing, unexpected and shape-mismatched
    keys), or None when they fit."""
    own = model.state_dict()
    missing = [k for k in own if k not in weights]
    unexpected = [k for k in weights if k not in own]
    shapes = [f"{k} {tuple(weights[k].shape)} vs {tuple(own[k].shape)}" for k in own
              if k in weights and hasattr(weights[k], "shape") and tuple(weights[k].shape) != tuple(own[k].shape)]
    if not (missing or unexpected or shapes):
        return None
    parts = []
    for label, keys in (("missing", missing), ("unexpected", unexpected), ("of another shape", shapes)):
        if keys:
            parts.append(f"{len(keys)} {label} (first: {keys[0]})")
    return "weights of another model: " + ", ".join(parts)


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


def newest_valid_checkpoint(work_dir: str | os.PathLike[str]) -> tuple[Path | None, list[str]]:
    """The newest checkpoint in ``work_dir`` whose bytes are the ones its run recorded, and
    the newer ones skipped (``name (why)``): a torn or replaced file is never resumed from."""
    work_dir = Path(work_dir)
    first = find_resume_checkpoint(work_dir)
    epochs = sorted(((int(m.group(1)), p) for p in work_dir.glob("epoch_*.pth")
                     if (m := _EPOCH_RE.match(p.name))), reverse=True)
    order = ([first] if first is not None else []) + [p for _, p in epochs if p != first]
    recorded = _read_manifest(work_dir)
    skipped = []
    for p in order:
        if is_recorded(p):
            return p, skipped
        skipped.append(f"{p.name} ({'not recorded in ' + CHECKPOINT_MANIFEST if p.name not in recorded else 'truncated or changed since it was saved'})")
    return None, skipped
