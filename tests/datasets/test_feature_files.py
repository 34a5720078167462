"""Feature files: every format, float16 cast, channel slicing and every bad-file error."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
import torch

from datasets.features import feature_path, load_feature_file, read_feature_array
from harness.errors import DataError

ARR = np.arange(24, dtype=np.float32).reshape(6, 4)  # [T=6, C=4]


def _one_line(exc: pytest.ExceptionInfo, path) -> str:
    msg = str(exc.value)
    assert "\n" not in msg and str(path) in msg, msg
    return msg


def test_npy_float16_is_cast_to_float32(tmp_path):
    p = tmp_path / "v.npy"
    np.save(p, ARR.astype(np.float16))
    out = load_feature_file(p)
    assert out.dtype == np.float32 and out.shape == (6, 4)
    np.testing.assert_array_equal(out, ARR)


def test_npz_key_feats(tmp_path):
    p = tmp_path / "v.npz"
    np.savez(p, feats=ARR)
    np.testing.assert_array_equal(load_feature_file(p), ARR)
    np.savez(tmp_path / "w.npz", other=ARR)
    with pytest.raises(DataError) as exc:
        load_feature_file(tmp_path / "w.npz")
    assert "no array 'feats'" in _one_line(exc, tmp_path / "w.npz")


def test_pt_tensor_loaded_weights_only(tmp_path):
    p = tmp_path / "v.pt"
    torch.save(torch.from_numpy(ARR).half(), p)
    out = load_feature_file(p)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, ARR)
    torch.save({"feats": torch.from_numpy(ARR)}, tmp_path / "d.pt")
    with pytest.raises(DataError) as exc:
        load_feature_file(tmp_path / "d.pt")
    assert "expected an array or tensor" in _one_line(exc, tmp_path / "d.pt")


@pytest.mark.parametrize("as_tensor", [True, False])
@pytest.mark.parametrize("lead", [True, False])
def test_pkl_slowfast_concatenated_on_channels(tmp_path, as_tensor, lead):
    slow = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)  # [C=3, T=5]
    fast = np.random.default_rng(1).standard_normal((2, 5)).astype(np.float16)  # [C=2, T=5]
    parts = {"slow_feature": slow, "fast_feature": fast}
    if lead:
        parts = {k: v[None] for k, v in parts.items()}  # 1 x C x T
    if as_tensor:
        parts = {k: torch.from_numpy(v) for k, v in parts.items()}
    p = tmp_path / "v.pkl"
    p.write_bytes(pickle.dumps(parts))
    out = load_feature_file(p, input_dim=5)
    assert out.shape == (5, 5) and out.dtype == np.float32  # [T, C_slow + C_fast]
    np.testing.assert_allclose(out, np.concatenate([slow, fast.astype(np.float32)], 0).T)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_pkl_refuses_foreign_globals(tmp_path):
    p = tmp_path / "v.pkl"
    p.write_bytes(pickle.dumps({"slow_feature": _Evil(), "fast_feature": ARR}))
    with pytest.raises(DataError) as exc:
        load_feature_file(p)
    assert "not allowed" in _one_line(exc, p)


def test_truncated_npy_is_one_line_error(tmp_path):
    p = tmp_path / "v.npy"
    np.save(p, np.zeros((100, 16), np.float32))
    p.write_bytes(p.read_bytes()[:300])
    with pytest.raises(DataError) as exc:
        load_feature_file(p)
    assert "unreadable feature file" in _one_line(exc, p)


@pytest.mark.parametrize("ext", [".npz", ".pt", ".pkl"])
def test_garbage_files_are_one_line_errors(tmp_path, ext):
    p = tmp_path / f"v{ext}"
    p.write_bytes(b"\x00garbage" * 10)
    with pytest.raises(DataError) as exc:
        load_feature_file(p)
    _one_line(exc, p)


def test_missing_and_wrong_rank(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_feature_array(tmp_path / "nope.npy")
    np.save(tmp_path / "r.npy", np.zeros((2, 3, 4), np.float32))
    with pytest.raises(DataError) as exc:
        load_feature_file(tmp_path / "r.npy")
    assert "expected T x C" in _one_line(exc, tmp_path / "r.npy")


def test_channel_slice_and_dim_check(tmp_path):
    p = tmp_path / "v.npy"
    np.save(p, ARR)
    np.testing.assert_array_equal(load_feature_file(p, channels=(1, 3), input_dim=2), ARR[:, 1:3])
    with pytest.raises(DataError) as exc:
        load_feature_file(p, channels=(0, 2), input_dim=4)
    assert "feature dim 2 after channels (0, 2) differs from input_dim 4" in _one_line(exc, p)
    with pytest.raises(DataError) as exc:
        load_feature_file(p, channels=(0, 8))
    assert "out of range for 4-channel" in _one_line(exc, p)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values(tmp_path, bad):
    arr = ARR.copy()
    arr[2, 3] = bad
    p = tmp_path / "v.npy"
    np.save(p, arr)
    with pytest.raises(DataError) as exc:
        load_feature_file(p)
    assert "1 non-finite feature values" in _one_line(exc, p) and "step 2, channel 3" in str(exc.value)


@pytest.mark.parametrize("vid,needle", [
    ("../x", "outside"),
    ("a/../../x", "outside"),
    ("/etc/passwd", "absolute"),
    ("bad\x00id", "NUL"),
    ("..", "outside"),
])
def test_hostile_video_ids_refused(tmp_path, vid, needle):
    with pytest.raises(DataError) as exc:
        feature_path(tmp_path / "feats", vid, ext=".npy" if vid != ".." else "")
    assert needle in _one_line(exc, tmp_path / "feats")


def test_feature_path_name_parts(tmp_path):
    p = feature_path(tmp_path, "abc", prefix="v_", suffix="_spatial_feature", ext=".pt")
    assert p == tmp_path / "v_abc_spatial_feature.pt"
    assert feature_path(tmp_path, "sub/x") == tmp_path / "sub" / "x.npy"


def test_symlinks_out_of_the_feature_folder_are_refused_like_dotdot_ids(tmp_path):
    """One containment rule: a feature file that is a symlink to outside its folder is refused,
    exactly as a ``../`` video id is (it was once followed)."""
    feats = tmp_path / "feats"
    feats.mkdir()
    secret = tmp_path / "secret.npy"
    np.save(secret, np.zeros((4, 2), np.float32))
    (feats / "leak.npy").symlink_to(secret)
    with pytest.raises(DataError, match="leak.npy: feature file of video 'leak' lies outside .*resolves to"):
        feature_path(feats, "leak")
    # links inside the folder, and a feature folder that is itself a link, are fine
    np.save(feats / "real.npy", np.zeros((4, 2), np.float32))
    (feats / "alias.npy").symlink_to(feats / "real.npy")
    assert feature_path(feats, "alias") == feats / "alias.npy"
    (tmp_path / "linked").symlink_to(feats)
    assert feature_path(tmp_path / "linked", "real") == tmp_path / "linked" / "real.npy"
