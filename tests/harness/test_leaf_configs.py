"""Every leaf config builds: two-level layering, no None left, model + optimiser on CPU."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "harness" / "configs"
LEAVES = sorted(p for p in CONFIGS.glob("*/*.py") if p.parent.name != "_base_")
BASE_KINDS = ("default_runtime.py", "schedules/", "datasets/", "models/")


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
    assert len(bases) == 4, bases
    for base, kind in zip(bases, BASE_KINDS):
        assert base.startswith("../_base_/") and kind in base, (base, kind)
        assert not _base_list((leaf.parent / base).resolve()), f"{base} has bases of its own"


def test_default_scope_is_set_once():
    setters = [p for p in CONFIGS.rglob("*.py") if "default_scope" in p.read_text()]
    assert setters == [CONFIGS / "_base_" / "default_runtime.py"]


@pytest.mark.parametrize("leaf", LEAVES, ids=_ids(LEAVES))
def test_leaf_builds_on_cpu(leaf):
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
    assert cfg.train_cfg.record_test_curve == synthetic
    # official EMA decay, except the ~400-iteration synthetic schedule (see its comment)
    assert cfg.default_hooks.ema.decay == (0.99 if synthetic else 0.999)
    assert cfg.optim_wrapper.clip_grad.max_norm == cfg.model.train_cfg.clip_grad_l2norm
    with DefaultScope.overwrite_default_scope("harness"):
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
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from harness.registry import MODELS

    cfg = Config.fromfile(str(CONFIGS / "actionformer" / "thumos14_i3d.py"))
    with DefaultScope.overwrite_default_scope("harness"):
        model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) == 29_251_612  # reference §A
