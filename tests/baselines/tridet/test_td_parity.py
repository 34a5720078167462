"""Parity with the official TriDet vectors (reference README §B), padding included."""

from __future__ import annotations

import pytest
import torch

from harness.cli import main
from harness.parity import run_parity_blob


@pytest.fixture(scope="module")
def report(td_blob):
    return run_parity_blob(td_blob, "tridet_small_seed0.pt")


def test_every_stored_tensor_within_tolerance(report):
    bad = [(r.name, r.max_abs, r.note) for r in report.failed]
    assert report.ok, bad


def test_every_section_was_compared(report, td_blob):
    names = [r.name for r in report.rows]
    assert sum(n.startswith("grads.") for n in names) == len(td_blob["grads"]) == 146
    for key in ("padded_len", "batched_masks", "backbone_feats[3]", "fpn_feats[0]", "points[2]",
                "cls_logits[1]", "offsets[3]", "lb_logits[0]", "rb_logits[3]", "decoded_offsets"):
        assert f"outputs.train.{key}" in names, key
    for i in range(3):
        for key in ("detections.segments", "detections.scores", "padded_len",
                    "decoded_offsets[3]", "lb_logits[2]", "rb_logits[0]"):
            assert f"outputs.eval[{i}].{key}" in names, (i, key)
    for key in ("gt_cls_labels", "gt_offsets", "valid_mask", "pos_mask", "num_pos"):
        assert f"targets.{key}" in names
    for key in ("cls_loss", "reg_loss", "final_loss", "loss_normalizer_after"):
        assert f"losses.{key}" in names
    assert "params_without_grad" in names


def test_eval_padding_follows_the_trident_rule(td_blob, report):
    # 150 steps > max_seq_len 128 -> next multiple of max(s·w) = 8·5 = 40, i.e. 160
    assert [v["padded_len"] for v in td_blob["outputs"]["eval"]] == [128, 128, 160]
    rows = {r.name: r for r in report.rows}
    assert rows["outputs.eval[2].padded_len"].ok


def test_outputs_depend_on_the_padded_length(td_blob):
    """Padding the long video to 192 (ActionFormer's rule) instead of 160 breaks parity."""
    blob = dict(td_blob)
    from harness.parity.adapters import ADAPTERS

    model = ADAPTERS["tridet"].build(blob)
    model.max_div_factor = 64
    model.eval()
    feats = blob["inputs"]["feats_long"][None]
    with torch.no_grad():
        out = model._forward(feats, torch.ones(1, 1, feats.shape[-1], dtype=torch.bool))
    ref = blob["outputs"]["eval"][2]["fpn_feats"][0][..., :150]
    assert out.fpn_feats[0].shape[-1] == 192
    assert (out.fpn_feats[0][..., :150] - ref).abs().max() > 1e-2


def test_a_wrong_weight_is_caught(td_blob):
    blob = dict(td_blob)
    state = dict(blob["state_dict"])
    key = "backbone.branch.1.convkw.weight"
    state[key] = state[key] * 1.01
    blob["state_dict"] = state
    rep = run_parity_blob(blob, "perturbed")
    failed = {r.name for r in rep.failed}
    assert not rep.ok and "outputs.train.backbone_feats[2]" in failed
    assert "outputs.train.backbone_feats[1]" not in failed  # earlier levels unaffected


def test_boundary_heads_get_detached_features(td_blob):
    """Gradients of the start/end logits reach the boundary heads but not the backbone."""
    from harness.parity.adapters import ADAPTERS

    model = ADAPTERS["tridet"].build(td_blob)
    model.train()
    feats = td_blob["inputs"]["feats"][0][None]
    out = model._forward(feats, torch.ones(1, 1, feats.shape[-1], dtype=torch.bool))
    sum(x.sum() for x in out.extras["lb_logits"] + out.extras["rb_logits"]).backward()
    assert model.start_head.cls_head.conv.weight.grad.abs().sum() > 0
    assert model.end_head.head[0].conv.weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in model.backbone.parameters())
    assert all(p.grad is None for p in model.neck.parameters())


def test_cli_passes_on_the_tridet_file(golden, tmp_path, capsys):
    out = tmp_path / "parity.json"
    code = main(["parity", str(golden / "tridet_small_seed0.pt"), "--json", str(out)])
    text = capsys.readouterr().out
    assert code == 0 and "PASS" in text and "decoded_offsets" in text
    import json

    rep = json.loads(out.read_text())
    assert rep["ok"] and rep["kind"] == "tridet" and rep["num_failed"] == 0


def test_cli_fails_on_a_perturbed_decoded_offset(td_blob, tmp_path, capsys):
    blob = dict(td_blob)
    outputs = {**blob["outputs"], "train": dict(blob["outputs"]["train"])}
    decoded = outputs["train"]["decoded_offsets"].clone()
    decoded[1, 7, 3, 0] += 1e-2
    outputs["train"]["decoded_offsets"] = decoded
    blob["outputs"] = outputs
    path = tmp_path / "perturbed.pt"
    torch.save(blob, path)
    assert main(["parity", str(path), "--failed-only"]) == 1
    text = capsys.readouterr().out
    assert "outputs.train.decoded_offsets" in text and "FAIL" in text
