"""The compiled Soft-NMS loop equals the numpy one bit for bit (and so the official op)."""

from __future__ import annotations

import numpy as np
import pytest

from models.postprocess import soft_nms_native as native
from models.postprocess.soft_nms_core import soft_nms_rows, soft_nms_rows_numpy

needs_cc = pytest.mark.skipif(native._compiler() is None, reason="no C compiler on this machine")


def _rows(seed: int, rows: int, width: int, *, dirty: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x1 = rng.uniform(0, 50, (rows, width)).astype(np.float32)
    x2 = (x1 + rng.uniform(0, 10, (rows, width))).astype(np.float32)
    sc = rng.uniform(0, 1, (rows, width)).astype(np.float32)
    sc[:, ::7] = sc[:, :1]  # ties
    if dirty:  # NaN/inf scores, zero-length and inverted segments
        sc[0, 3] = np.nan
        sc[1 % rows, 0] = np.nan
        x2[0, 5] = x1[0, 5]
        x2[1 % rows, 4] = x1[1 % rows, 4] - 2.0
        x1[0, 6] = np.inf
    counts = rng.integers(0, width + 1, rows).astype(np.int64)
    counts[0] = width
    return np.stack([x1, x2, sc]), counts


@needs_cc
@pytest.mark.parametrize("method", [0, 1, 2])
@pytest.mark.parametrize("dirty", [False, True])
@pytest.mark.parametrize(("min_score", "max_num"), [(0.001, 1000), (0.3, 5), (0.0, 3)])
def test_native_equals_numpy(monkeypatch, method, dirty, min_score, max_num):
    monkeypatch.setenv("TAL_NMS_BACKEND", "c")
    for seed in range(4):
        data, counts = _rows(seed, rows=5, width=40, dirty=dirty)
        kw = dict(iou_threshold=0.1, sigma=0.5, min_score=min_score, method=method, max_num=max_num)
        got = native.soft_nms_rows_native(data, counts, **kw)
        exp = soft_nms_rows_numpy(data, counts, **kw)
        assert got is not None
        np.testing.assert_array_equal(got[2], exp[2])
        for r, k in enumerate(exp[2]):
            np.testing.assert_array_equal(got[0][r, :k], exp[0][r, :k])
            np.testing.assert_array_equal(got[1][r, :k], exp[1][r, :k])  # NaN == NaN here


@needs_cc
def test_library_is_built_once_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TAL_NMS_BACKEND", "c")  # independent of the caller's setting
    monkeypatch.setenv("TAL_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(native, "_STATE", {})
    assert native.native_library() is not None
    built = list(tmp_path.glob("soft_nms-*.so"))
    assert len(built) == 1
    mtime = built[0].stat().st_mtime_ns
    monkeypatch.setattr(native, "_STATE", {})
    native.native_library()
    assert built[0].stat().st_mtime_ns == mtime


def test_backend_switch_and_fallback(monkeypatch):
    data, counts = _rows(0, rows=3, width=10, dirty=False)
    kw = dict(iou_threshold=0.1, sigma=0.5, min_score=0.001, method=2, max_num=100)
    monkeypatch.setenv("TAL_NMS_BACKEND", "numpy")
    assert native.soft_nms_rows_native(data, counts, **kw) is None
    assert soft_nms_rows(data, counts, **kw)[2].tolist() == soft_nms_rows_numpy(data, counts, **kw)[2].tolist()
    monkeypatch.setenv("TAL_NMS_BACKEND", "fast")
    with pytest.raises(ValueError, match="TAL_NMS_BACKEND"):
        native.backend()
    monkeypatch.setenv("TAL_NMS_BACKEND", "c")
    monkeypatch.setattr(native, "_STATE", {})
    monkeypatch.setattr(native, "_compiler", lambda: None)
    with pytest.raises(RuntimeError, match="no C compiler"):
        native.native_library()
    monkeypatch.setenv("TAL_NMS_BACKEND", "auto")
    monkeypatch.setattr(native, "_STATE", {})
    assert native.native_library() is None  # auto: numpy fallback
    monkeypatch.setattr(native, "_STATE", {})
