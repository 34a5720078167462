"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "reference"


def pytest_addoption(parser):
    parser.addoption("--run-compile", action="store_true",
                     help="also run the tests marked 'compile' (inductor builds; many minutes on CPU)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-compile"):
        return
    skip = pytest.mark.skip(reason="inductor compile test: run `make test-compile` "
                                   "(pytest --run-compile), minutes on a CPU")
    for item in items:
        if "compile" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def golden() -> Path:
    """Folder of reference data produced by the official implementations."""
    assert GOLDEN.is_dir(), f"missing golden reference folder {GOLDEN}"
    return GOLDEN


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def one_thread():
    """One torch thread for the test (small models: fastest, immune to CPU oversubscription,
    and the thread count the references were recorded with); restored afterwards. Modules use
    it with ``pytestmark = pytest.mark.usefixtures("one_thread")``."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
