"""Fixtures shared by the TriDet tests (the golden parity file and the THUMOS config)."""

from __future__ import annotations

import json

import pytest
import torch


@pytest.fixture(scope="session")
def td_blob(golden):
    return torch.load(golden / "tridet_small_seed0.pt", weights_only=True)


@pytest.fixture(scope="session")
def td_thumos_cfg(golden):
    cfg = json.loads((golden / "tridet_thumos_i3d.model_config.json").read_text())
    model = dict(cfg["model"])
    model["train_cfg"] = cfg["train_cfg"]
    model["test_cfg"] = cfg["test_cfg"]
    return model


@pytest.fixture(scope="session")
def td_thumos_model(td_thumos_cfg):
    from baselines.tridet import from_official_config

    return from_official_config(td_thumos_cfg)


@pytest.fixture(autouse=True)
def _one_thread_here(one_thread):
    """Every test of this folder runs with tests/conftest.py's ``one_thread``."""
