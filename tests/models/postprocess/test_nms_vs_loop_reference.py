"""The vectorised NMS against a plain element-by-element port of the C++ loops, on random
inputs with score ties, duplicate and zero-length segments and candidates below min_score."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from models.postprocess import batched_nms, nms_1d, per_class_nms, soft_nms_1d
from models.postprocess.nms_core import bucket_groups

F32 = np.float32


def _iou(a1, a2, area_a, b1, b2, area_b):
    xx1, xx2 = max(a1, b1), min(a2, b2)
    inter = max(F32(0), F32(xx2 - xx1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return F32(inter / F32(F32(area_a + area_b) - inter))


def loop_softnms(segs, scores, thr, sigma, min_score, method):
    """Literal transcription of nms_cpu.cpp softnms: returns (original indices, scores)."""
    x1 = [F32(v) for v in segs[:, 0]]
    x2 = [F32(v) for v in segs[:, 1]]
    sc = [F32(v) for v in scores]
    area = [F32(F32(b - a) + F32(1e-6)) for a, b in zip(x1, x2)]
    inds = list(range(len(sc)))
    arrays = [x1, x2, sc, area, inds]
    thr, sigma, min_score = F32(thr), F32(sigma), F32(min_score)
    out_sc, n, i = [], len(sc), 0
    while i < n:
        max_pos = i
        for pos in range(i + 1, n):
            if sc[pos] > sc[max_pos]:
                max_pos = pos
        for arr in arrays:
            arr[i], arr[max_pos] = arr[max_pos], arr[i]
        out_sc.append(sc[i])
        pos = i + 1
        while pos < n:
            ovr = _iou(x1[i], x2[i], area[i], x1[pos], x2[pos], area[pos])
            if method == 2:
                weight = F32(math.exp(float(F32(-(ovr * ovr)) / sigma)))
            elif method == 1:
                weight = F32(1) - ovr if ovr >= thr else F32(1)
            else:
                weight = F32(0) if ovr >= thr else F32(1)
            sc[pos] = F32(sc[pos] * weight)
            if sc[pos] < min_score:
                for arr in arrays:
                    arr[pos] = arr[n - 1]
                n -= 1
                pos -= 1
            pos += 1
        i += 1
    return inds[:n], out_sc[:n]


def loop_hard_nms(segs, scores, thr, min_score):
    """NMSop + nms_cpu.cpp nms: returns original indices in kept order."""
    idx = np.arange(len(scores))
    if min_score > 0:
        keep = torch.from_numpy(scores) > min_score
        idx = idx[keep.numpy()]
    order = torch.sort(torch.from_numpy(scores[idx]), descending=True)[1].numpy()
    x1, x2 = segs[idx, 0], segs[idx, 1]
    area = (x2 - x1) + F32(1e-6)
    suppressed, kept = np.zeros(len(idx), bool), []
    for a, i in enumerate(order):
        if suppressed[i]:
            continue
        kept.append(idx[i])
        for j in order[a + 1 :]:
            if not suppressed[j] and _iou(x1[i], x2[i], area[i], x1[j], x2[j], area[j]) >= F32(thr):
                suppressed[j] = True
    return kept


def random_candidates(rng, n, num_classes=3, tie_levels=None, inverted=0.0):
    """Grid-aligned starts (exact IoU ties), some zero-length and duplicate segments,
    scores quantised to ``tie_levels`` values when given, ~10 % below 0.001, and a
    fraction ``inverted`` of segments with end < start."""
    start = rng.integers(0, 40, n).astype(F32)
    length = rng.choice([0, 1, 2, 4, 8, 3.5], n).astype(F32)
    segs = np.stack([start, start + length], 1)  # [n, 2]
    if tie_levels:
        scores = rng.choice(np.linspace(0.05, 0.95, tie_levels), n).astype(F32)
    else:
        scores = rng.uniform(0.002, 1.0, n).astype(F32)
    scores[rng.random(n) < 0.1] = F32(0.0005)
    dup = rng.integers(0, n, n // 8)
    segs[dup[1:]], scores[dup[1:]] = segs[dup[:-1]], scores[dup[:-1]]  # exact duplicates
    labels = rng.integers(0, num_classes, n)
    flip = rng.random(n) < inverted
    segs[flip] = segs[flip][:, ::-1]
    return segs, scores, labels


CASES = [  # (seed, n, tie_levels, method, min_score, max_num, sigma, thr, inverted)
    (0, 60, None, 2, 0.001, 100, 0.5, 0.1, 0.0),
    (1, 80, 4, 2, 0.001, 100, 0.5, 0.1, 0.0),
    (2, 80, 3, 2, 0.05, 30, 0.3, 0.1, 0.0),
    (3, 70, 5, 1, 0.001, 100, 0.5, 0.3, 0.0),
    (4, 70, None, 1, 0.2, 100, 0.5, 0.3, 0.0),
    (5, 50, 2, 0, 0.001, 100, 0.5, 0.5, 0.0),
    (6, 90, None, 0, 0.001, 7, 0.5, 0.2, 0.0),
    (7, 40, 3, 2, 0.9, 100, 0.75, 0.1, 0.0),
    (8, 80, None, 2, 0.1, 100, 0.5, 0.1, 0.2),  # inverted segments: dense passes only
    (9, 80, 3, 1, 0.05, 100, 0.5, 0.0, 0.0),  # threshold 0: dense passes only
]


@pytest.mark.parametrize("seed,n,ties,method,min_score,max_num,sigma,thr,inverted", CASES)
def test_soft_nms_matches_loop(seed, n, ties, method, min_score, max_num, sigma, thr, inverted):
    rng = np.random.default_rng(seed)
    segs, scores, _ = random_candidates(rng, n, tie_levels=ties, inverted=inverted)
    ref_idx, ref_sc = loop_softnms(segs, scores, thr, sigma, min_score, method)
    got = soft_nms_1d(torch.from_numpy(segs), torch.from_numpy(scores), torch.arange(n),
                      iou_threshold=thr, sigma=sigma, min_score=min_score, method=method,
                      max_num=max_num)
    k = min(len(ref_idx), max_num)
    assert got.labels.tolist() == ref_idx[:k]  # labels = original index: exact order
    assert got.scores.numpy().tobytes() == np.asarray(ref_sc[:k], F32).tobytes()
    assert torch.equal(got.segments, torch.from_numpy(segs)[got.labels])


@pytest.mark.parametrize("seed,ties,thr,min_score", [(10, None, 0.5, 0.001), (11, 3, 0.3, 0.0),
                                                      (12, 2, 0.7, 0.0005), (13, None, 0.1, 0.5)])
def test_hard_nms_matches_loop(seed, ties, thr, min_score):
    rng = np.random.default_rng(seed)
    segs, scores, _ = random_candidates(rng, 90, tie_levels=ties)
    ref = loop_hard_nms(segs, scores, thr, min_score)
    for max_num in (5, 1000):
        got = nms_1d(torch.from_numpy(segs), torch.from_numpy(scores), torch.arange(90),
                     iou_threshold=thr, min_score=min_score, max_num=max_num)
        assert got.labels.tolist() == [int(i) for i in ref[:max_num]]
        assert torch.equal(got.scores, torch.from_numpy(scores)[got.labels])
    if min_score > 0:  # the filter is strict: a score equal to min_score is dropped
        assert (got.scores > F32(min_score)).all()


@pytest.mark.parametrize("use_soft", [True, False])
@pytest.mark.parametrize("seed,ties", [(20, None), (21, 3)])
def test_multiclass_batched_nms_matches_per_class_loop(seed, ties, use_soft):
    rng = np.random.default_rng(seed)
    segs, scores, labels = random_candidates(rng, 150, num_classes=5, tie_levels=ties)
    labels[labels == 3] = 7  # sparse class ids
    max_seg_num = 25
    per_class = per_class_nms(torch.from_numpy(segs), torch.from_numpy(scores),
                              torch.from_numpy(labels), iou_threshold=0.3, min_score=0.001,
                              max_seg_num=max_seg_num, use_soft_nms=use_soft, sigma=0.5)
    assert [c for c, _ in per_class] == sorted(set(labels.tolist()))
    merged_sc, merged_seg, merged_lab = [], [], []
    for cid, det in per_class:
        sel = np.nonzero(labels == cid)[0]
        if use_soft:
            idx, sc = loop_softnms(segs[sel], scores[sel], 0.3, 0.5, 0.001, 2)
            idx, sc = idx[:max_seg_num], np.asarray(sc[:max_seg_num], F32)
        else:
            idx = loop_hard_nms(segs[sel], scores[sel], 0.3, 0.001)[:max_seg_num]
            sc = scores[sel][idx]
        assert det.labels.tolist() == [cid] * len(idx)
        assert torch.equal(det.segments, torch.from_numpy(segs[sel][idx]))
        assert det.scores.numpy().tobytes() == sc.tobytes()
        merged_sc.append(sc)
        merged_seg.append(segs[sel][idx])
        merged_lab += [cid] * len(idx)
    merged_sc = torch.from_numpy(np.concatenate(merged_sc))
    order = torch.sort(merged_sc, descending=True)[1][:max_seg_num]
    got = batched_nms(torch.from_numpy(segs), torch.from_numpy(scores), torch.from_numpy(labels),
                      iou_threshold=0.3, min_score=0.001, max_seg_num=max_seg_num,
                      use_soft_nms=use_soft, multiclass=True, sigma=0.5, voting_thresh=0.7)
    assert torch.equal(got.scores, merged_sc[order])
    assert torch.equal(got.segments, torch.from_numpy(np.concatenate(merged_seg))[order])
    assert torch.equal(got.labels, torch.tensor(merged_lab)[order])


@pytest.mark.parametrize("method", [2, 1])
def test_soft_nms_nan_cases_match_loop(method):
    """0/0 IoUs (two areas summing to 0), a NaN coordinate and a NaN score: the C++ rules
    (NaN never wins the max scan unless it comes first, and is never removed)."""
    rng = np.random.default_rng(50)
    segs, scores, _ = random_candidates(rng, 40, tie_levels=None)
    segs[3] = segs[17] = [0.0, -F32(1e-6)]  # area x2 - x1 + 1e-6 == 0 exactly
    segs[8, 1], scores[20] = np.nan, np.nan
    assert (segs[3, 1] - segs[3, 0]) + F32(1e-6) == 0
    ref_idx, ref_sc = loop_softnms(segs, scores, 0.2, 0.5, 0.001, method)
    got = soft_nms_1d(torch.from_numpy(segs), torch.from_numpy(scores), torch.arange(40),
                      iou_threshold=0.2, sigma=0.5, min_score=0.001, method=method, max_num=100)
    assert got.labels.tolist() == ref_idx
    np.testing.assert_array_equal(got.scores.numpy(), np.asarray(ref_sc, F32))  # NaN == NaN
    assert np.isnan(ref_sc).any()


def test_buckets_and_dropped_rows_match_single_group_runs():
    """Classes of very different sizes run in separate buckets, and finished rows leave the
    working state; each class must still equal a run of the op on that class alone."""
    rng = np.random.default_rng(40)
    sizes = [700, 45, 3, 2, 1, 30]
    labels = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(labels)
    start = rng.uniform(0, 300, labels.size).astype(F32)
    segs = np.stack([start, start + rng.uniform(0.1, 20, labels.size).astype(F32)], 1)
    scores = (rng.uniform(0, 1, labels.size) ** 3).astype(F32)
    assert len(bucket_groups(np.bincount(labels))) == 2
    t = [torch.from_numpy(a) for a in (segs, scores, labels)]
    for soft in (True, False):
        got = per_class_nms(*t, iou_threshold=0.3, min_score=0.01, max_seg_num=120,
                            use_soft_nms=soft, sigma=0.5)
        for cid, det in got:
            sel = labels == cid
            kw = dict(iou_threshold=0.3, min_score=0.01, max_num=120)
            one = (soft_nms_1d(t[0][sel], t[1][sel], t[2][sel], sigma=0.5, method=2, **kw)
                   if soft else nms_1d(t[0][sel], t[1][sel], t[2][sel], **kw))
            assert torch.equal(det.segments, one.segments) and torch.equal(det.scores, one.scores)


def test_bucket_groups():
    buckets = bucket_groups(np.array([10, 0, 900, 400, 300, 12]), min_saving=256)
    assert [b.tolist() for b in buckets] == [[2], [3, 4], [5, 0]]
    assert [b.tolist() for b in bucket_groups(np.array([600, 500, 350]))] == [[0, 1, 2]]


def test_all_below_min_score_keeps_exactly_one_per_class():
    segs = torch.tensor([[0.0, 1.0], [5.0, 9.0], [2.0, 3.0], [0.0, 4.0], [1.0, 1.0]])
    scores = torch.tensor([1e-4, 3e-4, 2e-4, 5e-4, 1e-3])
    labels = torch.tensor([0, 0, 1, 1, 2])
    got = batched_nms(segs, scores, labels, iou_threshold=0.1, min_score=0.001, max_seg_num=10)
    # soft: the top of each class is never checked; 1e-3 == min_score is kept (strict <)
    assert sorted(zip(got.labels.tolist(), got.scores.tolist())) == [
        (0, pytest.approx(3e-4)), (1, pytest.approx(5e-4)), (2, pytest.approx(1e-3))]
    hard = batched_nms(segs, scores, labels, iou_threshold=0.1, min_score=0.001, max_seg_num=10,
                       use_soft_nms=False)
    assert len(hard) == 0  # hard NMS drops score <= min_score before the loop


def test_voting_matches_elementwise_formula_and_weights_differ():
    rng = np.random.default_rng(30)
    segs, scores, labels = random_candidates(rng, 60, tie_levels=None)
    segs[:, 1] += 0.5  # no zero-length segments here
    kw = dict(iou_threshold=0.1, min_score=0.001, max_seg_num=15, multiclass=False, sigma=0.75,
              voting_thresh=0.5)
    t = [torch.from_numpy(a) for a in (segs, scores, labels)]
    plain = batched_nms(*t, **{**kw, "voting_thresh": 0.0})
    outs = {w: batched_nms(*t, voting_weight=w, **kw) for w in ("score_iou", "score")}
    for w, got in outs.items():
        assert torch.equal(got.scores, plain.scores) and torch.equal(got.labels, plain.labels)
        for k, (s, e) in enumerate(plain.segments.tolist()):
            num, den = np.zeros(2), 0.0
            for (s2, e2), sc in zip(segs.tolist(), scores.tolist()):
                inter = max(0.0, min(e, e2) - max(s, s2))
                iou = inter / ((e - s) + (e2 - s2) - inter)
                wt = sc * (iou if w == "score_iou" else 1.0) * (iou >= 0.5)
                num, den = num + wt * np.array([s2, e2]), den + wt
            np.testing.assert_allclose(got.segments[k].numpy(), num / den, atol=1e-4, rtol=0)
    assert not torch.allclose(outs["score_iou"].segments, outs["score"].segments)


def test_voting_gives_nan_for_zero_length_kept_segment():
    segs = torch.tensor([[3.0, 3.0], [0.0, 10.0], [1.0, 9.0]])
    scores = torch.tensor([0.9, 0.5, 0.4])
    labels = torch.zeros(3, dtype=torch.int64)
    for w in ("score_iou", "score"):
        got = batched_nms(segs, scores, labels, iou_threshold=0.1, min_score=0.001, max_seg_num=5,
                          multiclass=False, voting_thresh=0.5, voting_weight=w)
        assert got.scores[0] == pytest.approx(0.9)
        assert torch.isnan(got.segments[0]).all()  # 0/0, as the official seg_voting
        assert not torch.isnan(got.segments[1:]).any()


def test_bad_arguments_raise():
    segs, scores, labels = torch.zeros(3, 2), torch.ones(3), torch.zeros(3, dtype=torch.int64)
    with pytest.raises(ValueError, match="max_num"):
        soft_nms_1d(segs, scores, labels, iou_threshold=0.1, sigma=0.5, min_score=0.0, method=2,
                    max_num=0)
    with pytest.raises(ValueError, match="method"):
        soft_nms_1d(segs, scores, labels, iou_threshold=0.1, sigma=0.5, min_score=0.0, method=3,
                    max_num=5)
    with pytest.raises(ValueError, match=r"\[N, 2\]"):
        nms_1d(segs[:2], scores, labels, iou_threshold=0.1, min_score=0.0, max_num=5)
    with pytest.raises(ValueError, match="voting_weight"):
        batched_nms(segs, scores, labels, iou_threshold=0.1, min_score=0.0, max_seg_num=5,
                    voting_weight="iou")
