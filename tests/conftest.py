"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "reference"


@pytest.fixture(scope="session")
def golden() -> Path:
    """Folder of reference data produced by the official implementations."""
    assert GOLDEN.is_dir(), f"missing golden reference folder {GOLDEN}"
    return GOLDEN


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
