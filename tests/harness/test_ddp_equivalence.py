"""DDP on CPU (gloo): 2 processes x batch 2 train like 1 process x batch 4, for all methods.

The loss normaliser counts the positives of all ranks and each rank's loss is its share of
the whole batch's (models.losses.normalizer), so the rank-averaged losses and the DDP-averaged
gradients equal the single-process ones up to float summation order. Zero gradients of levels
without positives and CLTDR-GMG's frozen never-used parameters keep DDP's bucket all-reduce in
step without find_unused_parameters.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch
from runner_helpers import ROOT

KINDS = ("actionformer", "tridet", "cltdr_gmg")


@pytest.fixture(scope="module")
def ddp_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp_eq")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": "", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2",
           "--master-port", "29531", str(ROOT / "tests" / "harness" / "ddp_equivalence.py"), str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {k: torch.load(out / f"{k}.pt", weights_only=True) for k in KINDS}


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_two_processes_equal_one_with_double_batch(kind, ddp_results):
    sys.path.insert(0, str(ROOT / "tests" / "harness"))
    from ddp_equivalence import ITERS, run

    single = run(kind, 0, 1)
    ddp = ddp_results[kind]
    assert ddp["losses"].shape == (ITERS, 3)
    torch.testing.assert_close(ddp["losses"], single["losses"], rtol=2e-5, atol=1e-7)
    assert ddp["normalizer"] == pytest.approx(single["normalizer"], rel=1e-12)
    for it in range(ITERS):
        assert set(ddp["grads"][it]) == set(single["grads"][it])
        for name, g in single["grads"][it].items():
            torch.testing.assert_close(ddp["grads"][it][name], g, rtol=1e-3, atol=2e-6, msg=name)
