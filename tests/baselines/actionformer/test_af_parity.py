"""Parity with the official ActionFormer vectors (reference README §B)."""

from __future__ import annotations

import pytest
import torch

from harness.parity import run_parity_blob


@pytest.fixture(scope="module")
def report(af_blob):
    return run_parity_blob(af_blob, "actionformer_small_seed0.pt")


def test_every_stored_tensor_within_tolerance(report):
    bad = [(r.name, r.max_abs, r.note) for r in report.failed]
    assert report.ok, bad


def test_every_section_was_compared(report, af_blob):
    names = [r.name for r in report.rows]
    assert sum(n.startswith("grads.") for n in names) == len(af_blob["grads"]) == 169
    for key in ("padded_len", "batched_masks", "backbone_feats[3]", "fpn_masks[0]", "points[2]",
                "cls_logits[1]", "offsets[3]"):
        assert f"outputs.train.{key}" in names
    for i in range(3):
        assert f"outputs.eval[{i}].detections.segments" in names
        assert f"outputs.eval[{i}].padded_len" in names
    for key in ("gt_cls_labels", "gt_offsets", "valid_mask", "pos_mask", "num_pos"):
        assert f"targets.{key}" in names
    for key in ("cls_loss", "reg_loss", "final_loss", "loss_normalizer_after"):
        assert f"losses.{key}" in names
    assert "params_without_grad" in names


def test_a_wrong_weight_is_caught(af_blob):
    blob = dict(af_blob)
    state = dict(blob["state_dict"])
    key = "backbone.stem.1.attn.proj.weight"
    state[key] = state[key] * 1.01
    blob["state_dict"] = state
    rep = run_parity_blob(blob, "perturbed")
    failed = {r.name for r in rep.failed}
    assert not rep.ok and "outputs.train.backbone_feats[0]" in failed
    assert "losses.final_loss" in failed


def test_padding_of_eval_videos(af_blob):
    assert [v["padded_len"] for v in af_blob["outputs"]["eval"]] == [128, 128, 192]
    assert torch.equal(af_blob["losses"]["final_loss"],
                       af_blob["losses"]["cls_loss"] + af_blob["losses"]["reg_loss"])
