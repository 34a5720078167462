"""PointGenerator."""

from __future__ import annotations

import pytest
import torch

from models.priors.point_generator import PointGenerator


def test_points_rows_and_buffers():
    gen = PointGenerator(max_seq_len=16 * 6.0, strides=[1, 2, 4],
                         regression_range=[(0, 4), (4, 8), (8, 10000)])
    assert gen.state_dict() == {}  # non-persistent buffers
    pts = gen([16, 8, 4])
    assert [p.shape for p in pts] == [(16, 4), (8, 4), (4, 4)]
    assert pts[1].dtype == torch.float32
    assert pts[1][:, 0].tolist() == [0, 2, 4, 6, 8, 10, 12, 14]
    assert pts[2][0].tolist() == [0.0, 8.0, 10000.0, 4.0]
    with pytest.raises(AssertionError):
        gen([200, 8, 4])
    with pytest.raises(AssertionError):
        gen([16, 8])
