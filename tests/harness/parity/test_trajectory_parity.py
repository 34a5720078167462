"""Trajectory parity (reference README §F) on the golden trajectory files, part A."""

from __future__ import annotations

import copy
import math

import pytest
import torch

KINDS = ("actionformer", "tridet", "cltdr_gmg")


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def blobs(golden):
    return {k: torch.load(golden / "trajectory" / f"{k}_seed0.pt", weights_only=True) for k in KINDS}


@pytest.fixture(scope="module")
def replays(blobs):
    import warnings

    from harness.parity.replay import replay_fixed

    torch.set_num_threads(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {k: replay_fixed(b) for k, b in blobs.items()}


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_part_a_passes(kind, blobs, replays):
    from harness.parity.trajectory import compare_fixed

    rows, dep = compare_fixed(blobs[kind]["fixed"], replays[kind], kind)
    failed = [(r.name, r.note) for r in rows if not r.ok]
    assert failed == []
    assert dep is None
    names = {r.name.split(" (")[0] for r in rows}
    for must in ("fixed.trajectory.lr", "fixed.trajectory.grad_present", "fixed.adamw_state[*].step",
                 "fixed.final_state_dict", "fixed.ema_state_dict[0.999]", "fixed.ema_state_dict[0.98]",
                 "fixed.adamw_state[*].exp_avg", "fixed.adamw_state[*].exp_avg_sq"):
        assert must in names, must
    # every parameter stepped 40 times, except CLTDR-GMG's never-used refineHead.scale.*
    steps = {n: s and s["step"] for n, s in replays[kind].adamw_state.items()}
    assert {v for n, v in steps.items() if not n.startswith("refineHead.scale.")} == {40.0}


@pytest.mark.slow
def test_doctored_expectations_fail_with_the_departure(blobs, replays):
    """A None gradient at iteration 2 and a loss bump at iteration 5 are found and located."""
    from harness.parity.trajectory import compare_fixed

    fixed = copy.deepcopy(blobs["tridet"]["fixed"])
    traj = fixed["trajectory"]
    col = traj["param_names"].index("reg_head.scale.0.scale")
    traj["grad_norm_per_param"][2, col] = math.nan
    traj["losses"]["final_loss"][5] *= 1.001
    rows, dep = compare_fixed(fixed, replays["tridet"], "tridet")
    bad = {r.name: r.note for r in rows if not r.ok}
    present = bad["fixed.trajectory.grad_present (grad is not None)"]
    assert "iteration 2, reg_head.scale.0.scale" in present
    assert any(n.startswith("fixed.trajectory.losses.final_loss") for n in bad)
    assert dep is not None and (dep.iteration, dep.quantity) == (2, "grad_present")


def test_none_gradient_rule_is_caught_by_the_exact_checks(blobs, monkeypatch):
    """The pre-fix harness (no gradient for a level without positives) fails at iteration 2."""
    import warnings

    import models.heads.trident as trident
    from harness.parity.replay import replay_fixed
    from harness.parity.trajectory import _exact_checks

    def old_pyramid_offsets_at(center_offsets, start_logits, end_logits, batch_idx, point_idx,
                               cls_idx, *, num_bins):
        out = center_offsets[0].new_zeros((point_idx.numel(), 2))
        begin = 0
        for center, start, end in zip(center_offsets, start_logits, end_logits):
            length = center.shape[-1]
            sel = ((point_idx >= begin) & (point_idx < begin + length)).nonzero(as_tuple=True)[0]
            if sel.numel():
                out = out.index_put((sel,), trident.trident_offsets_at(
                    center, start, end, batch_idx[sel], point_idx[sel] - begin, cls_idx[sel],
                    num_bins=num_bins))
            begin += length
        return out

    import models.detectors.trident_detector as td

    monkeypatch.setattr(td, "pyramid_offsets_at", old_pyramid_offsets_at)
    blob = blobs["tridet"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        replay = replay_fixed(blob, num_iters=4)
    fixed = copy.deepcopy(blob["fixed"])
    traj = fixed["trajectory"]
    for key in ("lr", "grad_norm_per_param", "num_pos", "loss_normalizer_before", "loss_normalizer_after"):
        traj[key] = traj[key][:4]
    rows = {r.name: r for r in _exact_checks(fixed, replay, traj, replay.trajectory)}
    row = rows["fixed.trajectory.grad_present (grad is not None)"]
    assert not row.ok and "iteration 2, reg_head.scale.0.scale (None in the harness)" in row.note


def test_unknown_keys_fail(blobs):
    from harness.parity.trajectory import check_file_keys, unknown_keys

    blob = dict(blobs["actionformer"])
    blob["extra_section"] = {"x": torch.zeros(1)}
    rows = check_file_keys(blob)
    assert any(r.name == "extra_section" and not r.ok for r in rows)
    assert all(r.ok for r in check_file_keys(blobs["actionformer"]))
    assert unknown_keys({"trajectory": 1, "new": 2}, {"trajectory": "compare"}, "fixed.")[0].name == "fixed.new"


def test_cli_part_a_only_names_the_skipped_part(blobs, golden, capsys, monkeypatch):
    """--part A on a 2-iteration replay: skipped part B and the non-compared keys are printed."""
    import harness.parity.replay as replay

    real = replay.replay_fixed
    monkeypatch.setattr(replay, "replay_fixed", lambda blob, **kw: real(blob, **{**kw, "num_iters": 2}))
    from harness.cli import main

    code = main(["parity", str(golden / "trajectory" / "actionformer_seed0.pt"), "--part", "A"])
    out = capsys.readouterr().out
    assert "skipped by request: seeded (part B)" in out
    assert "not compared (fixed.batches: input)" in out
    assert code == 1  # 2 of 40 iterations replayed: shapes differ, so it must fail
