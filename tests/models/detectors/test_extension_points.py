"""Template extension points used by TriDet: extra heads, loss hooks, input noise, official cfg."""

from __future__ import annotations

import pytest
import torch
from torch import Tensor

from harness.errors import ConfigError
from models.detectors.dense_detector import DenseDetector
from models.detectors.input_noise import add_input_noise
from models.detectors.official_cfg import (
    TEST_DEFAULTS,
    dense_test_cfg,
    merge_section,
    per_level,
)
from models.layers.masked_conv import MaskedConv1d


class _Block(torch.nn.Module):
    def __init__(self, *, dim: int, stride: int) -> None:
        super().__init__()
        self.conv = MaskedConv1d(dim, dim, 3, stride=stride)

    def forward(self, x, mask):
        return self.conv(x, mask)


class _Recording(DenseDetector):
    """Counts hook calls and doubles the classification loss."""

    calls: list[str]

    def regression_pairs(self, out, gt_cls, gt_offsets, pos) -> tuple[Tensor, Tensor]:
        self.calls.append("pairs")
        return super().regression_pairs(out, gt_cls, gt_offsets, pos)

    def classification_loss(self, logits, target, positive, pred_offsets, target_offsets):
        self.calls.append(f"cls {int(positive.sum())} {pred_offsets.shape[0]}")
        return 2 * super().classification_loss(logits, target, positive, pred_offsets,
                                               target_offsets)


def _detector(cls=DenseDetector, **extra):
    head = dict(input_dim=8, feat_dim=8)
    return cls(
        backbone=dict(type="TemporalPyramidEncoder", input_dim=4, embd_dim=8, block=_Block,
                      arch=(1, 0, 1)),
        neck=dict(type="IdentityNeck1d", in_channels=[8, 8], out_channels=8),
        cls_head=dict(type="ClsHead", num_classes=2, **head),
        reg_head=dict(type="RegHead", num_levels=2, **head),
        assigner=dict(type="CenterSamplingAssigner", num_classes=2),
        cls_loss=dict(type="SigmoidFocalLoss"), reg_loss=dict(type="DIoULoss1d"),
        num_classes=2, max_seq_len=16, max_div_factor=2, strides=[1, 2],
        regression_range=[(0, 4), (4, 100)], **extra,
    )


def test_extra_heads_are_registered_between_cls_and_reg_head():
    extra = {"start_head": dict(type="ClsHead", input_dim=8, feat_dim=8, num_classes=2),
             "end_head": dict(type="ClsHead", input_dim=8, feat_dim=8, num_classes=2)}
    model = _detector(extra_heads=extra)
    names = [n for n, _ in model.named_children()]
    assert names.index("cls_head") < names.index("start_head") < names.index("end_head") \
        < names.index("reg_head")
    assert any(k.startswith("end_head.cls_head.") for k in model.state_dict())


def test_loss_hooks_are_used_with_their_arguments():
    torch.manual_seed(0)
    model = _detector(_Recording)
    model.calls = []
    x, masks = torch.randn(1, 4, 16), torch.ones(1, 1, 16, dtype=torch.bool)
    sample = dict(segments=torch.tensor([[2.0, 9.0]]), labels=torch.tensor([1]))
    model.train()
    losses = model(x, masks, [sample], mode="loss")
    assert model.calls[0] == "pairs" and model.calls[1].startswith("cls ")
    n_pos, n_pairs = map(int, model.calls[1].split()[1:])
    assert n_pos == n_pairs == int(losses["num_pos"]) > 0
    plain = _detector()
    plain.load_state_dict(model.state_dict())
    plain.train()
    ref = plain(x, masks, [sample], mode="loss")
    assert torch.allclose(losses["loss_cls"], 2 * ref["loss_cls"])
    assert torch.allclose(losses["loss_reg"], ref["loss_reg"])


def test_input_noise_draws_like_the_official_code():
    x = torch.zeros(2, 3, 5)
    torch.manual_seed(3)
    noisy = add_input_noise(x, 0.5)
    torch.manual_seed(3)
    assert torch.equal(noisy, x + torch.randn_like(x) * 0.5)
    state = torch.get_rng_state()
    assert add_input_noise(x, 0.0) is x and torch.equal(state, torch.get_rng_state())


def test_official_sections():
    merged = merge_section({"pre_nms_topk": 2000}, TEST_DEFAULTS, "X test_cfg")
    assert merged["pre_nms_topk"] == 2000 and merged["min_score"] == 0.01
    with pytest.raises(ConfigError, match="X test_cfg: unknown keys"):
        merge_section({"nms": 1}, TEST_DEFAULTS, "X test_cfg")
    assert dense_test_cfg(merged, voting_weight="score")["voting_weight"] == "score"
    assert "ext_score_file" not in dense_test_cfg(merged, voting_weight="score")
    assert per_level(5, 3, "w") == [5, 5, 5] and per_level([1, 2, 3], 3, "w") == [1, 2, 3]
    with pytest.raises(ConfigError):
        per_level([1, 2], 3, "w")
