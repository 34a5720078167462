"""On a CUDA machine: the three detectors reproduce the official CPU vectors on the GPU.

Skipped without CUDA (CI has none); measured on one H200 (README "On a GPU")."""

from __future__ import annotations

import pytest
import torch

from harness.parity import run_parity

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


@pytest.mark.parametrize("kind", ["actionformer", "tridet", "cltdr_gmg"])
def test_parity_on_cuda(golden, kind, monkeypatch):
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    monkeypatch.setattr(torch.backends.cuda.matmul, "allow_tf32", False)
    report = run_parity(golden / f"{kind}_small_seed0.pt", device="cuda")
    assert report.ok, [r.name for r in report.failed][:5]
