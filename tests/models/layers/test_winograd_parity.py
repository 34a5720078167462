"""The official parity vectors still pass with every eligible conv forced onto Winograd.

The small parity models have 32 channels, below ``WINOGRAD_MIN_CHANNELS``, so the regular
parity tests run the direct convolutions; here the threshold is lowered so that every
kernel-3 tower conv of the heads takes the Winograd path (as at THUMOS scale), and all
stored values must stay within the reference tolerances.
"""

from __future__ import annotations

import pytest
import torch

import models.layers.fast_conv as fast_conv
from harness.parity import run_parity_blob


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("name", ["actionformer", "tridet"])
def test_parity_with_winograd_heads(golden, monkeypatch, name):
    monkeypatch.setattr(fast_conv, "WINOGRAD_MIN_CHANNELS", 1)
    calls: list[int] = []
    real = fast_conv.WinogradConv1d.apply

    def apply(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(fast_conv.WinogradConv1d, "apply", apply)
    blob = torch.load(golden / f"{name}_small_seed0.pt", weights_only=True)
    report = run_parity_blob(blob, name)
    assert calls, "the Winograd path was not taken"
    assert report.ok, [(r.name, r.worst) for r in report.failed]
    assert max(r.worst for r in report.rows) < 0.8
