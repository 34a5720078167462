"""Seconds conversion, postprocess_video, score fusion and the Detections dataclass."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from harness.errors import DataError
from models.postprocess import (
    Detections,
    batched_nms,
    fuse_video_scores,
    load_external_scores,
    postprocess_video,
    segments_to_seconds,
)

NMS_CFG = dict(nms_method="soft", iou_threshold=0.1, min_score=0.001, max_seg_num=200,
               nms_sigma=0.5, multiclass_nms=True, voting_thresh=0.7)


def test_seconds_formula_and_clipping():
    grid = torch.tensor([[-3.0, 73.0], [10.0, 500.0], [-3.0, -2.5], [float("nan"), 1.0]])
    sec = segments_to_seconds(grid, feat_stride=4, num_frames=16, fps=30.0, duration=15.0)
    # t = (grid*4 + 8)/30: -3 -> -4/30 -> 0; 73 -> 10 s; 500 -> 67.2 -> duration
    expected = [[0.0, 10.0], [48 / 30, 15.0], [0.0, 0.0]]
    torch.testing.assert_close(sec[:3], torch.tensor(expected), atol=1e-6, rtol=0)
    assert math.isnan(sec[3, 0]) and sec[3, 1] == pytest.approx(12 / 30)
    assert grid[0, 0] == -3.0  # input untouched
    assert segments_to_seconds(torch.zeros(0, 2), feat_stride=4, num_frames=16, fps=30,
                               duration=1).shape == (0, 2)


def _actionformer_candidates(ev, test_cfg):
    """Steps 1-4 of the official inference on the reference outputs (pre-NMS, grid units)."""
    segs, scores, labels = [], [], []
    for cls, off, pts, mask in zip(ev["cls_logits"], ev["offsets"], ev["points"], ev["fpn_masks"]):
        cls, off = cls[0].T, off[0].T  # [T_l, K], [T_l, 2]
        prob = (cls.sigmoid() * mask[0, 0, :, None]).flatten()  # [T_l*K] point-major
        idx = torch.nonzero(prob > test_cfg["pre_nms_thresh"]).squeeze(1)
        p, order = prob[idx].sort(descending=True)
        idx, p = idx[order[: test_cfg["pre_nms_topk"]]], p[: test_cfg["pre_nms_topk"]]
        pt = pts[idx // cls.shape[1]]  # [n, 4]
        o = off[idx // cls.shape[1]]  # [n, 2]
        seg = torch.stack([pt[:, 0] - o[:, 0] * pt[:, 3], pt[:, 0] + o[:, 1] * pt[:, 3]], -1)
        ok = seg[:, 1] - seg[:, 0] > test_cfg["duration_thresh"]
        segs.append(seg[ok]), scores.append(p[ok]), labels.append((idx % cls.shape[1])[ok])
    return torch.cat(segs), torch.cat(scores), torch.cat(labels)


def test_postprocess_none_reproduces_official_detections(golden):
    """nms_method 'none': official seconds conversion, bit for bit, incl. clipping."""
    blob = torch.load(golden / "actionformer_small_seed0.pt")
    test_cfg = blob["config"]["test_cfg"]
    metas = blob["inputs"]["video_meta"] + [blob["inputs"]["video_meta_long"]]
    clipped = 0
    for ev, meta in zip(blob["outputs"]["eval"], metas):
        segs, scores, labels = _actionformer_candidates(ev, test_cfg)
        out = postprocess_video(segs, scores, labels, meta=meta, **{**NMS_CFG, "nms_method": "none"})
        exp = ev["detections"]
        assert out["video_id"] == meta["video_id"]
        assert torch.equal(out["segments"], exp["segments"])
        assert torch.equal(out["scores"], exp["scores"]) and torch.equal(out["labels"], exp["labels"])
        clipped += int((exp["segments"] == 0).sum() + (exp["segments"] == meta["duration"]).sum())
    assert clipped > 0  # the clipping branches were exercised


def test_postprocess_soft_equals_batched_nms_then_seconds():
    rng = np.random.default_rng(0)
    start = torch.from_numpy(rng.uniform(-5, 100, 300).astype(np.float32))
    segs = torch.stack([start, start + torch.from_numpy(rng.uniform(0.5, 20, 300).astype(np.float32))], 1)
    scores = torch.from_numpy(rng.uniform(0.0, 1.0, 300).astype(np.float32))
    labels = torch.from_numpy(rng.integers(0, 4, 300))
    meta = dict(video_id="v", fps=25.0, duration=14.0, feat_stride=4, feat_num_frames=16)
    out = postprocess_video(segs, scores, labels, meta=meta, **NMS_CFG)
    ref = batched_nms(segs, scores, labels, iou_threshold=0.1, min_score=0.001, max_seg_num=200,
                      sigma=0.5, voting_thresh=0.7)
    assert torch.equal(out["scores"], ref.scores) and torch.equal(out["labels"], ref.labels)
    assert torch.equal(out["segments"], segments_to_seconds(ref.segments, feat_stride=4,
                       num_frames=16, fps=25.0, duration=14.0))
    assert len(out["scores"]) == 200 and out["segments"].max() <= 14.0
    with pytest.raises(ValueError, match="nms_method"):
        postprocess_video(segs, scores, labels, meta=meta, **{**NMS_CFG, "nms_method": "greedy"})


def test_fusion_hand_computed():
    det = Detections(torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]),
                     torch.tensor([0.25, 0.81, 0.04]), torch.zeros(3, dtype=torch.int64))
    cls = np.array([0.1, 0.64, 0.0, 0.36])
    got = fuse_video_scores(det, cls, topk_classes=2, num_pred=2, combine="sqrt")
    # top detections 0.81 then 0.25; top classes 1 (0.64) then 3 (0.36); class-major
    assert got.labels.tolist() == [1, 1, 3, 3]
    assert got.segments.tolist() == [[2, 3], [0, 1], [2, 3], [0, 1]]
    np.testing.assert_allclose(got.scores.numpy(), [0.72, 0.4, 0.54, 0.3], rtol=1e-7)
    prod = fuse_video_scores(det, torch.tensor(cls), topk_classes=1, num_pred=5, combine="product")
    np.testing.assert_allclose(prod.scores.numpy(), [0.5184, 0.16, 0.0256], rtol=1e-7)
    assert prod.labels.tolist() == [1, 1, 1]
    with pytest.raises(ValueError):
        fuse_video_scores(det, cls, topk_classes=5)


def test_fusion_ties_are_stable():
    det = Detections(torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]),
                     torch.tensor([0.5, 0.5, 0.5]), torch.zeros(3, dtype=torch.int64))
    got = fuse_video_scores(det, np.array([0.2, 0.3, 0.3]), topk_classes=2, num_pred=2)
    assert got.labels.tolist() == [1, 1, 2, 2]
    assert got.segments[:, 0].tolist() == [0.0, 2.0, 0.0, 2.0]


def test_load_external_scores(tmp_path):
    p = tmp_path / "cls.json"
    p.write_text(json.dumps({"results": {"a": [0.1, 0.9]}, "class": ["x", "y"]}))
    scores, names = load_external_scores(p)
    assert names == ["x", "y"] and scores["a"].tolist() == [0.1, 0.9]
    p.write_text(json.dumps({"results": {"a": [0.1]}, "class": ["x", "y"]}))
    with pytest.raises(DataError, match="cls.json"):
        load_external_scores(p)
    with pytest.raises(DataError, match="not found"):
        load_external_scores(tmp_path / "missing.json")


def test_detections_checks_shapes_and_concatenates():
    a = Detections(torch.zeros(2, 2), torch.ones(2), torch.zeros(2, dtype=torch.int64))
    both = Detections.cat([a, a.take(torch.tensor([1]))])
    assert len(both) == 3 and len(Detections.cat([])) == 0
    with pytest.raises(ValueError, match="not"):
        Detections(torch.zeros(2, 3), torch.ones(2), torch.zeros(2))
