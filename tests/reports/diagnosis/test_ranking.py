"""Score orders as DETAD's pandas/numpy calls produce them, AP, and the vectorised matcher."""

from __future__ import annotations

import numpy as np
import pytest

from reports.diagnosis.ranking import (
    argsort_desc,
    greedy_match,
    interpolated_ap,
    nlargest_desc,
    sort_values_desc,
)

pd = pytest.importorskip("pandas")


@pytest.mark.parametrize("n", [5, 17, 300])
def test_orders_equal_pandas_and_numpy(n):
    rng = np.random.default_rng(n)
    s = rng.integers(0, 4, n) / 4  # many ties
    assert np.array_equal(sort_values_desc(s), pd.Series(s).sort_values(ascending=False).index)
    assert np.array_equal(argsort_desc(s), s.argsort()[::-1])
    frame = pd.DataFrame({"score": s})
    for k in (3, n, n + 5):
        assert np.array_equal(nlargest_desc(s, k), frame.nlargest(n=k, columns="score").index)
    st = argsort_desc(s, stable=True)
    assert np.all(np.diff(s[st]) <= 0)
    assert all(st[i] < st[i + 1] for i in range(n - 1) if s[st[i]] == s[st[i + 1]])


def test_interpolated_ap_by_hand():
    # precision 1, .5, 2/3 at recall .5, .5, 1 -> 0.5*1 + 0.5*(2/3)
    assert interpolated_ap(np.array([1, .5, 2 / 3]), np.array([.5, .5, 1])) == pytest.approx(5 / 6)


def test_greedy_match_second_prediction_takes_next_free_gt():
    # two predictions in one group, both best with GT 0; GT 1 is second for both
    rank, group = np.array([0, 1]), np.array([0, 0])
    pp, pg = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    iou = np.array([.9, .6, .8, .4])
    assert greedy_match(rank, group, pp, pg, iou, 0.5, 2).tolist() == [0, -1]  # 2nd: .4 < .5
    assert greedy_match(rank, group, pp, pg, iou, 0.3, 2).tolist() == [0, 1]
    assert greedy_match(np.array([1, 0]), group, pp, pg, iou, 0.3, 2).tolist() == [1, 0]
