"""Parity adapter of CLTDR-GMG (``model: 'cltdr_gmg'``, reference README §D.2).

The file stores the train pass once per loss variant (``losses[name]``, the official
hand-edited loss choice) with gradients of some variants (``grads`` = focal,
``grads_<name>`` otherwise). Each variant is re-run on a model built with the matching
``refined_cls_loss``/``pre_cls_loss``; the config (sizes, levels, windows, classes) comes
from the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor, nn

from harness.errors import DataError
from harness.parity.adapters import (
    ParityAdapter,
    Tolerance,
    force_no_drop_path,
    load_weights,
    make_tolerance_of,
    register_adapter,
)
from harness.parity.dense import batch_inputs, forward_record, run_eval

# official loss function names (``losses[...].*_loss_fn``) → harness loss names
LOSS_FNS = {"sigmoid_focal_loss": "focal", "varifocal_loss": "varifocal"}
LOSS_FN_OF = {v: k for k, v in LOSS_FNS.items()}
DEFAULT_VARIANT = {"refined_loss_fn": "varifocal_loss", "before_refine_loss_fn": "sigmoid_focal_loss"}
TOLERANCE_OF = make_tolerance_of(  # reference README §D.2 "Tolerances"
    feature=Tolerance(atol=2e-5, rtol=2e-4), loss=Tolerance(atol=1e-7, rtol=1e-5),
    grad=Tolerance(atol=1e-5, rtol=1e-3),
)


def _loss_names(variant: Mapping[str, Any], path: str) -> tuple[str, str]:
    try:
        return LOSS_FNS[variant["refined_loss_fn"]], LOSS_FNS[variant["before_refine_loss_fn"]]
    except KeyError as exc:
        raise DataError(f"{path}: unknown loss function {exc.args[0]!r} (known: {sorted(LOSS_FNS)})") from None


def build_variant(blob: Mapping[str, Any], variant: Mapping[str, Any] = DEFAULT_VARIANT) -> nn.Module:
    """The harness model of the file's config with the variant's losses and the file's weights."""
    from models.cltdr_gmg import from_official_config

    refined, pre = _loss_names(variant, "cltdr_gmg parity file")
    model = from_official_config(blob["config"], refined_cls_loss=refined, pre_cls_loss=pre)
    load_weights(model, blob["state_dict"], "cltdr_gmg parity file")
    force_no_drop_path(model, blob)
    return model


def _decoded(model: nn.Module, rec: Mapping[str, Any]) -> tuple[list[Tensor], list[Tensor]]:
    """Unrefined and refined decoded offsets of every (point, class), per level [B, T_l, K, 2]."""
    from models.cltdr_gmg.refinement import refine_offsets_dense
    from models.heads.trident import trident_offsets

    before, refined = [], []
    for level, (o, s, e) in enumerate(zip(rec["offsets"], rec["lb_logits"], rec["rb_logits"])):
        d = trident_offsets(o, s, e, num_bins=model.num_bins).detach()  # [B, T_l, K, 2]
        before.append(d)
        if "refine_start_offsets" in rec:
            d = refine_offsets_dense(
                d, rec["points"][level], rec["refine_start_offsets"][level].detach(),
                rec["refine_end_offsets"][level].detach(),
            )
        refined.append(d)
    return before, refined


def file_record(out: Any, *, with_backbone: bool) -> dict[str, Any]:
    """Forward outputs under the file's names (see :func:`rename_logits`)."""
    return rename_logits(forward_record(out, with_backbone=with_backbone))


def rename_logits(rec: dict[str, Any]) -> dict[str, Any]:
    """``cls_logits`` ← the ``cls_head`` output; ``refined_cls_logits`` [B, T_l, K] ← the
    logits the model scores with (the model's ``cls_logits``)."""
    rec["refined_cls_logits"] = [x.permute(0, 2, 1) for x in rec["cls_logits"]]
    rec["cls_logits"] = rec.pop("pre_cls_logits")
    return rec


