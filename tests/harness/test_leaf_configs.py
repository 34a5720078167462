"""Every leaf config builds: two-level layering (one group base: CLTDR's synthetic settings), no
None left, valid dataset and evaluator sections, model + optimiser (tiny models on CPU,
official-size ones on the meta device)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "harness" / "configs"
LEAVES = sorted(p for p in CONFIGS.glob("*/*.py") if p.parent.name != "_base_")
BASE_KINDS = ("default_runtime.py", "schedules/", "datasets/", "models/")
SYNTHETIC_SCHEDULE = "../_base_/schedules/synthetic_7e.py"
GROUP_BASE = "../_base_/cltdr_synthetic.py"  # the one base with bases (runtime, schedule, model)
SYNTHETIC_EMA_DECAY = 0.98  # see the synthetic schedule's comment
LOADERS = ("train_dataloader", "val_dataloader", "test_dataloader")


def _ids(paths):
    return [f"{p.parent.name}/{p.stem}" for p in paths]


def _base_list(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_base_" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return []


def _nones(node, path=""):
    if node is None:
        yield path
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _nones(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _nones(v, f"{path}.{i}")


def _accepted_keys(cls) -> set[str]:
    """Keyword names a registered class's constructor accepts, following ``**kwargs`` that are
    passed through to a base class (SyntheticTALDataset -> FeatureTALDataset)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        params = inspect.signature(klass.__init__).parameters.values()
        names |= {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names - {"self"}
    return names - {"self"}


# keys whose None means something (not an unfilled placeholder): no checkpoint to load, the
# seed comes from the command line, no score fusion, all channels, fps from the annotations
ALLOWED_NONE = {"load_from", "randomness.seed"}
ALLOWED_NONE_SUFFIXES = (".ext_score_file", ".channels", ".default_fps")


def test_the_expected_actionformer_leaves_exist():
    names = {p.stem for p in CONFIGS.joinpath("actionformer").glob("*.py")}
    assert names >= {
        "thumos14_i3d", "thumos14_videomaev2", "thumos14_internvideo2_6b", "anet13_tsp",
        "epic100_verb_slowfast", "epic100_noun_slowfast", "synthetic_thumos_like",
        "synthetic_anet_like", "synthetic_multithumos_like",
    }


@pytest.mark.parametrize("leaf", LEAVES, ids=_ids(LEAVES))
def test_leaf_layering_is_two_levels(leaf):
    bases = _base_list(leaf)
    if bases and bases[0] == GROUP_BASE:  # the CLTDR synthetic group: its 3 bases + a dataset
        group = [f"../_base_/{b.removeprefix('./')}"
                 for b in _base_list(CONFIGS / "_base_" / Path(GROUP_BASE).name)]
        bases = [*group[:2], *bases[1:], *group[2:]]
        assert leaf.parent.name == "cltdr_gmg" and leaf.stem.startswith("synthetic_")
    assert len(bases) == 4, bases
    for base, kind in zip(bases, BASE_KINDS):
        assert base.startswith("../_base_/") and kind in base, (base, kind)
        assert not _base_list((leaf.parent / base).resolve()), f"{base} has bases of its own"
    # the three methods share one synthetic schedule (recipes differ by a few leaf keys only)
    assert (bases[1] == SYNTHETIC_SCHEDULE) == leaf.stem.startswith("synthetic_")


def test_default_scope_is_set_once():
    setters = [p for p in CONFIGS.rglob("*.py") if "default_scope" in p.read_text()]
    assert setters == [CONFIGS / "_base_" / "default_runtime.py"]


def _check_sections(cfg) -> None:
    """Dataset and evaluator sections: registered types, every key known to the constructor."""
    from harness.registry import DATASETS, METRICS

    for loader in LOADERS:
        ds = cfg[loader].dataset
        cls = DATASETS.get(ds.type)
        assert cls is not None, (loader, ds.type)
        unknown = set(ds) - {"type"} - _accepted_keys(cls)
        assert not unknown, (loader, sorted(unknown))
        assert ds.num_classes == cfg.num_classes and ds.input_dim == cfg.input_dim, loader
    assert cfg.train_dataloader.dataset.max_seq_len == cfg.max_seq_len
    for key in ("val_evaluator", "test_evaluator"):
        metric = cfg[key]
        cls = METRICS.get(metric.type)
        assert cls is not None, metric.type
        assert not set(metric) - {"type"} - _accepted_keys(cls), key


@pytest.mark.parametrize("leaf", LEAVES, ids=_ids(LEAVES))
def test_leaf_builds(leaf):
    import torch
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from harness.optim import DecayWhitelistOptimWrapperConstructor
    from harness.registry import MODELS

    cfg = Config.fromfile(str(leaf))
    unfilled = [
        p for p in _nones(cfg.to_dict())
        if p not in ALLOWED_NONE and not p.endswith(ALLOWED_NONE_SUFFIXES)
    ]
    assert not unfilled, unfilled
    # the model base's dataset numbers are those of the dataset base
    for key in ("num_classes", "input_dim", "max_seq_len"):
        assert cfg.model[key] == cfg[key], key
    # explicit scheduler end = training length (resume never freezes the schedule)
    assert cfg.param_scheduler.type == "WarmupCosineLR"
    assert cfg.param_scheduler.end == cfg.train_cfg.max_epochs
    assert cfg.train_cfg.type == "TALTrainLoop"
    synthetic = leaf.stem.startswith("synthetic_")
    # the test curve: every synthetic run, and CLTDR-GMG's official per-epoch test evaluation
    assert cfg.train_cfg.record_test_curve == (synthetic or leaf.parent.name == "cltdr_gmg")
    # official EMA decay, except the short synthetic schedule (see its comment)
    assert cfg.default_hooks.ema.decay == (SYNTHETIC_EMA_DECAY if synthetic else 0.999)
    assert cfg.optim_wrapper.clip_grad.max_norm == cfg.model.train_cfg.clip_grad_l2norm
    _check_sections(cfg)
    with DefaultScope.overwrite_default_scope("harness"), torch.device("cpu" if synthetic else "meta"):
        model = MODELS.build(cfg.model)
        wrapper_cfg = dict(cfg.optim_wrapper)
        ctor = DecayWhitelistOptimWrapperConstructor(
            optim_wrapper_cfg={k: v for k, v in wrapper_cfg.items() if k not in ("constructor", "paramwise_cfg")},
            paramwise_cfg=wrapper_cfg.get("paramwise_cfg"),
        )
        wrapper = ctor(model)  # every parameter in exactly one weight-decay group
    n_params = sum(len(g["params"]) for g in wrapper.optimizer.param_groups)
    assert n_params == len(list(model.parameters()))


def test_official_thumos_model_size():
    import torch
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from harness.registry import MODELS

    cfg = Config.fromfile(str(CONFIGS / "actionformer" / "thumos14_i3d.py"))
    with DefaultScope.overwrite_default_scope("harness"), torch.device("meta"):
        model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) == 29_251_612  # reference §A


