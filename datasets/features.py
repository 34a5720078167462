"""Feature files: safe path resolution and loading by format, with one-line errors.

One file per video, named ``prefix + video_id + suffix + ext``; the array is T x C on
disk (``.pkl``: dict of ``slow_feature``/``fast_feature``, each 1 x C x T or C x T).
Every problem raises :class:`harness.errors.DataError` naming the file.
"""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np

from harness.errors import DataError
from harness.io import contained

FEATURE_EXTS = (".npy", ".npz", ".pt", ".pkl")
NPZ_KEY = "feats"
PKL_KEYS = ("slow_feature", "fast_feature")
# errors a corrupt or truncated file raises in numpy / zipfile / pickle / torch
_READ_ERRORS = (
    OSError, ValueError, EOFError, KeyError, IndexError, TypeError, AttributeError,
    RuntimeError, pickle.UnpicklingError, zipfile.BadZipFile, UnicodeDecodeError,
)


def feature_path(
    feat_dir: str | os.PathLike[str],
    video_id: str,
    *,
    prefix: str = "",
    suffix: str = "",
    ext: str = ".npy",
) -> Path:
    """Path of a video's feature file, refusing ids that would leave ``feat_dir``.

    Args:
        feat_dir: folder of the feature files.
        video_id: key of the annotation file.
        prefix, suffix, ext: name parts (``v_`` + id + ``_spatial_feature`` + ``.pt``).

    Returns:
        ``feat_dir / (prefix + video_id + suffix + ext)`` (lexically normalised).

    Raises:
        DataError: NUL byte, absolute path, ``..`` components escaping ``feat_dir``, or a
            symlink resolving outside it (one containment rule, :func:`harness.io.contained`).
    """
    name = f"{prefix}{video_id}{suffix}{ext}"
    if "\x00" in name:
        raise DataError(f"{feat_dir}: video id {video_id!r} contains a NUL byte (refused)")
    if os.path.isabs(name) or name.startswith(("/", "\\")):
        raise DataError(f"{feat_dir}: video id {video_id!r} is an absolute path (refused)")
    root = os.path.normpath(os.fspath(feat_dir))
    full = os.path.normpath(os.path.join(root, name))
    rel = os.path.relpath(full, root)
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        raise DataError(
            f"{feat_dir}: video id {video_id!r} resolves outside the feature folder (refused)"
        )
    # the same rule for symlinks: a feature file may not point outside its folder
    return contained(full, root, f"feature file of video {video_id!r}", DataError)


