"""Fixtures of the runner tests: one finished tiny run shared by several test files."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(scope="session")
def tiny_finished_run(tmp_path_factory):
    """Work dir of ``train tests/harness/tiny_config.py --seed 0`` (4 epochs, finished)."""
    from runner_helpers import TINY_CONFIG

    from harness.cli import main

    work = tmp_path_factory.mktemp("tiny_full") / "seed0"
    try:
        code = main(["train", str(TINY_CONFIG), "--seed", "0", "--work-dir", str(work)])
    finally:
        torch.use_deterministic_algorithms(False)
    assert code == 0
    return work
