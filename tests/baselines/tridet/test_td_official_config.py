"""``from_official_config``: official keys and defaults, refused options, derived numbers."""

from __future__ import annotations

import pytest
import torch

from baselines.tridet import TriDet, from_official_config
from harness.errors import ConfigError

SMALL = dict(input_dim=8, num_classes=3, max_seq_len=64, sgp_mlp_dim=24, backbone_arch=(2, 2, 3),
             regression_range=[(0, 4), (4, 8), (8, 16), (16, 10000)], n_sgp_win_size=5,
             embd_dim=16, fpn_dim=16, head_dim=16)


def test_thumos_config_numbers(td_thumos_model):
    m = td_thumos_model
    assert isinstance(m, TriDet)
    assert m.max_div_factor == 32 and m.strides == [1, 2, 4, 8, 16, 32]  # w = 1: max stride
    assert m.num_bins == 16 and m.input_noise == 0.0005
    assert m.cls_loss.iou_weight_power == 0.2
    assert m.test_settings.pre_nms_topk == 2000 and m.test_settings.max_seg_num == 2000
    assert m.test_settings.voting_weight == "score"  # TriDet voting: no IoU factor
    assert m.loss_normalizer.value == 100.0
    assert [b.convkw.kernel_size[0] for b in m.backbone.branch] == [11] * 5


def test_missing_keys_take_official_defaults():
    model = from_official_config(SMALL)
    assert model.train_settings.init_loss_norm == 2000
    assert model.test_settings.pre_nms_topk == 5000 and model.test_settings.min_score == 0.01
    assert model.num_bins == 16 and model.cls_loss.iou_weight_power == 1.0
    assert model.input_noise == 0.0 and model.official_train_cfg["droppath"] == 0.1
    assert model.max_div_factor == 40  # max(1·5, 2·5, 4·5, 8·5)
    assert model.backbone.branch[0].convkw.kernel_size == (9,)  # round(6·1.5) = 9


def test_anet_like_numbers():
    model = from_official_config({**SMALL, "n_sgp_win_size": 15, "k": 1.3, "num_bins": 12,
                                  "use_abs_pe": True, "init_conv_vars": 0.2})
    assert model.max_div_factor == 120
    assert model.backbone.branch[2].convkw.kernel_size == (21,)
    assert model.reg_head.offset_head.conv.out_channels == 26


def test_window_list_per_level():
    model = from_official_config({**SMALL, "n_sgp_win_size": [1, 3, 5, 7]})
    # branch block i uses the window of level i + 1; stem blocks kernel 1
    assert [b.psi.kernel_size[0] for b in model.backbone.branch] == [3, 5, 7]
    assert [b.psi.kernel_size[0] for b in model.backbone.stem] == [1, 1]
    assert model.max_div_factor == 56


def test_input_noise_only_in_training():
    model = from_official_config({**SMALL, "input_noise": 0.5})
    x = torch.zeros(1, 8, 64)
    masks = torch.ones(1, 1, 64, dtype=torch.bool)
    model.train()
    torch.manual_seed(0)
    noisy = model._forward(x, masks).inputs
    torch.manual_seed(0)
    assert torch.equal(noisy, x + torch.randn_like(x) * 0.5)
    model.eval()
    assert torch.equal(model._forward(x, masks).inputs, x)


@pytest.mark.parametrize(
    "bad",
    [
        {"no_such_key": 1},
        {"input_dim": None},
        {"sgp_mlp_dim": None},
        {"backbone_type": "conv"},
        {"fpn_type": "fpn"},
        {"use_trident_head": False},
        {"n_sgp_win_size": [5, 5]},
        {"max_seq_len": 60},
        {"regression_range": [(0, 4)]},
        {"downsample_type": "conv"},
        {"train_cfg": {"bogus": 1}},
        {"test_cfg": {"nms": "soft"}},
    ],
)
def test_refused_configs(bad):
    with pytest.raises(ConfigError) as err:
        from_official_config({**SMALL, **bad})
    assert "\n" not in str(err.value)