def _safe_load_bytes(data: bytes):
    import torch  # function-local: .npy/.npz features load without torch

    return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickler for feature dicts: numpy arrays and torch tensors only.

    ``pickle.load`` runs arbitrary code; this one resolves only the globals that a
    dict of numpy arrays or torch tensors needs, and loads tensor storages with
    ``torch.load(weights_only=True)`` instead of torch's own ``weights_only=False``.
    """

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch._utils", "_rebuild_tensor"),
        ("collections", "OrderedDict"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) == ("torch.storage", "_load_from_bytes"):
            return _safe_load_bytes
        if (module, name) in self._ALLOWED:
            if module.startswith("torch"):
                import torch  # noqa: F401  (makes torch._utils importable)
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"global '{module}.{name}' is not allowed in a feature file")


def _to_numpy(value, path: Path, what: str) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    try:
        import torch  # function-local: .npy/.npz features load without torch

        if isinstance(value, torch.Tensor):
            return value.detach().cpu().numpy()
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    raise DataError(f"{path}: {what} is a {type(value).__name__}, expected an array or tensor")


def _read_pkl(path: Path) -> np.ndarray:
    with open(path, "rb") as f:
        obj = _RestrictedUnpickler(f).load()
    if not isinstance(obj, dict) or any(k not in obj for k in PKL_KEYS):
        keys = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
        raise DataError(f"{path}: expected a dict with keys {list(PKL_KEYS)}, got {keys}")
    parts = []
    for key in PKL_KEYS:
        arr = _to_numpy(obj[key], path, key)
        if arr.ndim == 3 and arr.shape[0] == 1:
            arr = arr[0]  # 1 x C x T -> C x T
        if arr.ndim != 2:
            raise DataError(f"{path}: {key} has shape {tuple(arr.shape)}, expected 1 x C x T or C x T")
        parts.append(arr)
    if parts[0].shape[1] != parts[1].shape[1]:
        raise DataError(
            f"{path}: slow_feature and fast_feature lengths differ "
            f"({parts[0].shape[1]} vs {parts[1].shape[1]})"
        )
    return np.concatenate(parts, axis=0).T  # [T, C_slow + C_fast]


def _read_raw(path: Path) -> np.ndarray:
    ext = path.suffix
    if ext == ".npy":
        return np.load(path, allow_pickle=False)
    if ext == ".npz":
        with np.load(path, allow_pickle=False) as data:
            if NPZ_KEY not in data.files:
                raise DataError(f"{path}: no array '{NPZ_KEY}' in the .npz (has {data.files})")
            return data[NPZ_KEY]
    if ext == ".pt":
        import torch  # function-local: .npy/.npz features load without torch

        obj = torch.load(path, map_location="cpu", weights_only=True)
        return _to_numpy(obj, path, "the stored object")
    if ext == ".pkl":
        return _read_pkl(path)
    raise DataError(f"{path}: unsupported feature format {ext!r} (use one of {FEATURE_EXTS})")


def read_feature_array(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one feature file as float32 T x C, without content checks.

    Raises:
        DataError: missing, unreadable or truncated file, wrong structure or rank.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: feature file not found")
    try:
        arr = _read_raw(path)
    except DataError:
        raise
    except _READ_ERRORS as exc:
        msg = " ".join(str(exc).split())[:200]
        raise DataError(f"{path}: unreadable feature file ({type(exc).__name__}: {msg})") from None
    if arr.ndim != 2:
        raise DataError(f"{path}: features have shape {tuple(arr.shape)}, expected T x C")
    if arr.dtype.kind not in "fiu":
        raise DataError(f"{path}: features have dtype {arr.dtype}, expected a float array")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise DataError(f"{path}: empty feature array of shape {tuple(arr.shape)}")
    return np.ascontiguousarray(arr, dtype=np.float32)


def load_feature_file(
    path: str | os.PathLike[str],
    *,
    channels: tuple[int, int] | None = None,
    input_dim: int | None = None,
    check_finite: bool = True,
) -> np.ndarray:
    """Read a feature file, slice channels and check dim and values.

    Args:
        path: the file (format from its extension).
        channels: ``(start, end)`` slice of the channel axis, or None for all.
        input_dim: expected C after slicing, or None to skip the check.
        check_finite: refuse NaN / Inf values.

    Returns:
        float32 array [T, C].
    """
    arr = read_feature_array(path)  # [T, C_file]
    if channels is not None:
        start, end = int(channels[0]), int(channels[1])
        if not 0 <= start < end <= arr.shape[1]:
            raise DataError(
                f"{path}: channels ({start}, {end}) out of range for {arr.shape[1]}-channel features"
            )
        arr = np.ascontiguousarray(arr[:, start:end])  # [T, end - start]
    if input_dim is not None and arr.shape[1] != input_dim:
        sliced = f" after channels {tuple(channels)}" if channels is not None else ""
        raise DataError(
            f"{path}: feature dim {arr.shape[1]}{sliced} differs from input_dim {input_dim}"
        )
    if check_finite:
        bad = ~np.isfinite(arr)
        if bad.any():
            t, c = np.argwhere(bad)[0]
            raise DataError(
                f"{path}: {int(bad.sum())} non-finite feature values (NaN/Inf), "
                f"first at step {t}, channel {c}"
            )
    return arr
