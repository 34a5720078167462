"""CLTDRGMG: official defaults, every Table 9–11 switch (build, forward, backward, parameter
counts), the mixed loss and its normaliser, inference on the refined outputs."""

from __future__ import annotations

import math

import pytest
import torch
from cltdr_helpers import TINY, tiny_batch

from harness.cli import main
from harness.errors import ConfigError
from models.cltdr_gmg import CLTDRGMG, GMGBlock, parameter_counts
from models.detectors.dense_detector import concat_levels
from models.losses.varifocal import varifocal_loss


def tiny(**kw) -> CLTDRGMG:
    torch.manual_seed(0)
    return CLTDRGMG(**{**TINY, **kw})


def loss_and_grads(model):
    x, masks, samples = tiny_batch()
    model.train()
    losses = model(x, masks, samples, mode="loss")
    total = sum(v for k, v in losses.items() if "loss" in k)
    total.backward()
    return losses, total


def test_official_thumos_settings(cl_thumos_model):
    m = cl_thumos_model
    assert isinstance(m.backbone.stem[0], GMGBlock) and isinstance(m.backbone.branch[4], GMGBlock)
    assert m.max_div_factor == 32 and m.input_noise == 0.05
    assert type(m.cls_loss).__name__ == "IoUWeightedLoss" and m.cls_loss.loss == "varifocal"
    assert m.cls_loss.iou_weight_power == 0.2
    assert type(m.pre_cls_loss).__name__ == "SigmoidFocalLoss"
    assert m.loss_normalizer.updates_per_iter == 2 and m.loss_normalizer.value == 100.0
    assert m.options.loss_mix == (0.7, 0.3) and m.test_settings.voting_weight == "score"


SWITCHES = [
    {},
    dict(cltdr=dict(refine=())),
    dict(cltdr=dict(refine=("cls",))),
    dict(cltdr=dict(refine=("reg",))),
    dict(cltdr=dict(fusion="add")),
    dict(cltdr=dict(fusion="concat")),
    dict(cltdr=dict(cls_sources=("l",), reg_sources=("l",))),
    dict(cltdr=dict(cls_sources=("l", "l-1"), reg_sources=("l+1", "l"))),
    dict(cltdr=dict(cls_sources=("l+1", "l", "l-1"), reg_sources=("l+1", "l", "l-1"))),
    dict(cltdr=dict(loss_mix=(1.0, 0.0))),
    dict(gmg=dict(branches=("local", "global"), gate=False)),
    dict(refined_cls_loss="focal", pre_cls_loss="varifocal", loss_norm_updates_per_iter=1),
]


@pytest.mark.parametrize("switch", SWITCHES, ids=lambda s: str(s)[:60])
def test_every_switch_builds_trains_and_predicts(switch):
    model = tiny(**switch)
    losses, total = loss_and_grads(model)
    assert torch.isfinite(total) and total > 0
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert all(n.startswith("refineHead.scale.") for n in no_grad), no_grad
    model.eval()
    x, masks, samples = tiny_batch(lengths=(32, 40))  # the second video is longer: padded to 48
    preds = model(x, masks, samples, mode="predict")
    for pred, meta in zip(preds, samples):
        assert pred["segments"].shape[0] == pred["scores"].shape[0] > 0
        assert (pred["segments"] >= 0).all() and (pred["segments"] <= meta["duration"]).all()


def _diff(a: CLTDRGMG, b: CLTDRGMG) -> dict[str, int]:
    ca, cb = parameter_counts(a), parameter_counts(b)
    return {k: ca.get(k, 0) - cb.get(k, 0) for k in set(ca) | set(cb) if ca.get(k, 0) != cb.get(k, 0)}


def test_parameter_counts_move_as_the_switches_say():
    full = tiny()
    C, K = 16, 3
    counts = parameter_counts(full)
    none = tiny(cltdr=dict(refine=()))
    assert _diff(full, none) == {
        "total": counts["cross_level"] + counts["refineHead"],
        "cross_level": counts["cross_level"], "refineHead": counts["refineHead"]}
    assert not hasattr(none, "refineHead") or none.refineHead is None
    offsets = 2 * (K * C * 7 + K)
    assert _diff(full, tiny(cltdr=dict(refine=("cls",)))) == {"total": offsets, "refineHead": offsets}
    prob = K * C * 3 + K
    assert _diff(full, tiny(cltdr=dict(refine=("reg",)))) == {"total": prob, "refineHead": prob}
    plain = tiny(cltdr=dict(cls_sources=("l",), reg_sources=("l",)))
    assert _diff(full, plain) == {"total": counts["decls"] + counts["dereg"],
                                  "decls": counts["decls"], "dereg": counts["dereg"]}
    gate = 2 * (C * C + C)  # conv_l + attn.1
    assert _diff(full, tiny(cltdr=dict(fusion="add"))) == {
        "total": 2 * gate, "decls": gate, "dereg": gate}
    assert _diff(tiny(cltdr=dict(fusion="concat")), tiny(cltdr=dict(fusion="add"))) == {
        "total": 2 * (2 * C * C + C), "decls": 2 * C * C + C, "dereg": 2 * C * C + C}
    both = tiny(cltdr=dict(cls_sources=("l", "l+1", "l-1")))
    assert _diff(both, full) == {"total": counts["dereg"], "decls": counts["dereg"]}


