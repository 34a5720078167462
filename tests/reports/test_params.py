"""Table 8 parameter counts: built models, module breakdown, configs that do not exist."""

from __future__ import annotations

import torch
from torch import nn

from harness.experiments import experiment_from_dict
from harness.reporting.params import count_config, module_counts, table8_counts
from reports.params import counted_millions, from_json, to_json


class _Toy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Linear(3, 4)  # 16
        self.b = nn.Conv1d(4, 2, 3)  # 26
        self.empty = nn.ReLU()
        self.scale = nn.Parameter(torch.ones(5))  # owned by the root


def test_module_counts_partition_the_model():
    total, modules = module_counts(_Toy())
    assert total == 16 + 26 + 5
    assert modules == {"a": 16, "b": 26, "other": 5}


def test_count_config_builds_the_model(repo_root):
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from harness.registry import MODELS

    config = repo_root / "harness" / "configs" / "tridet" / "synthetic_thumos_like.py"
    total, modules = count_config(config)
    with DefaultScope.overwrite_default_scope("harness"):
        model = MODELS.build(Config.fromfile(str(config)).model)
    assert total == sum(p.numel() for p in model.parameters()) > 0
    assert sum(modules.values()) == total and "backbone" in modules


def test_table8_counts_never_crash(repo_root):
    row = dict(table=8, dataset="THUMOS14", method="CLTDR-GMG", features="InternVideo2-6B")
    experiment = experiment_from_dict({"entries": [
        {**row, "variant": "global=fft", "real": "tridet/synthetic_thumos_like",
         "synthetic": "cltdr_gmg/no_such_config"},
        {**row, "variant": "global=self-attention"},  # paper only
        {**row, "table": 7, "variant": "gate=off", "real": "tridet/synthetic_thumos_like"},
    ]})
    counts = table8_counts(experiment, repo_root)
    assert {(c.label, c.scale) for c in counts} == {
        ("FFT", "real"), ("FFT", "synthetic"), ("Self-Attention", "real"),
        ("Self-Attention", "synthetic")}
    by = {(c.label, c.scale): c for c in counts}
    assert by[("FFT", "real")].total > 0 and not by[("FFT", "real")].error
    assert by[("FFT", "synthetic")].error == "config not available yet"
    assert by[("Self-Attention", "real")].total is None and by[("Self-Attention", "real")].error
    assert from_json(to_json(counts)) == counts
    millions = counted_millions(counts)
    assert list(millions) == ["8|THUMOS14||CLTDR-GMG|global=fft|InternVideo2-6B"]
