"""RefineHead, refined logits and refined offsets against the official outputs and by hand."""

from __future__ import annotations

import torch

from harness.parity.compare import Tolerance, compare_tensor
from models.cltdr_gmg.refine_head import END, PROB, START, RefineHead
from models.cltdr_gmg.refinement import refine_logits, refine_offsets, refine_offsets_dense
from models.heads.trident import trident_offsets

FEATURE = Tolerance(atol=2e-5, rtol=2e-4)
NAMES = {START: "refine_start_offsets", END: "refine_end_offsets", PROB: "refine_prob_logits"}


def _head(blob):
    cfg = blob["config"]
    head = RefineHead(input_dim=cfg["fpn_dim"], feat_dim=cfg["head_dim"],
                      num_classes=cfg["num_classes"], num_levels=len(cfg["regression_range"]))
    prefix = "refineHead."
    head.load_state_dict({k[len(prefix):]: v for k, v in blob["state_dict"].items()
                          if k.startswith(prefix)}, strict=True)
    return head


def _assert_close(actual, expected, name):
    row = compare_tensor(name, actual, expected, FEATURE)
    assert row.ok, (name, row.max_abs)


def test_refine_head_matches_official(cl_blob):
    head = _head(cl_blob)
    for rec in [cl_blob["outputs"]["train"], *cl_blob["outputs"]["eval"]]:
        with torch.no_grad():
            out = head(rec["cross_level_feats"], rec["fpn_masks"])
        for key, name in NAMES.items():
            for level, (a, e) in enumerate(zip(out[key], rec[name])):
                _assert_close(a, e, f"{name}[{level}]")


def test_refined_logits_are_the_raw_product(cl_blob):
    rec = cl_blob["outputs"]["train"]
    refined = refine_logits(rec["cls_logits"], rec["refine_prob_logits"])
    for level, r in enumerate(refined):
        _assert_close(r.permute(0, 2, 1), rec["refined_cls_logits"][level], f"refined[{level}]")
    # two negative logits give a positive one: no sigmoid, no sum
    a, b = torch.tensor([[[-2.0]]]), torch.tensor([[[-3.0]]])
    assert refine_logits([a], [b])[0].item() == 6.0


def test_refined_offsets_by_hand():
    offsets = torch.tensor([[1.0, 2.0], [0.5, 0.25], [3.0, 1.0]])  # stride units
    t = torch.tensor([10.0, 4.0, 8.0])
    s = torch.tensor([2.0, 4.0, 1.0])
    ds = torch.tensor([0.5, 3.0, -1.0])  # grid units, no stride scaling
    de = torch.tensor([-1.0, -2.0, 0.5])
    out = refine_offsets(offsets, t, s, ds, de)
    # row 0: left = 10 − 2 + 0.5 = 8.5 → 0.75; right = 10 + 4 − 1 = 13 → 1.5
    # row 1: left = 4 − 2 + 3 = 5 → (4 − 5)/4 < 0 → 0; right = 4 + 1 − 2 = 3 → clamp 0
    # row 2: left = 8 − 3 − 1 = 4 → 4; right = 8 + 1 + 0.5 = 9.5 → 1.5
    assert torch.allclose(out, torch.tensor([[0.75, 1.5], [0.0, 0.0], [4.0, 1.5]]))


def test_dense_refined_offsets_match_official(cl_blob):
    rec = cl_blob["outputs"]["train"]
    nb = cl_blob["config"]["num_bins"]
    before, refined = [], []
    for level, (o, s, e) in enumerate(zip(rec["offsets"], rec["lb_logits"], rec["rb_logits"])):
        d = trident_offsets(o, s, e, num_bins=nb)  # [B, T_l, K, 2]
        before.append(d)
        refined.append(refine_offsets_dense(d, rec["points"][level],
                                            rec["refine_start_offsets"][level],
                                            rec["refine_end_offsets"][level]))
    _assert_close(torch.cat(before, 1), rec["decoded_offsets_before_refine"], "before")
    _assert_close(torch.cat(refined, 1), rec["decoded_offsets"], "refined")
    assert (rec["decoded_offsets"] >= 0).all()


def test_switched_off_parts_build_no_heads_and_scale_is_unused():
    full = RefineHead(input_dim=16, feat_dim=16, num_classes=3, num_levels=2)
    cls_only = RefineHead(input_dim=16, feat_dim=16, num_classes=3, num_levels=2, with_offsets=False)
    reg_only = RefineHead(input_dim=16, feat_dim=16, num_classes=3, num_levels=2, with_prob=False)
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert count(full) - count(cls_only) == 2 * (3 * 16 * 7 + 3)
    assert count(full) - count(reg_only) == 3 * 16 * 3 + 3
    feats = [torch.randn(1, 16, 8), torch.randn(1, 16, 4)]
    masks = [torch.ones(1, 1, 8, dtype=torch.bool), torch.ones(1, 1, 4, dtype=torch.bool)]
    assert set(cls_only(feats, masks)) == {PROB} and set(reg_only(feats, masks)) == {START, END}
    out = full(feats, masks)
    sum(x.sum() for v in out.values() for x in v).backward()
    assert all(s.scale.grad is None for s in full.scale)
    assert full.prob_head.conv.weight.grad is not None
