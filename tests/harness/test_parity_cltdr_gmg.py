"""Parity with the official CLTDR-GMG vectors (reference README §D.2), loss variants included."""

from __future__ import annotations

import json

import pytest
import torch

from harness.cli import main
from harness.parity import ADAPTERS, run_parity_blob


@pytest.fixture(autouse=True, scope="module")
def single_thread():
    """Small models: one thread is fastest and immune to CPU oversubscription."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def blob(golden):
    return torch.load(golden / "cltdr_gmg_small_seed0.pt", weights_only=True)


@pytest.fixture(scope="module")
def report(blob, single_thread):
    return run_parity_blob(blob, "cltdr_gmg_small_seed0.pt")


def test_every_stored_value_within_tolerance(report):
    assert report.kind == "cltdr_gmg"
    assert report.ok, [(r.name, r.max_abs, r.note) for r in report.failed]


def test_every_section_and_variant_was_compared(report, blob):
    names = {r.name for r in report.rows}
    assert sum(n.startswith("grads.") for n in names) == len(blob["grads"]) == 164
    assert sum(n.startswith("grads_varifocal.") for n in names) == 164
    for variant in ("focal", "varifocal", "varifocal_both"):
        for part in ("refined", "before_refine", "mixed"):
            for key in ("cls_loss", "reg_loss", "final_loss"):
                assert f"losses.{variant}.{part}.{key}" in names
        for key in ("loss_normalizer_after_refined", "loss_normalizer_after_before_refine",
                    "refined_loss_fn", "before_refine_loss_fn", "mix_weights.refined"):
            assert f"losses.{variant}.{key}" in names
    for key in ("backbone_feats[3]", "dereg_feats[1]", "decls_feats[0]", "cross_level_feats[2]",
                "cls_logits[3]", "refined_cls_logits[0]", "refine_prob_logits[1]",
                "refine_start_offsets[2]", "refine_end_offsets[3]", "decoded_offsets",
                "decoded_offsets_before_refine", "lb_logits[0]", "offsets[1]"):
        assert f"outputs.train.{key}" in names, key
    for i in range(3):
        for key in ("detections.segments", "detections.scores", "detections.labels",
                    "padded_len", "decoded_offsets[3]", "refined_cls_logits[2]"):
            assert f"outputs.eval[{i}].{key}" in names, (i, key)
    assert "params_without_grad" in names and "targets.num_pos" in names


def test_losses_are_the_stored_official_values(blob):
    """The three variants differ as the official hand edit makes them differ."""
    losses = blob["losses"]
    assert losses["focal"]["mixed"]["final_loss"] != losses["varifocal"]["mixed"]["final_loss"]
    assert losses["varifocal"]["refined"]["cls_loss"] == losses["varifocal_both"]["refined"]["cls_loss"]
    assert blob["params_without_grad"] == [f"refineHead.scale.{i}.scale" for i in range(4)]


def test_a_wrong_loss_variant_is_caught(blob):
    """Swapping the loss choice of one stored variant makes exactly its losses fail."""
    losses = {k: dict(v) for k, v in blob["losses"].items()}
    losses["varifocal"]["refined_loss_fn"] = "sigmoid_focal_loss"  # pretend it was focal
    rep = run_parity_blob({**blob, "losses": losses}, "swapped")
    failed = {r.name for r in rep.failed}
    assert "losses.varifocal.refined.cls_loss" in failed
    assert not any(n.startswith("losses.focal.") for n in failed)


def test_a_wrong_decoder_weight_is_caught(blob):
    state = dict(blob["state_dict"])
    state["decls.attn.1.weight"] = state["decls.attn.1.weight"] * 1.01
    adapter = ADAPTERS["cltdr_gmg"]
    model = adapter.build({**blob, "state_dict": state})
    model.eval()
    rec = blob["outputs"]["eval"][0]
    feats = blob["inputs"]["feats"][0][None]
    with torch.no_grad():
        out = model._forward(feats, torch.ones(1, 1, feats.shape[-1], dtype=torch.bool))
    assert torch.allclose(out.fpn_feats[0], rec["fpn_feats"][0], atol=2e-5, rtol=2e-4)
    assert not torch.allclose(out.extras["decls_feats"][0], rec["decls_feats"][0], atol=2e-5,
                              rtol=2e-4)


def test_outputs_depend_on_the_padded_length(blob):
    """Padding the long video to 192 instead of 160 (max_div_factor 8·5) moves every level."""
    model = ADAPTERS["cltdr_gmg"].build(blob)
    model.max_div_factor = 64
    model.eval()
    feats = blob["inputs"]["feats_long"][None]
    with torch.no_grad():
        out = model._forward(feats, torch.ones(1, 1, feats.shape[-1], dtype=torch.bool))
    ref = blob["outputs"]["eval"][2]
    assert ref["padded_len"] == 160 and out.masks.shape[-1] == 192
    assert (out.fpn_feats[0][..., :150] - ref["fpn_feats"][0][..., :150]).abs().max() > 1e-2


def test_other_sizes_levels_and_classes(blob):
    """A file of another config (3 levels, window 3, 7 classes, 4 bins) in the same layout:
    the adapter reads everything from the file. Its values are the adapter's own outputs, so
    this checks the plumbing, not the numbers; a perturbed value must still fail."""
    from harness.parity.cltdr_gmg import build_variant, run_cltdr_gmg

    config = {**blob["config"], "backbone_arch": [2, 2, 2], "n_sgp_win_size": 3,
              "num_classes": 7, "num_bins": 4, "embd_dim": 16, "fpn_dim": 16, "head_dim": 16,
              "regression_range": [[0, 4], [4, 8], [8, 10000]], "max_seq_len": 96}
    feats = [f[:48, :90] for f in blob["inputs"]["feats"]]
    inputs = {**blob["inputs"], "feats": feats, "feats_long": blob["inputs"]["feats_long"][:48, :100],
              "labels": [torch.clamp(x + 2, max=6) for x in blob["inputs"]["labels"]],
              "segments": [s.clamp(max=80.0) for s in blob["inputs"]["segments"]]}
    config["input_dim"] = 48
    torch.manual_seed(1)
    overrides = {**blob["runtime_overrides"], "num_AffineDropPath_modules": 4}  # 2 branch blocks
    # init_stats describe the file's own config: a file of another config has none
    shell = {**{k: v for k, v in blob.items() if k != "init_stats"}, "config": config,
             "inputs": inputs, "runtime_overrides": overrides}
    from models.cltdr_gmg import from_official_config

    shell["state_dict"] = from_official_config(config).state_dict()
    made = run_cltdr_gmg(build_variant(shell), shell)
    regenerated = {**shell, **made}
    rep = run_parity_blob(regenerated, "regenerated")
    assert rep.ok and len(rep.rows) > 300
    assert regenerated["outputs"]["eval"][2]["padded_len"] == 108  # 100 → multiple of 4·3
    made["outputs"]["train"]["refined_cls_logits"][2] = made["outputs"]["train"]["refined_cls_logits"][2] + 1e-3
    assert not run_parity_blob({**shell, **made}, "perturbed").ok


def test_cli_passes_on_the_cltdr_file(golden, tmp_path, capsys):
    out = tmp_path / "parity.json"
    code = main(["parity", str(golden / "cltdr_gmg_small_seed0.pt"), "--json", str(out),
                 "--failed-only"])
    text = capsys.readouterr().out
    assert code == 0 and "PASS" in text and "1495 values compared, 0 beyond tolerance" in text  # 655 + init_stats
    rep = json.loads(out.read_text())
    assert rep["ok"] and rep["kind"] == "cltdr_gmg" and rep["num_failed"] == 0
    assert any(r["name"] == "outputs.eval[2].refined_cls_logits[3]" for r in rep["rows"])
