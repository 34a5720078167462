"""``DenseDetector``: the one-stage template shared by ActionFormer, TriDet and CLTDR-GMG.

pad (official rule) → encoder → neck → points → heads → assign → losses, or
→ per-level candidate selection → decode → ``models.postprocess.postprocess_video``.
Subclasses override :meth:`heads` (extra heads, decoders; ``extra_heads`` builds their
modules), :meth:`loss_terms` (loss formula) or its parts :meth:`regression_pairs` and
:meth:`classification_loss` (Trident: per-class pairs, IoU-weighted focal loss),
:meth:`decode_segments` (class-specific offsets) and :meth:`augment_inputs` (training-time
input noise); the eval padding rule is the ``max_div_factor`` argument.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from mmengine.model import BaseModel
from torch import Tensor, nn

from harness.registry import MODELS, TASK_UTILS
from models.detectors.candidates import decode_center_offsets, top_candidates
from models.detectors.compile import compiled_network
from models.detectors.configs import DenseTestCfg, DenseTrainCfg, from_mapping
from models.detectors.padding import pad_batch, padded_length
from models.losses.normalizer import LossNormalizer
from models.postprocess import postprocess_video
from models.priors.point_generator import PointGenerator


@dataclass(frozen=True)
class DenseOutputs:
    """Everything one forward pass produces (lists run over pyramid levels).

    Attributes:
        inputs: float [B, C_in, T_pad] padded input; masks: bool [B, 1, T_pad].
        backbone_feats/backbone_masks: encoder outputs [B, C, T_l] / [B, 1, T_l].
        fpn_feats/fpn_masks: neck outputs.
        points: float [T_l, 4] (t, lo, hi, stride).
        cls_logits: float [B, K, T_l]; reg_offsets: float [B, R, T_l] (stride units).
        extras: further per-level outputs of subclasses (e.g. boundary logits).
    """

    inputs: Tensor
    masks: Tensor
    backbone_feats: list[Tensor]
    backbone_masks: list[Tensor]
    fpn_feats: list[Tensor]
    fpn_masks: list[Tensor]
    points: list[Tensor]
    cls_logits: list[Tensor]
    reg_offsets: list[Tensor]
    extras: dict[str, list[Tensor]] = field(default_factory=dict)


@dataclass(frozen=True)
class LossTerms:
    """The loss of one iteration before it becomes an mmengine dict.

    Attributes:
        cls_loss, reg_loss: 0-dim, already divided by the normaliser (reg unweighted).
        reg_weight: w in final = cls + w·reg.
        num_pos: number of positive points; valid_mask, pos_mask: bool [B, P].
        normalizers: the normaliser values after each update of this iteration.
    """

    cls_loss: Tensor
    reg_loss: Tensor
    reg_weight: float | Tensor
    num_pos: int
    valid_mask: Tensor
    pos_mask: Tensor
    normalizers: tuple[float, ...]

    @property
    def final_loss(self) -> Tensor:
        return self.cls_loss + self.reg_loss * self.reg_weight


def concat_levels(per_level: Sequence[Tensor]) -> Tensor:
    """list of [B, X, T_l] → [B, Σ T_l, X] (point-major, levels in order)."""
    return torch.cat([x.permute(0, 2, 1) for x in per_level], dim=1)


@MODELS.register_module()
class DenseDetector(BaseModel):
    """One-stage dense detector over a temporal feature pyramid (mmengine ``BaseModel``).

    ``forward(inputs, masks, data_samples, mode)``: 'loss' → dict of scalar tensors whose
    '*loss*' keys sum to the official final loss; 'predict' → one dict per video
    (``video_id``, ``segments`` seconds [M, 2], ``scores`` [M], ``labels`` [M]);
    'tensor' → :class:`DenseOutputs`. Children are built from registry configs, once each.
    """

    def __init__(
        self,
        *,
        backbone: Mapping[str, Any],
        neck: Mapping[str, Any],
        cls_head: Mapping[str, Any],
        reg_head: Mapping[str, Any],
        assigner: Mapping[str, Any],
        cls_loss: Mapping[str, Any],
        reg_loss: Mapping[str, Any],
        num_classes: int,
        max_seq_len: int,
        max_div_factor: int,
        strides: Sequence[int],
        regression_range: Sequence[Sequence[float]],
        max_buffer_len_factor: float = 6.0,
        train_cfg: Mapping[str, Any] | None = None,
        test_cfg: Mapping[str, Any] | None = None,
        extra_heads: Mapping[str, Mapping[str, Any]] | None = None,
        data_preprocessor: Mapping[str, Any] | None = None,
        init_cfg: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            data_preprocessor=dict(data_preprocessor) if data_preprocessor else None,
            init_cfg=dict(init_cfg) if init_cfg else None,
        )
        self.num_classes = num_classes
        self.max_seq_len = max_seq_len
        self.max_div_factor = max_div_factor
        self.strides = [int(s) for s in strides]
        self.compile_options: dict[str, Any] | None = None  # models.detectors.compile switch
        self.backbone: nn.Module = MODELS.build(dict(backbone))
        self.neck: nn.Module = MODELS.build(dict(neck))
        self.point_generator = PointGenerator(
            max_seq_len=max_seq_len * max_buffer_len_factor, strides=self.strides,
            regression_range=regression_range,
        )
        self.cls_head: nn.Module = MODELS.build(dict(cls_head))
        # further heads (TriDet's start_head/end_head), built and registered in the official
        # order between cls_head and reg_head; subclasses run them in heads()
        for name, head_cfg in (extra_heads or {}).items():
            self.add_module(name, MODELS.build(dict(head_cfg)))
        self.reg_head: nn.Module = MODELS.build(dict(reg_head))
        self.assigner = TASK_UTILS.build(dict(assigner))
        self.cls_loss: nn.Module = MODELS.build(dict(cls_loss))
        self.reg_loss: nn.Module = MODELS.build(dict(reg_loss))
        self.train_settings = from_mapping(DenseTrainCfg, train_cfg or {}, "train_cfg")
        self.test_settings = from_mapping(DenseTestCfg, test_cfg or {}, "test_cfg")
        self.loss_normalizer = LossNormalizer(
            self.train_settings.init_loss_norm,
            momentum=self.train_settings.loss_norm_momentum,
            updates_per_iter=self.train_settings.loss_norm_updates_per_iter,
        )

    # ----------------------------------------------------------------- forward dispatch
    def forward(
        self,
        inputs: Tensor,
        masks: Tensor,
        data_samples: list[dict[str, Any]] | None = None,
        mode: str = "tensor",
    ) -> Any:
        """Args:
            inputs: float [B, C_in, T] (zero-padded by the collate); masks: bool [B, 1, T].
            data_samples: per video dicts (``segments``, ``labels`` for 'loss'; the video
                meta for 'predict').
            mode: 'loss' | 'predict' | 'tensor'.
        """
        if mode == "loss":
            assert data_samples is not None, "mode='loss' needs data_samples"
            return self.loss(inputs, masks, data_samples)
        if mode == "predict":
            assert data_samples is not None, "mode='predict' needs data_samples"
            return self.predict(inputs, masks, data_samples)
        if mode == "tensor":
            return self._forward(inputs, masks)
        raise ValueError(f"unknown mode {mode!r} (loss | predict | tensor)")

    def _forward(self, inputs: Tensor, masks: Tensor) -> DenseOutputs:
        """Pad to the official rule (train or eval by ``self.training``) and run the network."""
        lengths = masks[:, 0].sum(-1)  # [B]
        t_pad = padded_length(
            int(lengths.max()), training=self.training, max_seq_len=self.max_seq_len,
            max_div_factor=self.max_div_factor,
        )
        x, m = pad_batch(inputs, lengths, t_pad)  # [B, C, T_pad], [B, 1, T_pad]
        if self.training:
            x = self.augment_inputs(x)
        if self.compile_options is None:
            net = self.network(x, m)
        else:
            net = compiled_network(self.compile_options)(self, x, m)
        feats, feat_masks, fpn_feats, fpn_masks, cls_logits, reg_offsets, extras = net
        points = self.point_generator([f.shape[-1] for f in fpn_feats])  # [T_l, 4]
        return DenseOutputs(
            inputs=x, masks=m, backbone_feats=list(feats), backbone_masks=list(feat_masks),
            fpn_feats=list(fpn_feats), fpn_masks=list(fpn_masks), points=points,
            cls_logits=cls_logits, reg_offsets=reg_offsets, extras=extras,
        )

    def network(self, x: Tensor, m: Tensor) -> tuple[Any, ...]:
        """backbone → neck → heads on the padded batch (what the ``torch_compile`` switch compiles).

        Args:
            x: float [B, C_in, T_pad]; m: bool [B, 1, T_pad].

        Returns:
            (backbone feats, their masks, fpn feats, their masks, cls logits, offsets, extras):
            lists over levels of [B, C, T_l], [B, 1, T_l], ..., [B, K, T_l], [B, R, T_l].
        """
        feats, feat_masks = self.backbone(x, m)  # lists of [B, C, T_l], [B, 1, T_l]
        fpn_feats, fpn_masks = self.neck(feats, feat_masks)
        cls_logits, reg_offsets, extras = self.heads(fpn_feats, fpn_masks)
        return feats, feat_masks, fpn_feats, fpn_masks, cls_logits, reg_offsets, extras

    def augment_inputs(self, x: Tensor) -> Tensor:
        """Training-time change of the padded batch [B, C, T] (none here; TriDet adds noise)."""
        return x

    def heads(
        self, fpn_feats: list[Tensor], fpn_masks: list[Tensor]
    ) -> tuple[list[Tensor], list[Tensor], dict[str, list[Tensor]]]:
        """Run the heads: (cls logits [B, K, T_l], offsets [B, R, T_l], extras) per level."""
        return self.cls_head(fpn_feats, fpn_masks), self.reg_head(fpn_feats, fpn_masks), {}

    # ----------------------------------------------------------------- training
    def loss(
        self, inputs: Tensor, masks: Tensor, data_samples: list[dict[str, Any]]
    ) -> dict[str, Tensor]:
        out = self._forward(inputs, masks)
        gt_cls, gt_offsets = self.assigner(
            out.points, [d["segments"] for d in data_samples], [d["labels"] for d in data_samples]
        )  # [B, P, K], [B, P, 2]
        return self.compute_losses(out, gt_cls, gt_offsets)

    def compute_losses(
        self, out: DenseOutputs, gt_cls: Tensor, gt_offsets: Tensor
    ) -> dict[str, Tensor]:
        """mmengine loss dict of :meth:`loss_terms`.

        Returns:
            ``loss_cls`` and ``loss_reg`` (already × loss weight; they sum to the official
            ``final_loss``) and ``num_pos`` (logged only).
        """
        terms = self.loss_terms(out, gt_cls, gt_offsets)
        return {
            "loss_cls": terms.cls_loss,
            "loss_reg": terms.reg_loss * terms.reg_weight,
            "num_pos": torch.tensor(float(terms.num_pos), device=terms.cls_loss.device),
        }

    def loss_terms(self, out: DenseOutputs, gt_cls: Tensor, gt_offsets: Tensor) -> LossTerms:
        """The official ``losses``: focal on valid points, DIoU on positives, EMA normaliser.

        Advances the loss normaliser (before use) ``loss_norm_updates_per_iter`` times and
        divides both sums by the last value.

        Args:
            out: forward outputs; gt_cls: float [B, P, K]; gt_offsets: float [B, P, 2].
        """
        cfg = self.train_settings
        valid = torch.cat([m[:, 0] for m in out.fpn_masks], dim=1)  # [B, P]
        pos = (gt_cls.sum(-1) > 0) & valid  # [B, P]
        pred_offsets, target_offsets = self.regression_pairs(out, gt_cls, gt_offsets, pos)  # [M, 2]
        num_pos = int(pos.sum().item())
        norms = self.loss_normalizer.step(num_pos)
        target = gt_cls[valid]  # [N_valid, K]
        target = target * (1 - cfg.label_smoothing) + cfg.label_smoothing / (self.num_classes + 1)
        cls_loss = self.classification_loss(
            concat_levels(out.cls_logits)[valid], target, gt_cls[valid] > 0, pred_offsets,
            target_offsets,
        ) / norms[-1]
        if num_pos == 0:
            reg_loss = 0 * pred_offsets.sum()
        else:
            reg_loss = self.reg_loss(pred_offsets, target_offsets) / norms[-1]
        if cfg.loss_weight > 0:
            weight: float | Tensor = cfg.loss_weight
        else:
            weight = cls_loss.detach() / max(reg_loss.item(), 0.01)
        return LossTerms(
            cls_loss=cls_loss, reg_loss=reg_loss, reg_weight=weight, num_pos=num_pos,
            valid_mask=valid, pos_mask=pos, normalizers=tuple(norms),
        )

    def regression_pairs(
        self, out: DenseOutputs, gt_cls: Tensor, gt_offsets: Tensor, pos: Tensor
    ) -> tuple[Tensor, Tensor]:
        """(predicted, target) offsets [M, 2] that the regression loss compares (stride units).

        One row per positive point here; Trident detectors use one per positive
        (point, class) pair (``models.heads.trident.class_pairs``).

        Args:
            out: forward outputs; gt_cls: float [B, P, K]; gt_offsets: float [B, P, 2];
            pos: bool [B, P] positive valid points.
        """
        return concat_levels(out.reg_offsets)[pos], gt_offsets[pos]

    def classification_loss(
        self, logits: Tensor, target: Tensor, positive: Tensor, pred_offsets: Tensor,
        target_offsets: Tensor,
    ) -> Tensor:
        """Summed classification loss over the valid points (before normalisation).

        Args:
            logits: float [N_valid, K]; target: float [N_valid, K] (label-smoothed).
            positive: bool [N_valid, K] GT entries (unsmoothed target > 0).
            pred_offsets, target_offsets: float [M, 2] from :meth:`regression_pairs`, for
                IoU-aware losses (TriDet); unused here.
        """
        return self.cls_loss(logits, target)

    # ----------------------------------------------------------------- inference
    @torch.no_grad()
    def predict(
        self, inputs: Tensor, masks: Tensor, data_samples: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Detections per video in seconds; each video is padded on its own (official batch 1)."""
        results = []
        lengths = masks[:, 0].sum(-1).tolist()
        for i, meta in enumerate(data_samples):
            n = int(lengths[i])
            res, _ = self.predict_video(inputs[i : i + 1, :, :n], masks[i : i + 1, :, :n], meta)
            results.append(res)
        return results

    @torch.no_grad()
    def predict_video(
        self, inputs: Tensor, masks: Tensor, meta: Mapping[str, Any]
    ) -> tuple[dict[str, Any], DenseOutputs]:
        """Run one video (B = 1) and post-process; also return the raw outputs."""
        out = self._forward(inputs, masks)
        segs, scores, labels = self.candidates(out, 0)
        res = postprocess_video(segs, scores, labels, meta=meta, **self.test_settings.nms_kwargs())
        return res, out

    def candidates(self, out: DenseOutputs, index: int) -> tuple[Tensor, Tensor, Tensor]:
        """Pre-NMS candidates of video ``index``, concatenated over levels (grid units).

        Returns:
            (segments float [N, 2], scores float [N], labels int64 [N]).
        """
        cfg = self.test_settings
        segs_all, scores_all, labels_all = [], [], []
        for level, (logits, pts, mask) in enumerate(
            zip(out.cls_logits, out.points, out.fpn_masks)
        ):
            scores, pt_idx, cls_idx = top_candidates(
                logits[index].T, mask[index, 0], pre_nms_thresh=cfg.pre_nms_thresh,
                pre_nms_topk=cfg.pre_nms_topk,
            )  # [n], [n], [n]
            segs = self.decode_segments(out, index, level, pt_idx, cls_idx, pts[pt_idx])
            keep = (segs[:, 1] - segs[:, 0]) > cfg.duration_thresh  # [n]
            segs_all.append(segs[keep])
            scores_all.append(scores[keep])
            labels_all.append(cls_idx[keep])
        return torch.cat(segs_all), torch.cat(scores_all), torch.cat(labels_all)

    def decode_segments(
        self, out: DenseOutputs, index: int, level: int, pt_idx: Tensor, cls_idx: Tensor,
        points: Tensor,
    ) -> Tensor:
        """Segments [n, 2] (grid units) of the selected (point, class) pairs of one level."""
        offsets = out.reg_offsets[level][index].T[pt_idx]  # [n, 2]
        return decode_center_offsets(points, offsets)
