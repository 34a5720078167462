"""The DenseDetector template with a tiny conv block: modes, loss keys, predict padding."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from models.detectors.dense_detector import DenseDetector, DenseOutputs
from models.layers.masked_conv import MaskedConv1d


class ConvBlock(nn.Module):
    def __init__(self, *, dim: int, stride: int) -> None:
        super().__init__()
        self.conv = MaskedConv1d(dim, dim, 3, stride=stride)

    def forward(self, x, mask):
        out, m = self.conv(x, mask)
        return torch.relu(out), m


def _detector(**test_cfg):
    strides = [1, 2, 4]
    return DenseDetector(
        backbone=dict(type="TemporalPyramidEncoder", input_dim=6, embd_dim=8, block=ConvBlock,
                      arch=(1, 1, 2)),
        neck=dict(type="IdentityNeck1d", in_channels=[8] * 3, out_channels=8),
        cls_head=dict(type="ClsHead", input_dim=8, feat_dim=8, num_classes=3),
        reg_head=dict(type="RegHead", input_dim=8, feat_dim=8, num_levels=3),
        assigner=dict(type="CenterSamplingAssigner", num_classes=3),
        cls_loss=dict(type="SigmoidFocalLoss"), reg_loss=dict(type="DIoULoss1d"),
        num_classes=3, max_seq_len=32, max_div_factor=8, strides=strides,
        regression_range=[(0, 4), (4, 8), (8, 1000)],
        train_cfg=dict(init_loss_norm=10.0),
        test_cfg=dict(nms_method="none", **test_cfg),
    )


def _batch():
    torch.manual_seed(0)
    x = torch.randn(2, 6, 30)
    x[1, :, 20:] = 0
    masks = (torch.arange(30)[None] < torch.tensor([30, 20])[:, None])[:, None]
    samples = [
        dict(segments=torch.tensor([[3.0, 9.0], [12.0, 25.0]]), labels=torch.tensor([0, 2]),
             video_id="a", fps=30.0, duration=4.0, feat_stride=4, feat_num_frames=16),
        dict(segments=torch.tensor([[2.0, 6.0]]), labels=torch.tensor([1]),
             video_id="b", fps=30.0, duration=3.0, feat_stride=4, feat_num_frames=16),
    ]
    return x, masks, samples


def test_loss_mode_keys_and_sum():
    model = _detector()
    x, masks, samples = _batch()
    model.train()
    losses = model(x, masks, samples, mode="loss")
    assert set(losses) == {"loss_cls", "loss_reg", "num_pos"}
    assert all(v.dim() == 0 for v in losses.values())
    assert model.loss_normalizer.value != 10.0  # updated before use
    (losses["loss_cls"] + losses["loss_reg"]).backward()
    assert all(p.grad is not None for p in model.parameters())


def test_tensor_mode_pads_to_max_seq_len_in_training():
    model = _detector()
    x, masks, _ = _batch()
    model.train()
    out = model(x, masks, mode="tensor")
    assert isinstance(out, DenseOutputs) and out.inputs.shape[-1] == 32
    assert [p.shape[0] for p in out.points] == [32, 16, 8]
    assert out.masks[1, 0, 19] and not out.masks[1, 0, 20]


def test_predict_per_video_equals_single_video_and_seconds():
    model = _detector().eval()
    x, masks, samples = _batch()
    batch = model(x, masks, samples, mode="predict")
    assert [r["video_id"] for r in batch] == ["a", "b"]
    for i, res in enumerate(batch):
        n = int(masks[i].sum())
        single = model(x[i : i + 1, :, :n], masks[i : i + 1, :, :n], samples[i : i + 1],
                       mode="predict")[0]
        torch.testing.assert_close(res["scores"], single["scores"])
        torch.testing.assert_close(res["segments"], single["segments"])
        assert res["segments"].min() >= 0 and res["segments"].max() <= samples[i]["duration"]
        assert res["labels"].dtype == torch.int64


def test_predict_top_k_and_threshold():
    model = _detector(pre_nms_topk=5, pre_nms_thresh=0.0)
    model.eval()
    x, masks, samples = _batch()
    res = model(x[:1], masks[:1], samples[:1], mode="predict")[0]
    assert res["scores"].numel() <= 5 * 3  # at most top-k per level
    with pytest.raises(ValueError):
        model(x, masks, samples, mode="nonsense")


def test_loss_terms_formula_with_smoothing_and_auto_weight():
    from models.detectors.dense_detector import concat_levels
    from models.losses import ctr_diou_loss_1d, sigmoid_focal_loss

    model = _detector()
    model.train_settings = type(model.train_settings)(
        loss_weight=-1.0, label_smoothing=0.1, init_loss_norm=10.0)
    model.loss_normalizer.value = 10.0
    x, masks, samples = _batch()
    model.train()
    out = model(x, masks, mode="tensor")
    gt_cls, gt_off = model.assigner(out.points, [s["segments"] for s in samples],
                                    [s["labels"] for s in samples])
    terms = model.loss_terms(out, gt_cls, gt_off)
    norm = 0.9 * 10.0 + 0.1 * max(terms.num_pos, 1)
    assert terms.normalizers == (pytest.approx(norm),)
    valid, pos = terms.valid_mask, terms.pos_mask
    target = gt_cls[valid] * 0.9 + 0.1 / 4
    cls = sigmoid_focal_loss(concat_levels(out.cls_logits)[valid], target, reduction="sum") / norm
    reg = ctr_diou_loss_1d(concat_levels(out.reg_offsets)[pos], gt_off[pos], reduction="sum") / norm
    torch.testing.assert_close(terms.cls_loss, cls)
    torch.testing.assert_close(terms.reg_loss, reg)
    weight = cls.detach() / max(reg.item(), 0.01)
    torch.testing.assert_close(terms.final_loss, cls + reg * weight)
