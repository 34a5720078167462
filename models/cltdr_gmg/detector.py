"""CLTDR-GMG (LiQiang0307/CLTDR-GMG @ f49badb): TriDet with GMG blocks, a task-decoupled
decoder and a refinement stage (models.md §4, reference README §D)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import torch
from torch import Tensor, nn

from harness.errors import ConfigError
from harness.registry import MODELS
from models.cltdr_gmg.losses import MixedLossTerms, branch_terms
from models.cltdr_gmg.options import CLTDROptions, GMGOptions, check_cls_loss
from models.cltdr_gmg.refine_head import END, PROB, START
from models.cltdr_gmg.refinement import refine_logits, refine_offsets
from models.detectors.candidates import decode_center_offsets
from models.detectors.dense_detector import DenseOutputs, concat_levels
from models.detectors.trident_config import TRIDENT_MODEL_DEFAULTS
from models.detectors.trident_detector import TridentDetector
from models.heads.trident import positive_pairs, pyramid_offsets_at
from models.losses.focal import SigmoidFocalLoss
from models.losses.iou_weighted import IoUWeightedLoss
from models.losses.normalizer import LossNormalizer
from models.losses.varifocal import VarifocalLoss

# registered loss types of the pre-refinement term (the refined term is IoUWeightedLoss)
PRE_CLS_LOSSES = {"focal": SigmoidFocalLoss.__name__, "varifocal": VarifocalLoss.__name__}


@MODELS.register_module()
class CLTDRGMG(TridentDetector):
    """CLTDR-GMG with the official (TriDet) hyper-parameter names plus the harness switches.

    The Trident detector with ``GMGBlock`` encoder blocks (``BLOCK_TYPE``).

    Forward (official order): backbone of ``GMGBlock`` → neck → ``dereg`` (DRM) and
    ``decls`` (DCM) and ``cross_level`` (CLFF), all on the neck output → ``refineHead`` on
    CLFF → ``cls_head`` on DCM, ``reg_head`` (Trident centre offsets) on DRM,
    ``start_head``/``end_head`` on the detached neck output. Scores use the refined logits
    cls × prob; segments the Trident edges shifted by the class-wise (Δs, Δe) in grid units.
    Loss: ``loss_mix``[0]·L(refined) + ``loss_mix``[1]·L(pre-refinement) (``losses.py``).

    Args (TriDet's keyword arguments, same names and defaults, pass through ``tridet_kwargs``;
    ``encoder_block`` is set here):
        gmg: ``GMGOptions`` keys (Tables 6–8), merged over the official block.
        cltdr: ``CLTDROptions`` keys (Tables 9–11: sources, fusion, refine, loss_mix,
            detach_iou_weight).
        refined_cls_loss: 'varifocal' (official) or 'focal', IoU^p-weighted on positives.
        pre_cls_loss: 'focal' (repository as shipped, ``*_focalloss`` configs) or
            'varifocal' (``*_vflloss`` configs after the author's hand edit).
        loss_norm_updates_per_iter: 2 (official: once per loss term) or 1.
        tridet_kwargs: :class:`~models.detectors.trident_detector.TridentDetector`'s arguments.
    """

    BLOCK_TYPE = "GMGBlock"

    def __init__(
        self,
        *,
        gmg: Mapping[str, Any] | None = None,
        cltdr: Mapping[str, Any] | None = None,
        refined_cls_loss: str = "varifocal",
        pre_cls_loss: str = "focal",
        loss_norm_updates_per_iter: int = 2,
        **tridet_kwargs: Any,
    ) -> None:
        gmg_options = GMGOptions.from_config(gmg)
        options = CLTDROptions.from_config(cltdr)
        check_cls_loss(refined_cls_loss, "refined_cls_loss")
        check_cls_loss(pre_cls_loss, "pre_cls_loss")
        if loss_norm_updates_per_iter not in (1, 2):
            raise ConfigError(
                f"CLTDR-GMG loss_norm_updates_per_iter must be 1 or 2, got {loss_norm_updates_per_iter}"
            )
        if "encoder_block" in tridet_kwargs:
            raise ConfigError("CLTDR-GMG builds its own encoder blocks: set gmg=dict(...), not encoder_block")
        super().__init__(
            **tridet_kwargs,
            encoder_block=gmg_options.block_options(),
        )
        cfg = {**TRIDENT_MODEL_DEFAULTS, **tridet_kwargs}  # the sizes the decoder and losses need
        self.gmg_options = gmg_options
        self.options = options
        self._build_decoder(
            num_classes=cfg["num_classes"], fpn_dim=cfg["fpn_dim"], head_dim=cfg["head_dim"],
            head_num_layers=cfg["head_num_layers"], head_kernel_size=cfg["head_kernel_size"],
            head_with_ln=cfg["head_with_ln"],
        )
        self._set_losses(refined_cls_loss, pre_cls_loss, cfg["iou_weight_power"],
                         loss_norm_updates_per_iter)

    def _build_decoder(
        self, *, num_classes: int, fpn_dim: int, head_dim: int, head_num_layers: int,
        head_kernel_size: int, head_with_ln: bool,
    ) -> None:
        """DCM, DRM, CLFF and RefineHead, those the switches enable, after ``reg_head`` and
        in the official order (state-dict keys and RNG order)."""
        options = self.options
        self.decls = self._fusion(fpn_dim, options.cls_sources, options.fusion)
        self.dereg = self._fusion(fpn_dim, options.reg_sources, options.fusion)
        self.cross_level: nn.Module | None = None
        self.refineHead: nn.Module | None = None
        if options.refine:
            self.cross_level = MODELS.build(dict(type="CrossLevelFusion", dim=fpn_dim))
            self.refineHead = MODELS.build(dict(
                type="RefineHead", input_dim=fpn_dim, feat_dim=head_dim, num_classes=num_classes,
                num_levels=len(self.strides), num_layers=head_num_layers,
                kernel_size=head_kernel_size, with_ln=head_with_ln,
                with_offsets="reg" in options.refine, with_prob="cls" in options.refine,
            ))

    def _set_losses(
        self, refined_cls_loss: str, pre_cls_loss: str, iou_weight_power: float,
        loss_norm_updates_per_iter: int,
    ) -> None:
        """The refined term replaces TriDet's ``cls_loss`` (same call, IoU-weighted); the
        pre-refinement term is plain; the normaliser advances once per term."""
        self.cls_loss = MODELS.build(dict(
            type=IoUWeightedLoss.__name__, loss=refined_cls_loss, iou_weight_power=iou_weight_power,
            detach_iou_weight=self.options.detach_iou_weight,
        ))
        self.pre_cls_loss: nn.Module = MODELS.build(dict(type=PRE_CLS_LOSSES[pre_cls_loss]))
        self.refined_cls_loss_name = refined_cls_loss
        self.pre_cls_loss_name = pre_cls_loss
        self.train_settings = replace(
            self.train_settings, loss_norm_updates_per_iter=loss_norm_updates_per_iter
        )
        self.loss_normalizer = LossNormalizer(
            self.train_settings.init_loss_norm, momentum=self.train_settings.loss_norm_momentum,
            updates_per_iter=loss_norm_updates_per_iter,
        )

    @staticmethod
    def _fusion(dim: int, sources: tuple[str, ...], fusion: str) -> nn.Module | None:
        neighbours = CLTDROptions.neighbours(sources)
        if not neighbours:  # the head reads P_l
            return None
        return MODELS.build(dict(
            type="NeighbourLevelFusion", dim=dim, neighbours=neighbours, fusion=fusion,
        ))

    # ------------------------------------------------------------ template extension points
    def heads(
        self, fpn_feats: list[Tensor], fpn_masks: list[Tensor]
    ) -> tuple[list[Tensor], list[Tensor], dict[str, list[Tensor]]]:
        """Decoder, refinement and the TriDet heads.

        Returns:
            (scoring logits [B, K, T_l] (refined when 'cls' is refined), Trident centre
            offsets [B, 2(nb+1), T_l], extras: ``pre_cls_logits`` (``cls_head`` output),
            ``lb_logits``, ``rb_logits``, the decoder features ``dereg_feats``,
            ``decls_feats``, ``cross_level_feats`` and the refine-head outputs
            ``refine_start_offsets``, ``refine_end_offsets``, ``refine_prob_logits``
            [B, K, T_l], those that exist).
        """
        extras: dict[str, list[Tensor]] = {}
        reg_feats = fpn_feats
        cls_feats = fpn_feats
        if self.dereg is not None:
            reg_feats = extras["dereg_feats"] = self.dereg(fpn_feats)
        if self.decls is not None:
            cls_feats = extras["decls_feats"] = self.decls(fpn_feats)
        if self.cross_level is not None and self.refineHead is not None:
            cross = extras["cross_level_feats"] = self.cross_level(fpn_feats)
            extras.update(self.refineHead(cross, fpn_masks))
        pre_cls = self.cls_head(cls_feats, fpn_masks)  # list of [B, K, T_l]
        extras["lb_logits"] = self.start_head(fpn_feats, fpn_masks)
        extras["rb_logits"] = self.end_head(fpn_feats, fpn_masks)
        offsets = self.reg_head(reg_feats, fpn_masks)  # list of [B, 2(nb+1), T_l]
        extras["pre_cls_logits"] = pre_cls
        cls_logits = refine_logits(pre_cls, extras[PROB]) if PROB in extras else pre_cls
        return cls_logits, offsets, extras

    def offset_pairs(
        self, out: DenseOutputs, gt_cls: Tensor, gt_offsets: Tensor, pos: Tensor
    ) -> tuple[Tensor, Tensor, Tensor]:
        """(pre-refinement, refined, target) offsets [M, 2] of every positive (point, class).

        Args:
            out: forward outputs; gt_cls: float [B, P, K]; gt_offsets: float [B, P, 2];
            pos: bool [B, P].
        """
        batch_idx, point_idx, cls_idx, target = positive_pairs(gt_cls, gt_offsets, pos)  # [M]
        pre = pyramid_offsets_at(
            out.reg_offsets, out.extras["lb_logits"], out.extras["rb_logits"], batch_idx,
            point_idx, cls_idx, num_bins=self.num_bins,
        )  # [M, 2]
        if START not in out.extras:
            return pre, pre, target
        points = torch.cat(out.points, dim=0)[point_idx]  # [M, 4]
        shift_s = concat_levels(out.extras[START])[batch_idx, point_idx, cls_idx]  # [M]
        shift_e = concat_levels(out.extras[END])[batch_idx, point_idx, cls_idx]  # [M]
        refined = refine_offsets(pre, points[:, 0], points[:, 3], shift_s, shift_e)  # [M, 2]
        return pre, refined, target

    def regression_pairs(
        self, out: DenseOutputs, gt_cls: Tensor, gt_offsets: Tensor, pos: Tensor
    ) -> tuple[Tensor, Tensor]:
        """Refined offsets of the GT class at each positive point and their targets [M, 2]."""
        _, refined, target = self.offset_pairs(out, gt_cls, gt_offsets, pos)
        return refined, target

    def loss_terms(  # type: ignore[override]
        self, out: DenseOutputs, gt_cls: Tensor, gt_offsets: Tensor
    ) -> MixedLossTerms:
        """The official loss: refined term (normaliser n1), pre-refinement term (n2), mixed.

        Args:
            out: forward outputs; gt_cls: float [B, P, K]; gt_offsets: float [B, P, 2].
        """
        cfg = self.train_settings
        valid = torch.cat([m[:, 0] for m in out.fpn_masks], dim=1)  # [B, P]
        pos = (gt_cls.sum(-1) > 0) & valid  # [B, P]
        pre_pred, refined_pred, target_offsets = self.offset_pairs(out, gt_cls, gt_offsets, pos)
        num_pos = int(pos.sum().item())
        norms = self.loss_normalizer.step(num_pos)
        target = gt_cls[valid]  # [N_valid, K]
        target = target * (1 - cfg.label_smoothing) + cfg.label_smoothing / (self.num_classes + 1)
        positive = gt_cls[valid] > 0  # [N_valid, K]
        common = dict(reg_loss=self.reg_loss, loss_weight=cfg.loss_weight, num_pos=num_pos,
                      valid_mask=valid, pos_mask=pos)
        refined_cls = self.classification_loss(
            concat_levels(out.cls_logits)[valid], target, positive, refined_pred, target_offsets
        )
        refined = branch_terms(refined_cls, refined_pred, target_offsets, normalizer=norms[0],
                               **common)  # type: ignore[arg-type]
        pre_cls = self.pre_cls_loss(concat_levels(out.extras["pre_cls_logits"])[valid], target)
        pre = branch_terms(pre_cls, pre_pred, target_offsets, normalizer=norms[-1],
                           **common)  # type: ignore[arg-type]
        return MixedLossTerms(refined=refined, pre=pre, mix=self.options.loss_mix)

    def compute_losses(
        self, out: DenseOutputs, gt_cls: Tensor, gt_offsets: Tensor
    ) -> dict[str, Tensor]:
        """``loss_cls`` + ``loss_reg`` = the official mixed ``final_loss``; the refined and
        pre-refinement parts and ``num_pos`` are logged (:meth:`MixedLossTerms.log_dict`)."""
        return self.loss_terms(out, gt_cls, gt_offsets).log_dict()

    def decode_segments(
        self, out: DenseOutputs, index: int, level: int, pt_idx: Tensor, cls_idx: Tensor,
        points: Tensor,
    ) -> Tensor:
        """Segments [n, 2] (grid units) from the refined class-specific offsets."""
        offsets = self.selected_offsets(out, index, level, pt_idx, cls_idx)  # [n, 2]
        if START in out.extras:
            shift_s = out.extras[START][level][index, cls_idx, pt_idx]  # [n]
            shift_e = out.extras[END][level][index, cls_idx, pt_idx]  # [n]
            offsets = refine_offsets(offsets, points[:, 0], points[:, 3], shift_s, shift_e)
        return decode_center_offsets(points, offsets)


def parameter_counts(model: nn.Module) -> dict[str, int]:
    """Parameter counts: ``total``, ``backbone`` and one entry per top-level module.

    Args:
        model: any module (a ``CLTDRGMG`` gives the official breakdown: backbone, neck,
            cls_head, start_head, end_head, reg_head, decls, dereg, cross_level, refineHead).

    Returns:
        {'total': n, 'backbone': n, <child name>: n, ...}; children without parameters are
        left out.
    """
    counts = {"total": sum(p.numel() for p in model.parameters())}
    for name, child in model.named_children():
        n = sum(p.numel() for p in child.parameters())
        if n:
            counts[name] = n
    counts.setdefault("backbone", 0)
    return counts
