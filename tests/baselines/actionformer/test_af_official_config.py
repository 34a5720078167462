"""``from_official_config``: official keys and defaults, refused options, derived numbers."""

from __future__ import annotations

import pytest

from baselines.actionformer import ActionFormer, from_official_config
from harness.errors import ConfigError

SMALL = dict(input_dim=8, num_classes=3, max_seq_len=64, backbone_arch=(2, 2, 3),
             regression_range=[(0, 4), (4, 8), (8, 16), (16, 10000)], n_mha_win_size=9,
             embd_dim=16, fpn_dim=16, head_dim=16)


def test_thumos_config_numbers(thumos_model, thumos_official_cfg):
    assert isinstance(thumos_model, ActionFormer)
    assert thumos_model.max_div_factor == 576 and thumos_model.strides == [1, 2, 4, 8, 16, 32]
    assert thumos_model.test_settings.pre_nms_topk == 2000
    assert thumos_model.test_settings.max_seg_num == 200
    assert thumos_model.test_settings.voting_weight == "score_iou"
    assert thumos_model.loss_normalizer.value == 100.0
    assert [blk.attn.overlap for blk in thumos_model.backbone.stem] == [9, 9]


def test_missing_keys_take_official_defaults():
    model = from_official_config(SMALL)
    assert model.train_settings.init_loss_norm == 2000
    assert model.test_settings.pre_nms_topk == 5000 and model.test_settings.min_score == 0.01
    assert model.test_settings.voting_thresh == 0.75
    assert model.official_train_cfg["droppath"] == 0.1
    assert model.max_div_factor == 64


def test_window_list_and_global_levels():
    model = from_official_config({**SMALL, "n_mha_win_size": [9, 9, 9, -1]})
    assert model.backbone.branch[-1].attn.overlap == 0  # global attention
    assert model.max_div_factor == 32  # max(1·8, 2·8, 4·8, 8)


@pytest.mark.parametrize(
    "bad",
    [
        {"no_such_key": 1},
        {"input_dim": None},
        {"backbone_type": "conv"},
        {"fpn_type": "fpn"},
        {"use_rel_pe": True},
        {"n_mha_win_size": [9, 9]},
        {"max_seq_len": 96},
        {"regression_range": [(0, 4)]},
        {"train_cfg": {"bogus": 1}},
        {"test_cfg": {"nms": "soft"}},
    ],
)
def test_refused_configs(bad):
    with pytest.raises(ConfigError):
        from_official_config({**SMALL, **bad})
