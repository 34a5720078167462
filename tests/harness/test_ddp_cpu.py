"""mmengine DDP through torchrun on CPU (gloo, 2 processes) on the tiny config."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from runner_helpers import ROOT, TINY_CONFIG

from harness.records import RunRecord


@pytest.mark.slow
def test_torchrun_two_processes_on_cpu(tmp_path):
    work = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2",
           "--master-port", "29517", "-m", "harness", "train", str(TINY_CONFIG), "--seed", "0",
           "--work-dir", str(work), "--launcher", "pytorch"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    record = RunRecord.read(work / "record.json")
    assert record.status == "ok" and record.manifest.world_size == 2
    assert record.epochs == 4 and len(record.test_curve) == 3
    # mmengine's lines are in the log file (the terminal shows the short progress lines)
    log = proc.stdout + proc.stderr + "".join(p.read_text() for p in work.glob("*/*.log"))
    assert "Distributed training: True" in log
    # 8 training videos, batch 2 per process, 2 processes -> 2 iterations per epoch
    assert "Epoch(train) [1][2/2]" in log


@pytest.mark.slow
@pytest.mark.parametrize("method", ["actionformer", "tridet", "cltdr_gmg"])
def test_torchrun_trains_every_method(method, tmp_path_factory):
    """Each method's synthetic config trains one epoch under torchrun, 2 processes, gloo
    (TriDet used to abort in gloo and CLTDR-GMG on unused parameters)."""
    data = tmp_path_factory.getbasetemp() / "ddp_synthetic_data"  # shared by the three runs
    work = tmp_path_factory.mktemp(f"ddp_{method}")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2",
           "--master-port", "29519", "-m", "harness", "train",
           f"harness/configs/{method}/synthetic_thumos_like.py", "--seed", "0",
           "--work-dir", str(work), "--data-root", str(data), "--launcher", "pytorch",
           "--cfg-options", "train_cfg.max_epochs=1", "train_cfg.record_test_curve=False",
           "train_cfg.curve_begin=0"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    record = RunRecord.read(work / "record.json")
    assert record.status == "ok" and record.manifest.world_size == 2
    # 128 training videos, batch 4 per process, 2 processes -> 16 iterations per epoch
    log = proc.stdout + proc.stderr + "".join(p.read_text() for p in work.glob("*/*.log"))
    assert re.search(r"Epoch\(train\) \[1\]\[\d+/16\]", log) and record.epochs == 1
