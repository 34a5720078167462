"""Rehearsal roots shared by the tests of this folder (written once per session).

Every dataset × feature set of Tables 1-5 that the public annotation files allow, at the
smallest ``--videos`` the real configs train on (THUMOS / MultiTHUMOS / EPIC: 2 per split, a
batch of 2; ActivityNet: 16, its batch size), real channel counts and real lengths.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # real_e2e helpers of tests/datasets
SOURCES = HERE.parents[1] / "fixtures" / "real"
VIDEOS = {"thumos14": 2, "multithumos": 2, "epic100": 2, "anet13": 16}


@pytest.fixture(scope="session")
def rehearsal_roots(tmp_path_factory) -> dict[str, Path]:
    """dataset → data root (thumos14 and multithumos in separate roots: they share folders)."""
    from datasets.real.rehearse import RehearsalSpec, rehearse

    base = tmp_path_factory.mktemp("rehearsal")
    roots = {}
    for dataset, n in VIDEOS.items():
        rehearse(RehearsalSpec(dataset=dataset, source_dir=str(SOURCES), videos=n, seed=0), base / dataset)
        roots[dataset] = base / dataset
    return roots
