"""mmengine DDP through torchrun on CPU (gloo, 2 processes) on the tiny config."""

from __future__ import annotations

import os
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
