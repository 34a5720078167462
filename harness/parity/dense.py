"""Train and eval passes of a dense detector on a parity file's inputs (section B layout)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor

from harness.errors import DataError
from models.detectors.dense_detector import DenseDetector, DenseOutputs


def batch_inputs(inputs: Mapping[str, Any]) -> tuple[Tensor, Tensor, list[dict[str, Any]]]:
    """The stored training videos as a collated batch: zero-padded inputs, masks, samples."""
    feats: list[Tensor] = list(inputs["feats"])
    lengths = torch.as_tensor([f.shape[-1] for f in feats])
    t_max = int(lengths.max())
    x = feats[0].new_zeros((len(feats), feats[0].shape[0], t_max))  # [B, C, T]
    for i, f in enumerate(feats):
        x[i, :, : f.shape[-1]] = f
    masks = (torch.arange(t_max)[None] < lengths[:, None])[:, None]  # [B, 1, T]
    samples = [
        {"segments": s, "labels": lab, **dict(meta)}
        for s, lab, meta in zip(inputs["segments"], inputs["labels"], inputs["video_meta"])
    ]
    return x, masks, samples


def forward_record(out: DenseOutputs, *, with_backbone: bool) -> dict[str, Any]:
    """The reference names of the forward outputs (section B ``outputs.train``/``eval``)."""
    rec: dict[str, Any] = {"padded_len": int(out.masks.shape[-1]), "batched_masks": out.masks}
    if with_backbone:
        rec["backbone_feats"] = out.backbone_feats
        rec["backbone_masks"] = out.backbone_masks
    rec.update(
        fpn_feats=out.fpn_feats, fpn_masks=out.fpn_masks, points=out.points,
        cls_logits=out.cls_logits, offsets=out.reg_offsets,
    )
    rec.update(out.extras)
    return rec


def run_train(model: DenseDetector, blob: Mapping[str, Any]) -> dict[str, Any]:
    """One train-mode forward on the stored batch, the loss, and its backward from zero grads.

    Returns:
        dict with ``outputs.train``, ``targets``, ``losses``, ``grads`` and
        ``params_without_grad`` in the reference layout.
    """
    inputs, masks, samples = batch_inputs(blob["inputs"])
    model.train()
    model.zero_grad(set_to_none=True)
    norm_before = model.loss_normalizer.value
    out = model._forward(inputs, masks)
    gt_cls, gt_offsets = model.assigner(
        out.points, [s["segments"] for s in samples], [s["labels"] for s in samples]
    )
    terms = model.loss_terms(out, gt_cls, gt_offsets)
    final = terms.final_loss
    final.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None}
    return {
        "outputs": {"train": forward_record(out, with_backbone=True)},
        "targets": {
            "concat_points": torch.cat(out.points, 0), "gt_cls_labels": gt_cls,
            "gt_offsets": gt_offsets, "valid_mask": terms.valid_mask, "pos_mask": terms.pos_mask,
            "num_pos": terms.num_pos,
        },
        "losses": {
            "cls_loss": terms.cls_loss.detach(), "reg_loss": terms.reg_loss.detach(),
            "final_loss": final.detach(), "loss_normalizer_before": norm_before,
            "loss_normalizer_after": model.loss_normalizer.value,
            "loss_normalizer_momentum": model.loss_normalizer.momentum,
        },
        "grads": grads,
        "params_without_grad": sorted(n for n, p in model.named_parameters() if p.grad is None),
    }


def eval_videos(inputs: Mapping[str, Any]) -> list[tuple[Tensor, dict[str, Any]]]:
    """(features [C, T], meta) of the eval videos: the training videos, then ``feats_long``."""
    videos = [(f, dict(m)) for f, m in zip(inputs["feats"], inputs["video_meta"])]
    if "feats_long" in inputs:
        videos.append((inputs["feats_long"], dict(inputs["video_meta_long"])))
    return videos


@torch.no_grad()
def run_eval(model: DenseDetector, blob: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Eval-mode pass per video (batch 1, official eval padding) with pre-NMS detections."""
    model.eval()
    records = []
    for feats, meta in eval_videos(blob["inputs"]):
        t = feats.shape[-1]
        res, out = model.predict_video(feats[None], torch.ones(1, 1, t, dtype=torch.bool), meta)
        rec = {"video_id": meta["video_id"], "feat_len": int(t)}
        rec.update(forward_record(out, with_backbone=False))
        rec["detections"] = {k: res[k] for k in ("segments", "scores", "labels")}
        records.append(rec)
    return records


def check_blob(blob: Any, path: str) -> None:
    """Refuse a file that lacks the section-B layout, with a one-line DataError."""
    need = ("model", "config", "state_dict", "inputs", "outputs")
    if not isinstance(blob, Mapping) or any(k not in blob for k in need):
        raise DataError(f"{path}: not a parity reference file (needs keys {list(need)})")
