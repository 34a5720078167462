"""The Soft-NMS loop compiled from ``soft_nms.c`` (built on first use), with a numpy fallback.

The official code runs Soft-NMS as a C++ extension; the numpy port in
:mod:`models.postprocess.soft_nms_core` gives the same results but pays Python overhead per
loop step (about 0.1 s per THUMOS-size video for TriDet and CLTDR-GMG, a third of their
inference). This module compiles the C loop once per machine with the system C compiler
(``$CC``, ``cc`` or ``gcc``; no Python headers needed) into a cache folder and calls it
through ``ctypes``.

Backend choice: ``TAL_NMS_BACKEND`` = ``auto`` (default: C when it builds, else numpy),
``numpy`` or ``c`` (fail when it cannot be built). Cache folder: ``TAL_CACHE_DIR``, else
``$XDG_CACHE_HOME/tal-harness``, else ``~/.cache/tal-harness``; the library's name carries a
hash of the source and flags, and it is written atomically (parallel sweeps may race).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from harness.io import atomic_write_bytes
from models.postprocess.nms_core import SOFT_NMS_METHODS, soft_nms_method_error

SOURCE = Path(__file__).with_name("soft_nms.c")
FLAGS = ("-O2", "-shared", "-fPIC", "-ffp-contract=off", "-fno-fast-math", "-std=c99")
BACKENDS = ("auto", "numpy", "c")
_STATE: dict[str, object] = {}  # "lib": CDLL | None once tried, "error": why it failed

_I64 = ctypes.POINTER(ctypes.c_int64)
_F32 = ctypes.POINTER(ctypes.c_float)


def backend() -> str:
    """The ``TAL_NMS_BACKEND`` setting (ValueError on an unknown value)."""
    value = os.environ.get("TAL_NMS_BACKEND", "auto").strip().lower() or "auto"
    if value not in BACKENDS:
        raise ValueError(f"TAL_NMS_BACKEND must be one of {BACKENDS}, got {value!r}")
    return value


def cache_dir() -> Path:
    if os.environ.get("TAL_CACHE_DIR"):
        return Path(os.environ["TAL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tal-harness"


def _compiler() -> str | None:
    for name in (os.environ.get("CC"), "cc", "gcc"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _build(cc: str) -> Path:
    """Compile ``soft_nms.c`` into the cache (once per source, flags and platform)."""
    tag = hashlib.sha256(
        SOURCE.read_bytes() + " ".join(FLAGS).encode() + platform.platform().encode()
        + cc.encode()
    ).hexdigest()[:16]
    target = cache_dir() / f"soft_nms-{tag}.so"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / target.name
        subprocess.run([cc, *FLAGS, "-o", str(built), str(SOURCE), "-lm"], check=True,
                       capture_output=True, timeout=120)
        return atomic_write_bytes(target, built.read_bytes())  # parallel sweeps may race


def native_library() -> ctypes.CDLL | None:
    """The compiled loop, or None when the backend is numpy or it cannot be built."""
    if backend() == "numpy":
        return None
    if "lib" not in _STATE:
        lib = None
        try:
            cc = _compiler()
            if cc is None:
                raise RuntimeError("no C compiler ($CC, cc, gcc) on PATH")
            lib = ctypes.CDLL(str(_build(cc)))
            lib.soft_nms_rows.restype = ctypes.c_int
            lib.soft_nms_rows.argtypes = [
                _F32, _F32, _F32, _I64, ctypes.c_int64, ctypes.c_int64, ctypes.c_float,
                ctypes.c_float, ctypes.c_float, ctypes.c_int, ctypes.c_int64, _I64, _F32, _I64,
            ]
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            _STATE["error"] = f"{type(exc).__name__}: {exc}"
            lib = None
        _STATE["lib"] = lib
    lib = _STATE["lib"]
    if lib is None and backend() == "c":
        raise RuntimeError(f"TAL_NMS_BACKEND=c but the C Soft-NMS could not be built ({_STATE.get('error')})")
    return lib  # type: ignore[return-value]


def soft_nms_rows_native(
    data: np.ndarray, counts: np.ndarray, *, iou_threshold: float, sigma: float,
    min_score: float, method: int, max_num: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`models.postprocess.soft_nms_core.soft_nms_rows` in C; None when unavailable.

    Args:
        data: float32 [3, R, W] (x1, x2, score); counts: int64 [R].
        iou_threshold, sigma, min_score, method, max_num: the op's arguments.

    Returns:
        (cols int64 [R, K], scores float32 [R, K], num int64 [R]), K = min(max_num, W).
    """
    if method not in SOFT_NMS_METHODS:
        raise soft_nms_method_error(method)
    lib = native_library()
    if lib is None:
        return None
    x1, x2, sc = (np.ascontiguousarray(a, dtype=np.float32) for a in data)  # each [R, W]
    num_rows, width = x1.shape
    cnt = np.ascontiguousarray(counts, dtype=np.int64)  # [R]
    out_k = min(int(max_num), width)
    cols = np.zeros((num_rows, out_k), dtype=np.int64)
    scores = np.zeros((num_rows, out_k), dtype=np.float32)
    num = np.zeros(num_rows, dtype=np.int64)
    status = lib.soft_nms_rows(
        x1.ctypes.data_as(_F32), x2.ctypes.data_as(_F32), sc.ctypes.data_as(_F32),
        cnt.ctypes.data_as(_I64), num_rows, width, float(np.float32(iou_threshold)),
        float(np.float32(sigma)), float(np.float32(min_score)), int(method), out_k,
        cols.ctypes.data_as(_I64), scores.ctypes.data_as(_F32), num.ctypes.data_as(_I64),
    )
    if status != 0:
        raise MemoryError("soft-NMS: out of memory in the C loop")
    return cols, scores, num