# ---- CLTDR-GMG: the official recipes (models.md §6, LiQiang0307/CLTDR-GMG configs/*.yaml) ----

CLTDR = CONFIGS / "cltdr_gmg"
CLTDR_STEMS = {
    "thumos14_i3d", "thumos14_videomaev2", "thumos14_internvideo2_6b", "multithumos_i3d_rgb",
    "multithumos_i3d", "multithumos_videomaev2", "epic100_verb_slowfast", "epic100_noun_slowfast",
    "anet13_tsp", "hacs_i3d", "hacs_slowfast", "synthetic_thumos_like", "synthetic_anet_like",
    "synthetic_multithumos_like", "synthetic_thumos14_timeline",
}
_T, _E, _H = (512, 512, 512), (256, 256, 512), (1024, 1024, 1024)
# lr, wd, warm-up, total epochs, eta_min, clip, arch, window, dims (embd, fpn, head), mlp, k,
# bins, IoU power, noise, init_conv_vars, batch, init_loss_norm, label smoothing, pre loss,
# top-k / max segments, sigma, per-class NMS
CLTDR_RECIPES = {
    "thumos14_i3d": (1e-4, 0.035, 20, 40, 1e-8, 1.0, (2, 2, 5), 1, _T, 768, 5, 16, 0.2, 0.05, 0, 2, 100, 0.0, "focal", 2000, 2000, 0.5, True),
    "thumos14_videomaev2": (1e-4, 0.055, 30, 62, 1e-8, 1.0, (2, 2, 5), 1, _T, 768, 2.5, 16, 0.2, 5e-4, 0, 2, 100, 0.0, "focal", 2000, 2000, 0.5, True),
    "thumos14_internvideo2_6b": (1e-4, 0.05, 32, 57, 1e-8, 1.0, (2, 2, 5), 1, _T, 768, 1.5, 16, 0.25, 5e-4, 0, 2, 100, 0.0, "varifocal", 2000, 2000, 0.5, True),
    "multithumos_i3d_rgb": (1.5e-4, 0.03, 25, 60, 1e-8, 1.0, (2, 2, 5), 1, _T, 768, 5, 16, 0.2, 5e-4, 0, 2, 100, 0.0, "focal", 8000, 8000, 0.5, True),
    "multithumos_i3d": (1.5e-4, 0.03, 25, 60, 1e-8, 1.0, (2, 2, 5), 1, _T, 1024, 5, 16, 0.2, 5e-4, 0, 2, 100, 0.0, "focal", 8000, 8000, 0.5, True),
    "multithumos_videomaev2": (1.5e-4, 0.03, 25, 60, 1e-8, 1.0, (2, 2, 5), 1, _T, 1024, 1.5, 16, 0.25, 0.05, 0, 2, 100, 0.0, "varifocal", 2000, 2000, 0.5, True),
    "epic100_verb_slowfast": (1e-4, 0.04, 16, 28, 5e-5, 1.0, (2, 2, 5), 5, _T, 768, 2, 16, 0.25, 3e-4, 0, 2, 250, 0.0, "varifocal", 5000, 2000, 0.4, True),
    "epic100_noun_slowfast": (1e-4, 0.05, 10, 25, 5e-5, 1.0, (2, 2, 5), 5, _T, 1024, 4, 16, 0.25, 1e-4, 0, 2, 250, 0.0, "focal", 5000, 2000, 0.4, True),
    "anet13_tsp": (1e-3, 0.045, 10, 15, 2e-5, 0.4, (2, 2, 5), 15, _E, 2048, 1.3, 12, 1.0, 0.5, 0.2, 16, 400, 0.1, "focal", 2000, 200, 0.7, False),
    "hacs_i3d": (1e-3, 0.03, 12, 17, 1e-4, 1.0, (2, 2, 6), 15, _H, 1024, 1.2, 12, 1.0, 0.0, 0.1, 16, 400, 0.1, "focal", 2000, 250, 0.75, True),
    "hacs_slowfast": (1e-3, 0.03, 10, 15, 2e-4, 0.5, (2, 2, 6), 3, _H, 1024, 1.2, 14, 1.0, 0.2, 0.1, 16, 400, 0.1, "focal", 2000, 250, 0.75, True),
}
# synthetic leaves: the recipe they scale down (weight decay, clip, noise, IoU power, window,
# bins, init_conv_vars, pre loss, top-k / max segments, sigma, per-class NMS)
CLTDR_SYNTHETIC = {
    "synthetic_thumos_like": (0.035, 1.0, 0.05, 0.2, 1, 16, 0, "focal", 2000, 2000, 0.5, True),
    "synthetic_thumos14_timeline": (0.035, 1.0, 0.05, 0.2, 1, 16, 0, "focal", 2000, 2000, 0.5, True),
    "synthetic_multithumos_like": (0.03, 1.0, 5e-4, 0.2, 1, 16, 0, "focal", 8000, 8000, 0.5, True),
    "synthetic_anet_like": (0.045, 0.4, 0.5, 1.0, 15, 12, 0.2, "focal", 2000, 200, 0.7, False),
}
OFFICIAL_SWITCHES = dict(
    gmg=dict(branches=("instant", "local", "global"), gate=True, gate_act="identity",
             global_extractor="fft", n_head=4),
    cltdr=dict(cls_sources=("l", "l+1"), reg_sources=("l", "l-1"), fusion="attention",
               refine=("cls", "reg"), loss_mix=(0.7, 0.3)),
    refined_cls_loss="varifocal", loss_norm_updates_per_iter=2,
)


