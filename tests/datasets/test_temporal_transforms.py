"""Time <-> grid mapping, down-sampling, resize, ANet GT filter and the random crop rule."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from datasets.transforms import (
    ClipSegmentsToFeatures,
    RandomTruncate,
    ResizeFeatures,
    TemporalDownsample,
    clip_segments_to_features,
    draw_crop_length,
    grid_to_seconds,
    resize_stride,
    seconds_to_grid,
    truncate_feats,
)


def test_mapping_faq_example_and_inverse():
    grid = seconds_to_grid(np.array([[10.0, 20.0]]), fps=30, feat_stride=4, num_frames=16)
    assert grid.dtype == np.float32 and grid.tolist() == [[73.0, 148.0]]  # (300 - 8) / 4
    back = grid_to_seconds(grid, fps=30, feat_stride=4, num_frames=16, duration=100.0)
    np.testing.assert_allclose(back, [[10.0, 20.0]], rtol=0, atol=1e-6)


def test_mapping_small_negative_allowed_and_inverse_clips():
    grid = seconds_to_grid(np.array([[0.0, 0.1]]), fps=30, feat_stride=4, num_frames=16)
    assert grid[0, 0] == -2.0  # centre of the first clip sits at 8 frames
    out = grid_to_seconds(np.array([[-5.0, 1000.0], [0.0, 3.0]]), fps=30, feat_stride=4,
                          num_frames=16, duration=12.0)
    assert out[0].tolist() == [0.0, 12.0]
    assert out[1].tolist() == pytest.approx([8 / 30, 20 / 30])


def test_mapping_is_float32_like_official():
    sec = np.random.default_rng(0).uniform(0, 500, (2000, 2))
    s32, fps = sec.astype(np.float32), np.float32(29.97)
    # stride 12 (= 4 x downsample 3): with power-of-two strides both roundings coincide
    af = s32 * fps / np.float32(12.0) - np.float32(16 / 24)  # ActionFormer HEAD
    td = (s32 * fps - np.float32(8.0)) / np.float32(12.0)  # TriDet
    out_af = seconds_to_grid(sec, fps=29.97, feat_stride=12, num_frames=16)
    out_td = seconds_to_grid(sec, fps=29.97, feat_stride=12, num_frames=16, rule="tridet")
    assert out_af.dtype == out_td.dtype == np.float32
    assert np.array_equal(out_af, af) and np.array_equal(out_td, td)
    assert not np.array_equal(out_af, out_td)  # the two official roundings differ somewhere
    pow2 = dict(fps=29.97, feat_stride=4, num_frames=16)
    assert np.array_equal(seconds_to_grid(sec, **pow2), seconds_to_grid(sec, **pow2, rule="tridet"))
    np.testing.assert_allclose(out_af, out_td, rtol=1e-6, atol=1e-4)
    with pytest.raises(ValueError):
        seconds_to_grid(sec, fps=30, feat_stride=4, num_frames=16, rule="other")


def test_downsample_keeps_every_rth_and_scales_stride():
    feats = torch.arange(10.0)[None].repeat(3, 1)  # [C=3, T=10]
    res = TemporalDownsample(rate=3)({"feats": feats, "feat_stride": 4.0})
    assert res["feats"][0].tolist() == [0.0, 3.0, 6.0, 9.0] and res["feat_stride"] == 12.0
    with pytest.raises(ValueError):
        TemporalDownsample(rate=0)


def test_resize_stride_and_interpolation():
    assert resize_stride(100, feat_stride=16, num_frames=16, length=192) == (99 * 16 + 16) / 192
    feats = torch.arange(4.0)[None]  # [1, 4]
    res = ResizeFeatures(length=8)({"feats": feats, "feat_stride": 16.0, "feat_num_frames": 16.0})
    expected = torch.nn.functional.interpolate(feats[None], size=8, mode="linear",
                                               align_corners=False)[0]
    assert torch.equal(res["feats"], expected) and res["feats"].shape == (1, 8)
    assert res["feat_stride"] == res["feat_num_frames"] == (3 * 16 + 16) / 8
    # the half-bin offset: a GT covering the whole feature span maps to [-0.5, 7.5]
    span_sec = (3 * 16 + 16) / 15.0
    grid = seconds_to_grid(np.array([[0.0, span_sec]]), fps=15, feat_stride=res["feat_stride"],
                           num_frames=res["feat_num_frames"])
    np.testing.assert_allclose(grid, [[-0.5, 7.5]], atol=1e-5)


def test_anet_filter_actionformer_variant():
    segs = torch.tensor([[1.0, 5.0], [8.0, 14.0], [9.0, 30.0], [10.6, 12.0], [3.0, 3.0]])
    labels = torch.arange(5)
    # feat_len 10, offset 0.5 -> v = 10.5: row 1 has 2.5/6 < 0.5 inside, row 2 1.5/21,
    # row 3 starts after v; rows 0 and 4 (zero length, inside) kept
    out, lab = clip_segments_to_features(segs, labels, feat_len=10, offset=0.5, min_inside_ratio=0.5)
    assert lab.tolist() == [0, 4] and out.tolist() == [[1.0, 5.0], [3.0, 3.0]]
    segs2 = torch.tensor([[8.0, 11.0]])  # 2.5 of 3 inside -> kept, end clamped to 10.5
    out, _ = clip_segments_to_features(segs2, torch.zeros(1, dtype=torch.long), feat_len=10,
                                       offset=0.5, min_inside_ratio=0.5)
    assert out.tolist() == [[8.0, 10.5]]


def test_anet_filter_tridet_variant():
    segs = torch.tensor([[8.0, 14.0], [10.0, 12.0], [9.9, 30.0]])
    out, lab = clip_segments_to_features(segs, torch.arange(3), feat_len=10, offset=0.0,
                                         min_inside_ratio=None)
    assert lab.tolist() == [0, 2] and out.tolist() == [[8.0, 10.0], [pytest.approx(9.9), 10.0]]
    res = ClipSegmentsToFeatures(min_inside_ratio=None, widen_by_offset=False)(
        {"feats": torch.zeros(2, 10), "segments": segs, "labels": torch.arange(3),
         "feat_stride": 4.0, "feat_num_frames": 16.0})
    assert res["labels"].tolist() == [0, 2]


class _Script:
    """Replace random.randint with a scripted sequence; records the calls."""

    def __init__(self, monkeypatch, values):
        self.values, self.calls = list(values), []
        monkeypatch.setattr(random, "randint", self)

    def __call__(self, a, b):
        self.calls.append((a, b))
        return self.values.pop(0)


def _case():
    feats = torch.arange(100.0)[None].repeat(2, 1)  # [C=2, T=100]
    segs = torch.tensor([[70.0, 80.0], [5.0, 9.0]])
    return feats, segs, torch.tensor([3, 4])


def test_crop_length_bounds_and_long_videos(monkeypatch):
    script = _Script(monkeypatch, [95])
    assert draw_crop_length(100, 2304, (0.9, 1.0)) == 95
    assert script.calls == [(90, 100)]
    assert draw_crop_length(3000, 2304, (0.9, 1.0)) == 2304 and len(script.calls) == 1
    assert draw_crop_length(100, 2304, None) == 100
    script = _Script(monkeypatch, [1])
    draw_crop_length(1, 8, (0.9, 1.0))
    assert script.calls == [(1, 1)]  # max(round(0.9), 1)


def test_truncate_retries_until_a_gt_survives(monkeypatch):
    feats, segs, labels = _case()
    # L = 50; st = 20: window [20, 70) overlaps no GT -> retry; st = 45: [45, 95) keeps GT 0
    script = _Script(monkeypatch, [50, 20, 45])
    f, s, lab, st = truncate_feats(feats, segs, labels, max_seq_len=200, trunc_thresh=0.5,
                                   offset=0.0, crop_ratio=(0.5, 1.0))
    assert script.calls == [(50, 100), (0, 50), (0, 50)]
    assert st == 45 and f.shape == (2, 50) and f[0, 0].item() == 45.0
    assert lab.tolist() == [3] and s.tolist() == [[25.0, 35.0]]


def test_truncate_uses_last_draw_when_nothing_qualifies(monkeypatch):
    feats, segs, labels = _case()
    script = _Script(monkeypatch, [20] + [30] * 200)  # window [30, 50): no GT at all
    f, s, lab, st = truncate_feats(feats, segs, labels, max_seq_len=200, trunc_thresh=0.5,
                                   offset=0.0, crop_ratio=(0.1, 1.0), max_num_trials=200)
    assert len(script.calls) == 201 and st == 30 and f.shape == (2, 20)
    assert s.shape == (0, 2) and lab.shape == (0,)


def test_truncate_widening_changes_survival_and_clipping(monkeypatch):
    feats = torch.zeros(1, 100)  # [1, T=100]
    segs = torch.tensor([[47.0, 52.0]])  # 3 of 5 steps inside [0, 50); 3.5/5 widened
    for offset, thresh, expect in [(0.0, 0.65, None), (2.0, 0.65, [[47.0, 52.0]]),
                                   (0.0, 0.6, [[47.0, 50.0]]), (0.5, 0.6, [[47.0, 50.5]])]:
        script = _Script(monkeypatch, [0])
        _, s, lab, _ = truncate_feats(feats, segs, torch.tensor([1]), max_seq_len=50,
                                      trunc_thresh=thresh, offset=offset, max_num_trials=1)
        assert script.calls == [(0, 50)]
        assert (s.tolist() or None) == expect, (offset, thresh)


def test_no_crop_when_length_equals_t(monkeypatch):
    feats, segs, labels = _case()
    script = _Script(monkeypatch, [100])
    f, s, lab, st = truncate_feats(feats, segs, labels, max_seq_len=200, trunc_thresh=0.5,
                                   offset=0.0, crop_ratio=(0.9, 1.0))
    assert len(script.calls) == 1 and f is feats and s is segs and st == 0


def test_video_without_gt(monkeypatch):
    feats = torch.zeros(2, 30)
    empty = torch.zeros(0, 2)
    script = _Script(monkeypatch, [])
    f, *_ = truncate_feats(feats, empty, torch.zeros(0, dtype=torch.long), max_seq_len=64,
                           trunc_thresh=0.5, offset=2.0, crop_ratio=(0.9, 1.0))
    assert f is feats and script.calls == []  # like the official code: no draw at all
    script = _Script(monkeypatch, [7])
    f, s, _, st = truncate_feats(torch.zeros(2, 100), empty, torch.zeros(0, dtype=torch.long),
                                 max_seq_len=64, trunc_thresh=0.5, offset=2.0)
    assert script.calls == [(0, 36)] and st == 7 and f.shape == (2, 64) and s.shape == (0, 2)


def _reference_truncate(feats, segs, labels, max_len, thresh, offset, ratio, trials=200):
    """Element-by-element restatement of data-and-eval.md §2 (float64 arithmetic)."""
    t = feats.shape[1]
    if t <= max_len:
        length = random.randint(max(round(ratio[0] * t), 1), min(round(ratio[1] * t), t))
        if length == t:
            return feats, segs.tolist(), labels.tolist()
    else:
        length = max_len
    for _ in range(trials):
        st = random.randint(0, t - length)
        lo, hi = st - offset, st + length + offset
        kept = []
        for (a, b), lab in zip(segs.tolist(), labels.tolist()):
            inter = max(0.0, min(hi, b) - max(lo, a))
            if b != a and inter / abs(b - a) >= thresh:
                kept.append(([max(lo, a) - st, min(hi, b) - st], lab))
        if kept:
            break
    return feats[:, st : st + length], [k[0] for k in kept], [k[1] for k in kept]


@pytest.mark.parametrize("seed", range(20))
def test_truncate_matches_restated_rule(seed):
    gen = np.random.default_rng(seed)
    t = int(gen.integers(20, 300))
    n = int(gen.integers(1, 6))
    starts = gen.uniform(-2, t, n)
    segs = torch.tensor(np.stack([starts, starts + gen.uniform(0.5, 40, n)], 1), dtype=torch.float32)
    labels = torch.arange(n)
    feats = torch.arange(float(t))[None]
    offset = float(gen.choice([0.0, 2.0, 0.5]))
    random.seed(seed)
    f, s, lab, _ = truncate_feats(feats, segs, labels, max_seq_len=128, trunc_thresh=0.5,
                                  offset=offset, crop_ratio=(0.9, 1.0))
    random.seed(seed)
    rf, rs, rl = _reference_truncate(feats, segs, labels, 128, 0.5, offset, (0.9, 1.0))
    assert torch.equal(f, rf) and lab.tolist() == rl
    np.testing.assert_allclose(s.reshape(-1, 2).numpy(), np.asarray(rs).reshape(-1, 2), atol=1e-4)


def test_random_truncate_transform_offset_from_meta(monkeypatch):
    script = _Script(monkeypatch, [0])
    res = RandomTruncate(max_seq_len=50, trunc_thresh=0.6, widen_by_offset=True)(
        {"feats": torch.zeros(1, 100), "segments": torch.tensor([[47.0, 52.0]]),
         "labels": torch.tensor([1]), "feat_stride": 4.0, "feat_num_frames": 16.0})
    assert script.calls == [(0, 50)]
    assert res["segments"].tolist() == [[47.0, 52.0]]  # offset 2: window [-2, 52]
