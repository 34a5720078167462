"""Fixtures of the CLTDR-GMG detector tests (golden parity file, THUMOS I3D config, tiny model)."""

from __future__ import annotations

import json

import pytest
import torch


@pytest.fixture(scope="session")
def cl_blob(golden):
    return torch.load(golden / "cltdr_gmg_small_seed0.pt", weights_only=True)


@pytest.fixture(scope="session")
def cl_thumos_cfg(golden):
    cfg = json.loads((golden / "cltdr_gmg_thumos_i3d.model_config.json").read_text())
    return {**cfg["model"], "train_cfg": cfg["train_cfg"], "test_cfg": cfg["test_cfg"]}


@pytest.fixture(scope="session")
def cl_thumos_model(cl_thumos_cfg):
    from models.cltdr_gmg import from_official_config

    return from_official_config(cl_thumos_cfg)


@pytest.fixture(autouse=True)
def single_thread():
    """Small models: one thread is fastest and immune to CPU oversubscription."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
