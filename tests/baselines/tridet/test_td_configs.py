"""TriDet configs: bases equal the official THUMOS config, leaves carry the models.md §6 recipe
and the TriDet data switches, the weight-decay split, and the tiny model runs under mmengine."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from harness.optim import DecaySplitRules, split_decay_parameters
from harness.registry import MODELS

ROOT = Path(__file__).resolve().parents[3]
CONFIGS = ROOT / "harness" / "configs"
DATASET_KEYS = {"input_dim", "num_classes", "max_seq_len"}
LEAVES = ("thumos14_i3d", "thumos14_videomaev2", "thumos14_internvideo2_6b", "multithumos_i3d_rgb",
          "multithumos_i3d", "multithumos_videomaev2", "epic100_verb_slowfast",
          "epic100_noun_slowfast", "anet13_tsp", "hacs_i3d", "hacs_slowfast", "synthetic_thumos_like",
          "synthetic_anet_like", "synthetic_multithumos_like", "synthetic_thumos14_timeline")

# models.md §6 (TriDet table + harness choices): lr, wd, warm-up, total epochs, eta_min, clip,
# window, k, bins, IoU power, noise, init_conv_vars, mlp, top-k / max segments, sigma, per-class
RECIPES = {
    "thumos14_i3d": (1e-4, 0.025, 20, 40, 1e-8, 1.0, 1, 5, 16, 0.2, 5e-4, 0, 768, 2000, 2000, 0.5, True),
    "thumos14_videomaev2": (1e-4, 0.025, 20, 40, 1e-8, 1.0, 1, 2.5, 16, 0.2, 5e-4, 0, 768, 2000, 2000, 0.5, True),
    "thumos14_internvideo2_6b": (1e-4, 0.025, 20, 40, 1e-8, 1.0, 1, 5, 16, 0.2, 5e-4, 0, 768, 2000, 2000, 0.5, True),
    "multithumos_i3d_rgb": (1e-4, 0.025, 20, 46, 1e-8, 1.0, 1, 5, 16, 0.2, 5e-4, 0, 768, 8000, 8000, 0.5, True),
    "multithumos_i3d": (1e-4, 0.025, 20, 46, 1e-8, 1.0, 1, 5, 16, 0.2, 5e-4, 0, 768, 8000, 8000, 0.5, True),
    "multithumos_videomaev2": (1e-4, 0.025, 20, 48, 1e-8, 1.0, 1, 1.5, 16, 0.2, 5e-4, 0, 768, 8000, 8000, 0.5, True),
    "epic100_verb_slowfast": (1e-4, 0.05, 5, 27, 5e-5, 1.0, 5, 2, 16, 0.25, 0, 0, 1024, 5000, 2000, 0.4, True),
    "epic100_noun_slowfast": (1e-4, 0.05, 5, 19, 1e-8, 1.0, 1, 4, 16, 0.25, 0, 0, 1024, 5000, 2000, 0.4, True),
    "anet13_tsp": (1e-3, 0.04, 10, 15, 5e-5, 0.4, 15, 1.3, 12, 1.0, 0.5, 0.2, 2048, 2000, 200, 0.7, False),
    "hacs_i3d": (1e-3, 0.03, 10, 13, 2e-4, 1.0, 15, 1.2, 12, 1.0, 0, 0.1, 1024, 2000, 250, 0.75, True),
    "hacs_slowfast": (1e-3, 0.03, 7, 11, 5e-4, 0.5, 3, 1.2, 14, 1.0, 0.2, 0.1, 1024, 2000, 250, 0.75, True),
}


def _load(path: Path) -> Config:
    return Config.fromfile(str(path))


@pytest.mark.parametrize("name", ["tridet", "tridet_tiny"])
def test_model_bases_leave_only_dataset_numbers_unset(name):
    model = _load(CONFIGS / "_base_" / "models" / f"{name}.py").model
    assert model.type == "TriDet"
    assert {k for k, v in model.items() if v is None} == DATASET_KEYS


def _as_lists(v):
    return [_as_lists(x) for x in v] if isinstance(v, (list, tuple)) else v


def test_thumos_base_equals_official_thumos_config(td_thumos_cfg):
    model = _load(CONFIGS / "_base_" / "models" / "tridet.py").model.to_dict()
    model.pop("type")
    assert set(model) == set(td_thumos_cfg)
    for key, value in td_thumos_cfg.items():
        if key in DATASET_KEYS:
            continue
        if isinstance(value, dict):
            assert model[key] == value, key
        else:
            assert _as_lists(model[key]) == _as_lists(value), key


def test_all_leaves_exist():
    assert {p.stem for p in (CONFIGS / "tridet").glob("*.py")} == set(LEAVES)


@pytest.mark.parametrize("leaf", sorted(RECIPES))
def test_leaf_recipe(leaf):
    cfg = _load(CONFIGS / "tridet" / f"{leaf}.py")
    (lr, wd, warmup, total, eta_min, clip, win, k, nb, iou_p, noise, icv, mlp, topk, max_seg,
     sigma, per_class) = RECIPES[leaf]
    opt, sched, m = cfg.optim_wrapper.optimizer, cfg.param_scheduler, cfg.model
    assert (opt.lr, opt.weight_decay, cfg.optim_wrapper.clip_grad.max_norm) == (lr, wd, clip)
    assert (sched.warmup, sched.end, cfg.train_cfg.max_epochs, sched.eta_min) == (
        warmup, total, total, eta_min)
    assert (m.n_sgp_win_size, m.k, m.num_bins, m.iou_weight_power, m.input_noise) == (
        win, k, nb, iou_p, noise)
    assert (m.init_conv_vars, m.sgp_mlp_dim, m.train_cfg.clip_grad_l2norm) == (icv, mlp, clip)
    t = m.test_cfg
    assert (t.pre_nms_topk, t.max_seg_num, t.nms_sigma, t.multiclass_nms) == (
        topk, max_seg, sigma, per_class)
    assert cfg.train_dataloader.batch_size == (16 if leaf.startswith(("anet", "hacs")) else 2)


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaf_uses_the_tridet_data_path(leaf):
    cfg = _load(CONFIGS / "tridet" / f"{leaf}.py")
    train = cfg.train_dataloader.dataset
    assert train.widen_by_offset is False and train.grid_rule == "tridet"
    assert cfg.val_dataloader.dataset.grid_rule == cfg.test_dataloader.dataset.grid_rule == "tridet"
    assert train.get("resize_length") is None  # TriDet never resizes to a fixed length
    if "anet" in leaf or "hacs" in leaf:
        assert train.train_gt_filter == "tridet"


def test_weight_decay_split_is_the_official_one(td_thumos_model):
    decay, no_decay = split_decay_parameters(td_thumos_model, DecaySplitRules())
    assert len(decay) + len(no_decay) == len(list(td_thumos_model.parameters()))
    for conv in ("psi", "fc", "convw", "convkw", "global_fc", "mlp.0", "mlp.2"):
        assert f"backbone.branch.2.{conv}.weight" in decay
        assert f"backbone.branch.2.{conv}.bias" in no_decay
    for name in ("backbone.stem.0.gn.weight", "backbone.stem.0.ln.weight",
                 "backbone.branch.0.drop_path_out.scale", "reg_head.scale.3.scale",
                 "start_head.norm.0.weight", "cls_head.cls_head.conv.bias"):
        assert name in no_decay, name
    assert "end_head.head.1.conv.weight" in decay and "backbone.embd.0.conv.weight" in decay


def test_avg_downsample_conv_is_decayed():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        _load(CONFIGS / "_base_" / "models" / "tridet_tiny.py").model,
        input_dim=8, num_classes=3, max_seq_len=64, downsample_type="avg"))
    decay, _ = split_decay_parameters(model, DecaySplitRules())
    assert "backbone.branch.0.downsample.1.weight" in decay


def test_tiny_trains_and_predicts_through_mmengine():
    cfg = _load(CONFIGS / "_base_" / "models" / "tridet_tiny.py").model
    cfg.update(input_dim=16, num_classes=4, max_seq_len=128)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    assert sum(p.numel() for p in model.parameters()) < 200_000
    x = torch.randn(2, 16, 100)
    masks = (torch.arange(100)[None] < torch.tensor([100, 70])[:, None])[:, None]
    samples = [
        dict(segments=torch.tensor([[10.0, 30.0]]), labels=torch.tensor([1]), video_id="v0",
             fps=30.0, duration=14.0, feat_stride=4, feat_num_frames=16),
        dict(segments=torch.tensor([[5.0, 9.0], [40.0, 60.0]]), labels=torch.tensor([0, 3]),
             video_id="v1", fps=30.0, duration=10.0, feat_stride=4, feat_num_frames=16),
    ]
    data = dict(inputs=x, masks=masks, data_samples=samples)
    wrapper = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-3))
    before = model.start_head.cls_head.conv.weight.detach().clone()
    log_vars = model.train_step(data, wrapper)
    assert {"loss", "loss_cls", "loss_reg", "num_pos"} <= set(log_vars)
    assert not torch.equal(before, model.start_head.cls_head.conv.weight)
    preds = model.val_step(data)
    assert [p["video_id"] for p in preds] == ["v0", "v1"]
    for p, duration in zip(preds, (14.0, 10.0)):
        assert p["segments"].shape[1] == 2 and len(p["scores"]) <= 2000
        assert (p["segments"] >= 0).all() and (p["segments"] <= duration).all()