def test_loss_dict_sums_to_the_mixed_official_loss():
    model = tiny()
    x, masks, samples = tiny_batch()
    model.train()
    out = model._forward(x, masks)
    gt_cls, gt_offsets = model.assigner(out.points, [s["segments"] for s in samples],
                                        [s["labels"] for s in samples])
    terms = model.loss_terms(out, gt_cls, gt_offsets)
    assert terms.normalizers == pytest.approx((90.0 + 0.1 * terms.num_pos,
                                               0.9 * (90 + 0.1 * terms.num_pos) + 0.1 * terms.num_pos))
    expected = 0.7 * terms.refined.final_loss + 0.3 * terms.pre.final_loss
    assert torch.allclose(terms.final_loss, expected)
    logged = terms.log_dict()
    assert torch.allclose(logged["loss_cls"] + logged["loss_reg"], expected)
    assert {k for k in logged if "loss" in k} == {"loss_cls", "loss_reg"}
    assert {"refined_cls", "pre_cls", "refined_reg", "pre_reg", "num_pos"} <= set(logged)
    # pre term: plain focal on the cls_head logits, no IoU weighting, divided by n2
    valid = terms.valid_mask
    pre = concat_levels(out.extras["pre_cls_logits"])[valid]
    from models.losses.focal import sigmoid_focal_loss

    manual = sigmoid_focal_loss(pre, gt_cls[valid], reduction="sum") / terms.normalizers[1]
    assert torch.allclose(terms.pre.cls_loss, manual)
    # refined term: varifocal on cls × prob, positives × IoU^p (so it differs from plain)
    refined = concat_levels(out.cls_logits)[valid]
    plain = varifocal_loss(refined, gt_cls[valid], reduction="sum") / terms.normalizers[0]
    assert not torch.allclose(terms.refined.cls_loss, plain)


def test_detach_iou_weight_reaches_the_refined_loss_only():
    """``cltdr.detach_iou_weight``: same losses; the regression branch loses the gradient it
    got through the refined term's IoU weight (official: kept)."""
    x, masks, samples = tiny_batch()
    grads = {}
    for detach in (False, True):
        torch.manual_seed(0)
        model = tiny(cltdr=dict(detach_iou_weight=detach))
        assert model.cls_loss.detach_iou_weight is detach
        assert model.options.detach_iou_weight is detach
        model.train()
        out = model._forward(x, masks)
        gt_cls, gt_offsets = model.assigner(out.points, [s["segments"] for s in samples],
                                            [s["labels"] for s in samples])
        terms = model.loss_terms(out, gt_cls, gt_offsets)
        grads[detach] = torch.autograd.grad(terms.refined.cls_loss, out.reg_offsets[0],
                                            allow_unused=True)[0]
        grads[f"loss{detach}"] = terms.final_loss.detach()
    assert torch.equal(grads["lossFalse"], grads["lossTrue"])
    assert grads[False] is not None and grads[False].abs().sum() > 0
    assert grads[True] is None or torch.equal(grads[True], torch.zeros_like(grads[True]))


def test_one_normaliser_update_and_auto_loss_weight():
    model = tiny(loss_norm_updates_per_iter=1, train_cfg=dict(init_loss_norm=100, loss_weight=-1))
    x, masks, samples = tiny_batch()
    model.train()
    out = model._forward(x, masks)
    gt_cls, gt_offsets = model.assigner(out.points, [s["segments"] for s in samples],
                                        [s["labels"] for s in samples])
    terms = model.loss_terms(out, gt_cls, gt_offsets)
    assert terms.normalizers[0] == terms.normalizers[1] == model.loss_normalizer.value
    logged = terms.log_dict()
    assert torch.allclose(logged["loss_cls"] + logged["loss_reg"], terms.final_loss)
    w = terms.refined.cls_loss.detach() / max(terms.refined.reg_loss.item(), 0.01)
    assert torch.allclose(terms.refined.final_loss, terms.refined.cls_loss + w * terms.refined.reg_loss)


def test_inference_scores_with_the_refined_logits():
    model = tiny(test_cfg=dict(nms_method="none", pre_nms_topk=10_000))
    model.eval()
    x, masks, samples = tiny_batch(lengths=(32,))
    res, out = model.predict_video(x, masks, samples[0])
    for level, refined in enumerate(out.cls_logits):  # [1, K, T_l]
        pre = out.extras["pre_cls_logits"][level]
        prob = out.extras["refine_prob_logits"][level]
        assert torch.equal(refined, pre * prob)
    best = max(torch.sigmoid(lg[0]).max().item() for lg in out.cls_logits)
    assert math.isclose(res["scores"].max().item(), best, rel_tol=1e-6)


@pytest.mark.parametrize("bad", [
    dict(cltdr=dict(fusion="mul")),
    dict(cltdr=dict(cls_sources=("l+1",))),
    dict(cltdr=dict(refine=("box",))),
    dict(cltdr=dict(loss_mix=(0.7,))),
    dict(cltdr=dict(detach_iou_weight="yes")),
    dict(cltdr=dict(decoder="x")),
    dict(gmg=dict(branch=("local",))),
    dict(gmg=dict(branches=())),
    dict(refined_cls_loss="ce"),
    dict(loss_norm_updates_per_iter=3),
    dict(encoder_block=dict(type="SGPBlock")),
])
def test_bad_switches_raise_one_line_config_errors(bad):
    with pytest.raises(ConfigError) as err:
        tiny(**bad)
    assert "\n" not in str(err.value) and "CLTDR-GMG" in str(err.value)


def test_registry_command_lists_the_model(capsys):
    assert main(["registry"]) == 0
    text = capsys.readouterr().out
    for name in ("CLTDRGMG", "NeighbourLevelFusion", "CrossLevelFusion", "RefineHead",
                 "VarifocalLoss", "IoUWeightedLoss"):
        assert name in text, name