def _cfg(path: Path):
    from mmengine.config import Config

    return Config.fromfile(str(path))


def _plain(v):
    """Lists -> tuples, recursively (YAML/JSON lists vs config tuples)."""
    if isinstance(v, (list, tuple)):
        return tuple(_plain(x) for x in v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def test_every_cltdr_stem_has_a_leaf():
    """The ablation variants are no files (harness/experiments/variants.py)."""
    assert {p.stem for p in CLTDR.glob("*.py")} == CLTDR_STEMS
    assert set(CLTDR_RECIPES) | set(CLTDR_SYNTHETIC) == CLTDR_STEMS


@pytest.mark.parametrize("name", ["cltdr_gmg", "cltdr_gmg_tiny"])
def test_cltdr_model_bases(name):
    base = _cfg(CONFIGS / "_base_" / "models" / f"{name}.py").model
    assert base.type == "CLTDRGMG" and base.pre_cls_loss == "focal"
    assert {k for k, v in base.items() if v is None} == {"input_dim", "num_classes", "max_seq_len"}
    for key, value in OFFICIAL_SWITCHES.items():
        assert _plain(base[key]) == _plain(value), key
    # the tiny model is the official structure shrunk: only sizes differ
    full = _cfg(CONFIGS / "_base_" / "models" / "cltdr_gmg.py").model.to_dict()
    diff = {k for k, v in base.to_dict().items() if _plain(full[k]) != _plain(v)}
    assert diff <= {"backbone_arch", "regression_range", "embd_dim", "fpn_dim", "head_dim", "sgp_mlp_dim"}


def test_cltdr_thumos_leaf_is_the_official_config(golden):
    """thumos14_i3d equals the reference's model config (thumos_i3d_focalloss.yaml) key by key
    and builds the reference's 21,908,390 parameters with its per-module breakdown."""
    import json

    import torch
    from mmengine.registry import DefaultScope

    from harness.registry import MODELS
    from models.cltdr_gmg import parameter_counts

    ref = json.loads((golden / "cltdr_gmg_thumos_i3d.model_config.json").read_text())
    model = _cfg(CLTDR / "thumos14_i3d.py").model
    official = dict(ref["model"], train_cfg=ref["train_cfg"], test_cfg=ref["test_cfg"])
    assert set(model) - set(official) == {"type", *OFFICIAL_SWITCHES, "pre_cls_loss"}
    for key, value in official.items():
        assert _plain(model[key]) == _plain(value), key
    with DefaultScope.overwrite_default_scope("harness"), torch.device("meta"):
        counts = parameter_counts(MODELS.build(model))
        iv2 = parameter_counts(MODELS.build(_cfg(CLTDR / "thumos14_internvideo2_6b.py").model))
    expected = {k: v for k, v in ref["num_parameters_per_module"].items() if v}
    assert counts == {"total": ref["num_parameters"], **expected}
    assert (iv2["total"], iv2["backbone"]) == (23_677_862, 11_280_128)  # reference README §D.1


@pytest.mark.parametrize("leaf", sorted(CLTDR_RECIPES))
def test_cltdr_leaf_recipe(leaf):
    cfg = _cfg(CLTDR / f"{leaf}.py")
    (lr, wd, warmup, total, eta_min, clip, arch, win, dims, mlp, k, nb, iou_p, noise, icv, batch,
     norm0, ls, pre_loss, topk, max_seg, sigma, per_class) = CLTDR_RECIPES[leaf]
    opt, sched, m, t = cfg.optim_wrapper.optimizer, cfg.param_scheduler, cfg.model, cfg.model.test_cfg
    assert (opt.lr, opt.weight_decay, cfg.optim_wrapper.clip_grad.max_norm) == (lr, wd, clip)
    assert (sched.warmup, sched.end, cfg.train_cfg.max_epochs, sched.eta_min) == (warmup, total, total, eta_min)
    assert (tuple(m.backbone_arch), m.n_sgp_win_size, (m.embd_dim, m.fpn_dim, m.head_dim)) == (arch, win, dims)
    assert (m.sgp_mlp_dim, m.k, m.num_bins, m.iou_weight_power, m.input_noise, m.init_conv_vars) == (
        mlp, k, nb, iou_p, noise, icv)
    assert (cfg.train_dataloader.batch_size, m.train_cfg.init_loss_norm, m.train_cfg.label_smoothing) == (
        batch, norm0, ls)
    assert (m.pre_cls_loss, m.refined_cls_loss, m.loss_norm_updates_per_iter) == (pre_loss, "varifocal", 2)
    assert (t.pre_nms_topk, t.max_seg_num, t.nms_sigma, t.multiclass_nms) == (topk, max_seg, sigma, per_class)
    assert len(m.regression_range) == arch[2] + 1  # one range per pyramid level
    anet, hacs = leaf.startswith("anet"), leaf.startswith("hacs")
    assert m.use_abs_pe == (anet or hacs) and m.max_buffer_len_factor == (1.0 if anet or hacs else 6.0)
    assert (m.head_kernel_size, m.boudary_kernel_size) == ((5, 1) if hacs else (3, 3))
    assert (t.voting_thresh, t.duration_thresh) == ((0.95, 0.1) if anet else (t.voting_thresh, 0.05))
    assert (t.ext_score_file is not None) == anet
    if leaf.startswith("epic"):
        assert m.regression_range[1] == (2, 8)


@pytest.mark.parametrize("leaf", sorted(CLTDR_SYNTHETIC))
def test_cltdr_synthetic_leaf_recipe(leaf):
    cfg = _cfg(CLTDR / f"{leaf}.py")
    wd, clip, noise, iou_p, win, nb, icv, pre_loss, topk, max_seg, sigma, per_class = CLTDR_SYNTHETIC[leaf]
    m, t = cfg.model, cfg.model.test_cfg
    assert (cfg.optim_wrapper.optimizer.weight_decay, cfg.optim_wrapper.clip_grad.max_norm) == (wd, clip)
    assert (m.input_noise, m.iou_weight_power, m.n_sgp_win_size, m.num_bins, m.init_conv_vars) == (
        noise, iou_p, win, nb, icv)
    assert (m.pre_cls_loss, t.pre_nms_topk, t.max_seg_num, t.nms_sigma, t.multiclass_nms) == (
        pre_loss, topk, max_seg, sigma, per_class)
    assert (m.embd_dim, m.sgp_mlp_dim, tuple(m.backbone_arch)) == (32, 48, (2, 2, 3))
    # the same schedule as the baselines' synthetic leaf of the preset (only weight decay and
    # clipping follow each method's recipe)
    for method in ("actionformer", "tridet"):
        other = _cfg(CONFIGS / method / f"{leaf}.py")
        assert (other.param_scheduler, other.train_cfg) == (cfg.param_scheduler, cfg.train_cfg)
        assert other.train_dataloader.batch_size == cfg.train_dataloader.batch_size


@pytest.mark.parametrize("leaf", sorted(CLTDR.glob("*.py")), ids=lambda p: p.stem)
def test_cltdr_leaf_uses_its_official_data_path(leaf):
    """TriDet's loader rules (no crop-window widening, TriDet's grid arithmetic); its own ANet
    loader has ActionFormer's training GT filter and grid arithmetic (datasets/README.md)."""
    cfg = _cfg(leaf)
    grid = "actionformer" if "anet" in leaf.stem else "tridet"
    train = cfg.train_dataloader.dataset
    assert train.widen_by_offset is False and train.get("resize_length") is None
    assert train.grid_rule == cfg.val_dataloader.dataset.grid_rule == cfg.test_dataloader.dataset.grid_rule == grid
    if "anet" in leaf.stem:
        assert train.train_gt_filter == "actionformer"


def test_cltdr_weight_decay_split_is_the_official_one():
    """CLTDR's whitelist adds ConvTranspose1d and the GMG w1/w2; b1/b2 stay undecayed."""
    import torch
    from mmengine.registry import DefaultScope

    from harness.optim import DecayWhitelistOptimWrapperConstructor, split_decay_parameters
    from harness.registry import MODELS

    cfg = _cfg(CLTDR / "synthetic_thumos_like.py")
    assert cfg.optim_wrapper.paramwise_cfg == _cfg(CLTDR / "thumos14_i3d.py").optim_wrapper.paramwise_cfg
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope("harness"):
        model = MODELS.build(cfg.model)
    rules = DecayWhitelistOptimWrapperConstructor(
        optim_wrapper_cfg=dict(optimizer=dict(type="AdamW")), paramwise_cfg=cfg.optim_wrapper.paramwise_cfg).rules
    decay, no_decay = split_decay_parameters(model, rules)
    for name in ("w1", "w2", "fc.weight", "convw.weight"):
        assert f"backbone.branch.1.{name}" in decay, name
    for name in ("b1", "b2", "fc.bias", "ln.weight", "gn.weight"):
        assert f"backbone.branch.1.{name}" in no_decay, name
    assert "decls.contrans.weight" in decay and "decls.contrans.bias" in no_decay

