"""The Trident detector: TriDet's meta-architecture on the dense detector template.

TriDet (``baselines.tridet``) and CLTDR-GMG (``models.cltdr_gmg``) both build on it; they
differ in the encoder block (``BLOCK_TYPE``, a registered name) and in what CLTDR-GMG adds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import Tensor

from harness.errors import ConfigError
from models.detectors.candidates import decode_center_offsets
from models.detectors.dense_detector import DenseDetector, DenseOutputs
from models.detectors.input_noise import add_input_noise
from models.detectors.official_cfg import (
    TEST_DEFAULTS,
    TRAIN_DEFAULTS,
    dense_test_cfg,
    dense_train_cfg,
    merge_section,
    per_level,
)
from models.detectors.padding import trident_div_factor
from models.detectors.trident_config import TRIDENT_MODEL_DEFAULTS, check_trident_model
from models.heads.trident import (
    positive_pairs,
    pyramid_offsets_at,
    trident_head_configs,
    trident_offsets_at,
)

D = TRIDENT_MODEL_DEFAULTS


class TridentDetector(DenseDetector):
    """TriDet's detector with the official hyper-parameter names (dingfengshi/TriDet @ 764b816).

    Pyramid backbone (``TemporalPyramidEncoder`` of ``BLOCK_TYPE`` blocks), identity neck, ``cls_head``,
    the Trident head (``start_head``/``end_head`` on detached features + ``reg_head`` with
    2·(nb+1) channels, decoded by ``models.heads.trident``), IoU-weighted focal loss and DIoU
    per positive (point, class) pair, N(0, ``input_noise``²) on the padded training batch,
    eval padding to a multiple of max_l(s_l·w_l). Module names give the official state-dict
    layout. ``train_cfg``/``test_cfg`` are merged over the official defaults; the model ignores
    ``clip_grad_l2norm`` (optimiser), ``ext_score_file`` (score fusion) and ``dropout``
    (unused by the official SGP backbone). ``encoder_block`` (not an official key, refused by
    ``from_official_config``) updates the encoder's block config, e.g.
    ``dict(type='GMGBlock', ...)`` for CLTDR-GMG; None keeps ``BLOCK_TYPE``.
    """

    BLOCK_TYPE = "SGPBlock"  # registered by baselines.tridet; the official TriDet block

    def __init__(
        self,
        *,
        input_dim: int,
        num_classes: int,
        max_seq_len: int,
        sgp_mlp_dim: int,
        backbone_type: str = D["backbone_type"],
        fpn_type: str = D["fpn_type"],
        backbone_arch: Sequence[int] = D["backbone_arch"],
        scale_factor: int = D["scale_factor"],
        regression_range: Sequence[Sequence[float]] = D["regression_range"],
        n_sgp_win_size: int | Sequence[int] = D["n_sgp_win_size"],
        embd_kernel_size: int = D["embd_kernel_size"],
        embd_dim: int = D["embd_dim"],
        embd_with_ln: bool = D["embd_with_ln"],
        fpn_dim: int = D["fpn_dim"],
        fpn_with_ln: bool = D["fpn_with_ln"],
        head_dim: int = D["head_dim"],
        head_kernel_size: int = D["head_kernel_size"],
        boudary_kernel_size: int = D["boudary_kernel_size"],
        head_num_layers: int = D["head_num_layers"],
        head_with_ln: bool = D["head_with_ln"],
        max_buffer_len_factor: float = D["max_buffer_len_factor"],
        use_abs_pe: bool = D["use_abs_pe"],
        use_trident_head: bool = D["use_trident_head"],
        downsample_type: str = D["downsample_type"],
        k: float = D["k"],
        init_conv_vars: float = D["init_conv_vars"],
        num_bins: int = D["num_bins"],
        iou_weight_power: float = D["iou_weight_power"],
        input_noise: float = D["input_noise"],
        train_cfg: Mapping[str, Any] | None = None,
        test_cfg: Mapping[str, Any] | None = None,
        data_preprocessor: Mapping[str, Any] | None = None,
        init_cfg: Mapping[str, Any] | None = None,
        encoder_block: Mapping[str, Any] | None = None,
    ) -> None:
        name = type(self).__name__
        check_trident_model(dict(
            input_dim=input_dim, num_classes=num_classes, max_seq_len=max_seq_len,
            sgp_mlp_dim=sgp_mlp_dim, backbone_type=backbone_type, fpn_type=fpn_type,
            use_trident_head=use_trident_head,
        ), name)
        train = merge_section(train_cfg, TRAIN_DEFAULTS, f"{name} train_cfg")
        test = merge_section(test_cfg, TEST_DEFAULTS, f"{name} test_cfg")
        arch = [int(a) for a in backbone_arch]
        num_levels = arch[-1] + 1
        strides = [scale_factor**i for i in range(num_levels)]
        if len(strides) != len(regression_range):
            raise ConfigError(
                f"{name}: {num_levels} pyramid levels but {len(regression_range)} regression ranges"
            )
        if max_seq_len % strides[-1] != 0:
            raise ConfigError(f"{name}: max_seq_len {max_seq_len} must be divisible by {strides[-1]}")
        windows = per_level(n_sgp_win_size, num_levels, f"{name} n_sgp_win_size")
        head = dict(input_dim=fpn_dim, feat_dim=head_dim, num_layers=head_num_layers,
                    kernel_size=head_kernel_size, with_ln=head_with_ln)
        trident = trident_head_configs(
            num_classes=num_classes, num_levels=num_levels, num_bins=num_bins,
            prior_prob=train["cls_prior_prob"], empty_cls=list(train["head_empty_cls"]),
            boundary_kernel_size=boudary_kernel_size, **head,
        )
        super().__init__(
            backbone=_encoder_cfg(
                input_dim=input_dim, embd_dim=embd_dim, arch=arch, scale_factor=scale_factor,
                embd_kernel_size=embd_kernel_size, embd_with_ln=embd_with_ln, windows=windows,
                k=k, mlp_dim=sgp_mlp_dim, path_pdrop=train["droppath"],
                downsample_type=downsample_type, init_conv_vars=init_conv_vars,
                use_abs_pe=use_abs_pe, max_len=max_seq_len,
                block_update={"type": self.BLOCK_TYPE, **dict(encoder_block or {})},
            ),
            neck=dict(
                type="IdentityNeck1d", in_channels=[embd_dim] * num_levels,
                out_channels=fpn_dim, with_ln=fpn_with_ln,
            ),
            cls_head=dict(
                type="ClsHead", num_classes=num_classes, prior_prob=train["cls_prior_prob"],
                empty_cls=list(train["head_empty_cls"]), **head,
            ),
            extra_heads={"start_head": trident["start_head"], "end_head": trident["end_head"]},
            reg_head=trident["reg_head"],
            assigner=dict(
                type="CenterSamplingAssigner", num_classes=num_classes,
                center_sample=train["center_sample"],
                center_sample_radius=train["center_sample_radius"],
            ),
            cls_loss=dict(type="IoUWeightedLoss", loss="focal", iou_weight_power=iou_weight_power),
            reg_loss=dict(type="DIoULoss1d", reduction="sum"),
            num_classes=num_classes, max_seq_len=max_seq_len,
            max_div_factor=trident_div_factor(strides, windows), strides=strides,
            regression_range=regression_range, max_buffer_len_factor=max_buffer_len_factor,
            train_cfg=dense_train_cfg(train), test_cfg=dense_test_cfg(test, voting_weight="score"),
            data_preprocessor=data_preprocessor, init_cfg=init_cfg,
        )
        self.num_bins = num_bins
        self.input_noise = float(input_noise)
        self.official_train_cfg = train
        self.official_test_cfg = test

    # ------------------------------------------------------------ template extension points
    def augment_inputs(self, x: Tensor) -> Tensor:
        """N(0, input_noise²) on the whole padded training batch [B, C, T]."""
        return add_input_noise(x, self.input_noise)

    def heads(
        self, fpn_feats: list[Tensor], fpn_masks: list[Tensor]
    ) -> tuple[list[Tensor], list[Tensor], dict[str, list[Tensor]]]:
        """cls logits, centre offsets and the boundary logits, per level.

        The boundary distributions are decoded later, only for the (point, class) pairs
        that are used (``models.heads.trident``).

        Returns:
            (cls_logits [B, K, T_l], offsets [B, 2(nb+1), T_l], extras with ``lb_logits``,
            ``rb_logits`` [B, K, T_l]).
        """
        cls_logits = self.cls_head(fpn_feats, fpn_masks)
        lb_logits = self.start_head(fpn_feats, fpn_masks)
        rb_logits = self.end_head(fpn_feats, fpn_masks)
        offsets = self.reg_head(fpn_feats, fpn_masks)
        return cls_logits, offsets, {"lb_logits": lb_logits, "rb_logits": rb_logits}

    def regression_pairs(
        self, out: DenseOutputs, gt_cls: Tensor, gt_offsets: Tensor, pos: Tensor
    ) -> tuple[Tensor, Tensor]:
        """Decoded offsets of the GT class at each positive point: one row per pair."""
        batch_idx, point_idx, cls_idx, target = positive_pairs(gt_cls, gt_offsets, pos)  # [M]
        pred = pyramid_offsets_at(
            out.reg_offsets, out.extras["lb_logits"], out.extras["rb_logits"], batch_idx,
            point_idx, cls_idx, num_bins=self.num_bins,
        )  # [M, 2]
        return pred, target

    def classification_loss(
        self, logits: Tensor, target: Tensor, positive: Tensor, pred_offsets: Tensor,
        target_offsets: Tensor,
    ) -> Tensor:
        """Focal loss with every positive entry × IoU^``iou_weight_power`` (summed)."""
        return self.cls_loss(logits, target, positive, pred_offsets, target_offsets)

    def decode_segments(
        self, out: DenseOutputs, index: int, level: int, pt_idx: Tensor, cls_idx: Tensor,
        points: Tensor,
    ) -> Tensor:
        """Segments [n, 2] from the class-specific decoded offsets of the selected pairs."""
        return decode_center_offsets(points, self.selected_offsets(out, index, level, pt_idx, cls_idx))

    def selected_offsets(
        self, out: DenseOutputs, index: int, level: int, pt_idx: Tensor, cls_idx: Tensor
    ) -> Tensor:
        """Decoded (left, right) offsets [n, 2] of the selected (point, class) pairs of video
        ``index`` at ``level`` (stride units)."""
        return trident_offsets_at(
            out.reg_offsets[level], out.extras["lb_logits"][level],
            out.extras["rb_logits"][level], torch.full_like(pt_idx, index), pt_idx, cls_idx,
            num_bins=self.num_bins,
        )  # [n, 2]


def _encoder_cfg(
    *, input_dim: int, embd_dim: int, arch: list[int], scale_factor: int,
    embd_kernel_size: int, embd_with_ln: bool, windows: list[int], k: float, mlp_dim: int,
    path_pdrop: float, downsample_type: str, init_conv_vars: float, use_abs_pe: bool,
    max_len: int, block_update: Mapping[str, Any],
) -> dict[str, Any]:
    """The TemporalPyramidEncoder config: blocks of ``block_update`` (type and options); stem
    kernel 1 without drop path, branch block i with the window of level i + 1 and drop path
    (official ``SGPBackbone``)."""
    block = {**dict(k=k, mlp_dim=mlp_dim, downsample_type=downsample_type,
                    init_conv_vars=init_conv_vars), **dict(block_update)}
    overrides = [dict(kernel_size=1, path_pdrop=0.0)] * arch[1] + [
        dict(kernel_size=windows[1 + i], path_pdrop=path_pdrop) for i in range(arch[2])
    ]
    return dict(
        type="TemporalPyramidEncoder", input_dim=input_dim, embd_dim=embd_dim, block=block,
        arch=arch, scale_factor=scale_factor, embd_kernel_size=embd_kernel_size,
        embd_with_ln=embd_with_ln, block_overrides=overrides, use_abs_pe=use_abs_pe,
        max_len=max_len,
    )
