"""Small synthetic datasets shared by the synthetic-benchmark tests (generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL = dict(num_train=6, num_test=4)


@pytest.fixture(scope="session")
def small_sets(tmp_path_factory) -> dict[str, Path]:
    """preset → folder of a small mid-quality dataset, seed 0."""
    from datasets.synthetic.generator import SyntheticSpec, write_dataset

    root = tmp_path_factory.mktemp("synthetic")
    out = {}
    for preset in ("thumos-like", "anet-like", "multithumos-like", "thumos14-timeline"):
        write_dataset(SyntheticSpec(preset, "mid", 0, **SMALL), root / preset)  # keep SMALL in sync
        out[preset] = root / preset
    return out