def train_variant(model: nn.Module, blob: Mapping[str, Any]) -> dict[str, Any]:
    """One train forward, the mixed loss, its backward from zero grads (reference §B step 4)."""
    inputs, masks, samples = batch_inputs(blob["inputs"])
    model.train()
    model.zero_grad(set_to_none=True)
    model.loss_normalizer.reset()
    norm_before = model.loss_normalizer.value
    out = model._forward(inputs, masks)
    gt_cls, gt_offsets = model.assigner(
        out.points, [s["segments"] for s in samples], [s["labels"] for s in samples]
    )
    terms = model.loss_terms(out, gt_cls, gt_offsets)
    terms.final_loss.backward()

    def parts(t: Any) -> dict[str, Tensor]:
        return {k: getattr(t, k).detach() for k in ("cls_loss", "reg_loss", "final_loss")}

    losses = {
        "refined_loss_fn": LOSS_FN_OF[model.refined_cls_loss_name],
        "before_refine_loss_fn": LOSS_FN_OF[model.pre_cls_loss_name],
        "refined": parts(terms.refined), "before_refine": parts(terms.pre), "mixed": parts(terms),
        "loss_normalizer_before": norm_before,
        "loss_normalizer_after_refined": terms.normalizers[0],
        "loss_normalizer_after_before_refine": terms.normalizers[-1],
        "loss_normalizer_momentum": model.loss_normalizer.momentum,
        "mix_weights": {"refined": terms.mix[0], "before_refine": terms.mix[1]},
    }
    return {
        "out": out, "gt_cls": gt_cls, "gt_offsets": gt_offsets, "terms": terms, "losses": losses,
        "grads": {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None},
        "params_without_grad": sorted(n for n, p in model.named_parameters() if p.grad is None),
    }


def run_cltdr_gmg(model: nn.Module, blob: Mapping[str, Any]) -> dict[str, Any]:
    """Every stored loss variant's train pass, the forward outputs, targets and eval passes."""
    variants = dict(blob.get("losses") or {"default": DEFAULT_VARIANT})
    result: dict[str, Any] = {"losses": {}}
    first = None
    for name, variant in variants.items():
        run = train_variant(build_variant(blob, variant), blob)
        result["losses"][name] = run["losses"]
        result["grads" if name == "focal" else f"grads_{name}"] = run["grads"]
        first = first or run
    assert first is not None
    out = first["out"]
    train = file_record(out, with_backbone=True)
    before, refined = _decoded(model, train)
    train["decoded_offsets_before_refine"] = torch.cat(before, dim=1)  # [B, ΣT, K, 2]
    train["decoded_offsets"] = torch.cat(refined, dim=1)  # [B, ΣT, K, 2]
    terms = first["terms"]
    result["outputs"] = {"train": train, "eval": []}
    result["targets"] = {
        "concat_points": torch.cat(out.points, 0), "gt_cls_labels": first["gt_cls"],
        "gt_offsets": first["gt_offsets"], "valid_mask": terms.valid_mask,
        "pos_mask": terms.pos_mask, "num_pos": terms.num_pos,
    }
    result["params_without_grad"] = first["params_without_grad"]
    for rec in run_eval(model, blob):  # type: ignore[arg-type]
        rename_logits(rec)
        _, refined = _decoded(model, rec)
        rec["decoded_offsets"] = [d[0].permute(1, 0, 2) for d in refined]  # [K, T_l, 2]
        result["outputs"]["eval"].append(rec)
    return result


def fresh_cltdr_gmg(blob: Mapping[str, Any]) -> nn.Module:
    """The harness model of the file's config with its own initialisation (``init_stats``)."""
    from models.cltdr_gmg import from_official_config

    return from_official_config(blob["config"])


register_adapter(ParityAdapter(
    kind="cltdr_gmg", build=build_variant, run=run_cltdr_gmg, tolerance_of=TOLERANCE_OF,
    sections=("outputs", "targets", "losses", "grads", "grads_focal", "grads_varifocal",
              "grads_varifocal_both", "params_without_grad"),
    fresh=fresh_cltdr_gmg,
))
