"""The presets' thresholds are np.linspace values to the bit, computed without numpy."""

from __future__ import annotations

import numpy as np
import pytest

from datasets.synthetic.presets import PRESETS, _linspace


@pytest.mark.parametrize("start", [0.0, 0.1, 0.3, 0.5])
@pytest.mark.parametrize("stop", [0.7, 0.9, 0.95, 1.0])
@pytest.mark.parametrize("num", [2, 5, 9, 10, 11])
def test_linspace_is_numpys(start, stop, num):
    assert _linspace(start, stop, num) == tuple(np.linspace(start, stop, num).tolist())


def test_preset_thresholds():
    assert PRESETS["thumos-like"].tiou_thresholds == tuple(np.linspace(0.3, 0.7, 5).tolist())
