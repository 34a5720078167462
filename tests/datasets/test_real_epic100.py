"""EPIC-KITCHENS-100 in its real formats: SlowFast ``.npz`` (key ``feats``), nouns with empty classes.

Leaf: ``tridet/epic100_noun_slowfast`` (300 classes, mAP at 0.1:0.1:0.5). The official
``train.py`` hands the classes without annotations to the model (``head_empty_cls``, bias
−13.8); :func:`datasets.fill_head_empty_cls` derives the same list for the run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from mmengine.config import Config
from real_e2e import (
    assert_check_data_clean,
    assert_problems_reported,
    assert_result,
    build_dataset,
    check_data,
    leaf,
    train_one_step,
)
from real_fixtures import write_epic100

import datasets
from datasets import fill_head_empty_cls
from harness.errors import DataError

NOUN = leaf("tridet/epic100_noun_slowfast")
THRESHOLDS = np.linspace(0.1, 0.5, 5)
USED = (0, 3, 7, 12)  # noun ids with annotations in the fixture
pytestmark = pytest.mark.filterwarnings("ignore::harness.metrics.EvaluationWarning")


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


def test_check_data_clean_then_injected_problems(tmp_path, capsys):
    rr = write_epic100(tmp_path / "data")
    out = " ".join(assert_check_data_clean(NOUN, rr.root, capsys,
                                           "epic_kitchens_100_noun-validation-2").split())
    # the config's head_empty_cls ([]) differs from the 296 classes without annotations
    assert "head_empty_cls (296 classes without annotations)" in out
    assert "model.train_cfg.head_empty_cls: is [] but the training annotations leave 296" in out
    assert_problems_reported(NOUN, rr, capsys, missing="P02_109", short="P01_01", past_end="P01_02")


def test_empty_classes_derived_like_the_official_loader(tmp_path, capsys):
    write_epic100(tmp_path / "data")
    ds = build_dataset(NOUN, tmp_path / "data")
    empty = [i for i in range(300) if i not in USED]
    assert ds.metainfo["empty_label_ids"] == empty
    assert ds[0]["feats"].shape[0] == 2304  # .npz key 'feats'
    cfg = Config.fromfile(str(NOUN))
    datasets.override_data_root(cfg, str(tmp_path / "data"))
    assert fill_head_empty_cls(cfg) == empty and cfg.model.train_cfg.head_empty_cls == empty
    # once filled, check-data has nothing to say about it
    path = tmp_path / "filled.py"
    cfg.dump(str(path))
    code, out = check_data(path, tmp_path / "data", capsys)
    assert code == 0 and "model.train_cfg.head_empty_cls: is" not in out
    # a leaf without the EPIC rule keeps its value; a missing file is an error unless allowed
    other = Config.fromfile(str(leaf("tridet/thumos14_i3d")))
    assert fill_head_empty_cls(other) is None and other.model.train_cfg.head_empty_cls == []
    missing = Config.fromfile(str(NOUN))
    datasets.override_data_root(missing, str(tmp_path / "nowhere"))
    assert fill_head_empty_cls(missing, missing_ok=True) is None
    with pytest.raises(DataError, match="annotation file not found"):
        fill_head_empty_cls(missing)


@pytest.mark.slow  # a training run (about a second of CPU)
def test_one_training_step_with_empty_class_bias(tmp_path):
    write_epic100(tmp_path / "data")
    runner, outcome, loss = train_one_step(NOUN, tmp_path / "data", tmp_path / "work", batch_size=2,
                                           prepare=fill_head_empty_cls)
    assert np.isfinite(loss)
    assert_result(outcome, THRESHOLDS, "epic_kitchens_100_noun-validation-2")
    biases = [p for n, p in runner.model.named_parameters() if n.endswith("bias") and p.shape == (300,)]
    assert biases  # the classifier outputs
    empty_bias = -math.log((1 - 1e-6) / 1e-6)
    for bias in biases:  # one AdamW step at lr 1e-4 moves a bias by ~1e-4
        b = bias.detach()
        assert np.allclose(b[[i for i in range(300) if i not in USED]], empty_bias, atol=1e-2)
        assert np.allclose(b[list(USED)], -math.log(99), atol=1e-2)


def test_run_path_fills_head_empty_cls(tmp_path):
    """``harness.runner.load_config`` (train, sweep) applies the official train.py rule."""
    from harness.runner import load_config

    write_epic100(tmp_path / "data")
    cfg = load_config(NOUN, data_root=tmp_path / "data")
    assert cfg.model.train_cfg.head_empty_cls == [i for i in range(300) if i not in USED]
