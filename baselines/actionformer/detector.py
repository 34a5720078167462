"""ActionFormer (official ``LocPointTransformer``) on the dense detector template."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from baselines.actionformer.official_config import MODEL_DEFAULTS, check_official_model
from harness.errors import ConfigError
from harness.registry import MODELS
from models.detectors.dense_detector import DenseDetector
from models.detectors.official_cfg import (
    TEST_DEFAULTS,
    TRAIN_DEFAULTS,
    dense_test_cfg,
    dense_train_cfg,
    merge_section,
    per_level,
)
from models.detectors.padding import actionformer_div_factor


@MODELS.register_module()
class ActionFormer(DenseDetector):
    """ActionFormer with the official hyper-parameter names (happyharrycn/actionformer_release).

    Module names give the official state-dict layout (``backbone``, ``neck``, ``cls_head``,
    ``reg_head``), so an official checkpoint's ``state_dict_ema`` (``module.`` stripped) loads
    directly. Defaults are the official ``DEFAULTS``; ``train_cfg``/``test_cfg`` are merged over
    the official defaults. ``clip_grad_l2norm`` belongs to the optimiser and
    ``ext_score_file`` to the score-fusion step; the model ignores both.
    """

    def __init__(
        self,
        *,
        input_dim: int,
        num_classes: int,
        max_seq_len: int,
        backbone_type: str = MODEL_DEFAULTS["backbone_type"],
        fpn_type: str = MODEL_DEFAULTS["fpn_type"],
        backbone_arch: Sequence[int] = MODEL_DEFAULTS["backbone_arch"],
        scale_factor: int = MODEL_DEFAULTS["scale_factor"],
        regression_range: Sequence[Sequence[float]] = MODEL_DEFAULTS["regression_range"],
        n_head: int = MODEL_DEFAULTS["n_head"],
        n_mha_win_size: int | Sequence[int] = MODEL_DEFAULTS["n_mha_win_size"],
        embd_kernel_size: int = MODEL_DEFAULTS["embd_kernel_size"],
        embd_dim: int = MODEL_DEFAULTS["embd_dim"],
        embd_with_ln: bool = MODEL_DEFAULTS["embd_with_ln"],
        fpn_dim: int = MODEL_DEFAULTS["fpn_dim"],
        fpn_with_ln: bool = MODEL_DEFAULTS["fpn_with_ln"],
        fpn_start_level: int = MODEL_DEFAULTS["fpn_start_level"],
        head_dim: int = MODEL_DEFAULTS["head_dim"],
        head_kernel_size: int = MODEL_DEFAULTS["head_kernel_size"],
        head_num_layers: int = MODEL_DEFAULTS["head_num_layers"],
        head_with_ln: bool = MODEL_DEFAULTS["head_with_ln"],
        max_buffer_len_factor: float = MODEL_DEFAULTS["max_buffer_len_factor"],
        use_abs_pe: bool = MODEL_DEFAULTS["use_abs_pe"],
        use_rel_pe: bool = MODEL_DEFAULTS["use_rel_pe"],
        train_cfg: Mapping[str, Any] | None = None,
        test_cfg: Mapping[str, Any] | None = None,
        attn_block: int | None = None,
        data_preprocessor: Mapping[str, Any] | None = None,
        init_cfg: Mapping[str, Any] | None = None,
    ) -> None:
        check_official_model(dict(
            input_dim=input_dim, num_classes=num_classes, max_seq_len=max_seq_len,
            backbone_type=backbone_type, fpn_type=fpn_type, use_rel_pe=use_rel_pe,
            embd_dim=embd_dim,
        ))
        train = merge_section(train_cfg, TRAIN_DEFAULTS, "ActionFormer train_cfg")
        test = merge_section(test_cfg, TEST_DEFAULTS, "ActionFormer test_cfg")
        arch = [int(a) for a in backbone_arch]
        num_levels = arch[-1] + 1
        strides = [scale_factor**i for i in range(fpn_start_level, num_levels)]
        if len(strides) != len(regression_range):
            raise ConfigError(
                f"ActionFormer: {len(strides)} pyramid levels but "
                f"{len(regression_range)} regression ranges"
            )
        windows = per_level(n_mha_win_size, num_levels, "ActionFormer n_mha_win_size")
        div = actionformer_div_factor([scale_factor**i for i in range(num_levels)], windows)
        if max_seq_len % div != 0:
            raise ConfigError(
                f"ActionFormer: max_seq_len {max_seq_len} must be divisible by {div} "
                "(level strides × windows)"
            )
        head = dict(input_dim=fpn_dim, feat_dim=head_dim, num_layers=head_num_layers,
                    kernel_size=head_kernel_size, with_ln=head_with_ln)
        super().__init__(
            backbone=_encoder_cfg(
                input_dim=input_dim, embd_dim=embd_dim, arch=arch, scale_factor=scale_factor,
                embd_kernel_size=embd_kernel_size, embd_with_ln=embd_with_ln, n_head=n_head,
                windows=windows, train=train, use_abs_pe=use_abs_pe, max_len=max_seq_len,
                attn_block=attn_block,
            ),
            neck=dict(
                type="IdentityNeck1d", in_channels=[embd_dim] * num_levels,
                out_channels=fpn_dim, start_level=fpn_start_level, with_ln=fpn_with_ln,
            ),
            cls_head=dict(
                type="ClsHead", num_classes=num_classes, prior_prob=train["cls_prior_prob"],
                empty_cls=list(train["head_empty_cls"]), **head,
            ),
            reg_head=dict(type="RegHead", num_levels=len(strides), out_channels=2, **head),
            assigner=dict(
                type="CenterSamplingAssigner", num_classes=num_classes,
                center_sample=train["center_sample"],
                center_sample_radius=train["center_sample_radius"],
            ),
            cls_loss=dict(type="SigmoidFocalLoss", alpha=0.25, gamma=2.0, reduction="sum"),
            reg_loss=dict(type="DIoULoss1d", reduction="sum"),
            num_classes=num_classes, max_seq_len=max_seq_len, max_div_factor=div,
            strides=strides, regression_range=regression_range,
            max_buffer_len_factor=max_buffer_len_factor,
            train_cfg=dense_train_cfg(train),
            test_cfg=dense_test_cfg(test, voting_weight="score_iou"),
            data_preprocessor=data_preprocessor, init_cfg=init_cfg,
        )
        self.official_train_cfg = train
        self.official_test_cfg = test


def _encoder_cfg(
    *, input_dim: int, embd_dim: int, arch: list[int], scale_factor: int,
    embd_kernel_size: int, embd_with_ln: bool, n_head: int, windows: list[int],
    train: Mapping[str, Any], use_abs_pe: bool, max_len: int, attn_block: int | None,
) -> dict[str, Any]:
    """The TemporalPyramidEncoder config: TransformerBlocks, window per level."""
    block = dict(
        type="TransformerBlock", n_head=n_head, attn_pdrop=0.0, proj_pdrop=train["dropout"],
        path_pdrop=train["droppath"], attn_block=attn_block,
    )
    overrides = [dict(window_size=windows[0])] * arch[1] + [
        dict(window_size=windows[1 + i]) for i in range(arch[2])
    ]
    return dict(
        type="TemporalPyramidEncoder", input_dim=input_dim, embd_dim=embd_dim, block=block,
        arch=arch, scale_factor=scale_factor, embd_kernel_size=embd_kernel_size,
        embd_with_ln=embd_with_ln, block_overrides=overrides, use_abs_pe=use_abs_pe,
        max_len=max_len,
    )


def from_official_config(cfg: Mapping[str, Any]) -> ActionFormer:
    """Build ActionFormer from the official YAML ``model`` section (after ``load_config``).

    Args:
        cfg: keys as in the official config (``backbone_arch``, ``n_mha_win_size``, …,
            ``input_dim``, ``num_classes``, ``max_seq_len``, ``train_cfg``, ``test_cfg``);
            missing keys take the official defaults.

    Returns:
        the model (official initialisation; train mode).

    Raises:
        ConfigError: unknown/missing keys or an unimplemented option.
    """
    full = check_official_model(cfg)
    return ActionFormer(**full)
