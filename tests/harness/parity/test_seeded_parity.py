"""Trajectory parity part B: the harness's data, loader, model and optimiser under the
seed-exact switch reproduce the official seeded run (reference README §F.5-F.7)."""

from __future__ import annotations

import pytest
import torch

KINDS = ("actionformer", "tridet", "cltdr_gmg")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("seeded_data") / "thumos-like-mid")


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_part_b_passes(kind, golden, data_dir):
    from harness.parity.seeded import check_seeded

    torch.set_num_threads(1)
    blob = torch.load(golden / "trajectory" / f"{kind}_seed0.pt", weights_only=True)
    rows, notes = check_seeded(blob, data_dir=data_dir)
    failed = [(r.name, r.note) for r in rows if not r.ok]
    assert failed == []
    names = {r.name.split(" (")[0] for r in rows}
    for must in ("seeded.rng.digest_pre_forward", "seeded.rng.digest_post_forward", "seeded.batches",
                 "seeded.drop_path_dropped", "seeded.rng.sampler_permutations", "seeded.final_state_dict"):
        assert must in names
    assert any(n.startswith("not compared (seeded.dataset_cfg") for n in notes)


def test_unknown_seeded_key_fails(golden):
    from harness.parity.seeded import unknown_seeded_keys

    blob = torch.load(golden / "trajectory" / "tridet_seed0.pt", weights_only=True)
    assert unknown_seeded_keys(blob["seeded"]) == []
    rows = unknown_seeded_keys({"surprise": 1, **blob["seeded"]})
    assert [(r.name, r.ok) for r in rows] == [("seeded.surprise", False)]
