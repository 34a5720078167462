"""label_points / CenterSamplingAssigner: hand-computed cases and the golden targets."""

from __future__ import annotations

import pytest
import torch

from harness.errors import ConfigError
from models.assigners.center_sampling import CenterSamplingAssigner, label_points
from models.priors.point_generator import PointGenerator


def _points(stride: float, lo: float, hi: float, n: int = 40) -> torch.Tensor:
    t = torch.arange(n, dtype=torch.float32) * stride
    return torch.stack([t, torch.full_like(t, lo), torch.full_like(t, hi), torch.full_like(t, stride)], 1)


def _positive_points(points, segs, labels, k=4, **kw):
    cls, reg = label_points(points, torch.tensor(segs), torch.tensor(labels), num_classes=k, **kw)
    pos = cls.sum(1) > 0
    return points[pos, 0].tolist(), cls[pos], reg[pos]


def test_center_sampling_is_strict_and_radius_scaled():
    pts = _points(1, 0, 4)
    t, cls, reg = _positive_points(pts, [[10.0, 14.0]], [2])
    assert t == [11.0, 12.0, 13.0]  # (max(10.5, 10), min(13.5, 14)) open interval
    assert cls[:, 2].tolist() == [1, 1, 1] and cls.sum().item() == 3
    assert reg.tolist() == [[1, 3], [2, 2], [3, 1]]
    t, _, _ = _positive_points(pts, [[10.0, 13.0]], [0])
    assert t == [11.0, 12.0]  # boundaries themselves excluded
    t, _, _ = _positive_points(pts, [[10.0, 13.0]], [0], center_sample="none")
    assert t == [11.0, 12.0]


def test_regression_range_inclusive_on_max_distance():
    t, _, reg = _positive_points(_points(1, 0, 4), [[0.0, 8.0]], [1])
    assert t == [4.0] and reg.tolist() == [[4, 4]]  # max(left, right) = 4 <= hi
    t, _, reg = _positive_points(_points(2, 4, 8), [[0.0, 8.0]], [1])
    assert t == [2.0, 4.0, 6.0]  # max distance 6, 4 (= lo, inclusive), 6
    assert reg.tolist() == [[1, 3], [2, 2], [3, 1]]  # divided by the stride
    t, _, _ = _positive_points(_points(2, 5, 8), [[0.0, 8.0]], [1])
    assert t == [2.0, 6.0]  # max distance 4 < lo = 5


def test_shortest_wins_and_ties_are_multi_hot():
    pts = _points(1, 0, 10)
    _, cls, reg = _positive_points(pts, [[10.0, 14.0], [8.0, 16.0]], [0, 1])
    assert (cls[:, 0] == 1).all() and (cls[:, 1] == 0).all()
    _, cls, _ = _positive_points(pts, [[10.0, 14.0], [10.0, 14.0005], [10.0, 14.0]], [1, 3, 1])
    assert cls.max().item() == 1.0  # duplicates clamp to 1
    assert (cls[:, 1] == 1).all() and (cls[:, 3] == 1).all()


def test_no_gt_gives_zero_targets():
    cls, reg = label_points(_points(1, 0, 4), torch.zeros(0, 2), torch.zeros(0, dtype=torch.long),
                            num_classes=3)
    assert cls.shape == (40, 3) and reg.shape == (40, 2)
    assert cls.abs().sum() == 0 and reg.abs().sum() == 0


def test_assigner_reproduces_golden_targets(golden):
    blob = torch.load(golden / "actionformer_small_seed0.pt", weights_only=True)
    cfg = blob["config"]
    strides = [2**i for i in range(cfg["backbone_arch"][-1] + 1)]
    gen = PointGenerator(max_seq_len=cfg["max_seq_len"] * cfg["max_buffer_len_factor"],
                         strides=strides, regression_range=cfg["regression_range"])
    points = gen([cfg["max_seq_len"] // s for s in strides])
    assigner = CenterSamplingAssigner(num_classes=cfg["num_classes"])
    cls, reg = assigner(points, blob["inputs"]["segments"], blob["inputs"]["labels"])
    tg = blob["targets"]
    assert torch.equal(torch.cat(points), tg["concat_points"])
    assert torch.equal(cls, tg["gt_cls_labels"])
    assert torch.equal(reg, tg["gt_offsets"])
    assert int((cls.sum(-1) > 1).sum()) >= 4  # the equal-length overlapping pair
    with pytest.raises(ConfigError):
        CenterSamplingAssigner(num_classes=2, center_sample="box")
