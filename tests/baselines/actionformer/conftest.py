"""Fixtures shared by the ActionFormer tests (the golden parity file, loaded once)."""

from __future__ import annotations

import json

import pytest
import torch


@pytest.fixture(scope="session")
def af_blob(golden):
    return torch.load(golden / "actionformer_small_seed0.pt", weights_only=True)


@pytest.fixture(scope="session")
def thumos_official_cfg(golden):
    cfg = json.loads((golden / "actionformer_thumos_i3d.model_config.json").read_text())
    model = dict(cfg["model"])
    model["train_cfg"] = cfg["train_cfg"]
    model["test_cfg"] = cfg["test_cfg"]
    return model


@pytest.fixture(scope="session")
def thumos_model(thumos_official_cfg):
    from baselines.actionformer import from_official_config

    return from_official_config(thumos_official_cfg)


@pytest.fixture(autouse=True)
def _one_thread_here(one_thread):
    """Every test of this folder runs with tests/conftest.py's ``one_thread``."""
