"""``bench --only models``: device choice and rows (a quick CPU measurement of a tiny model)."""

from __future__ import annotations

import pytest
import torch

from harness.bench import models as bench_models


def test_device_choice():
    assert bench_models.devices("cpu") == ["cpu"]
    auto = bench_models.devices("auto")
    assert auto[0] == "cpu" and ("cuda" in auto) == torch.cuda.is_available()
    if not torch.cuda.is_available():
        with pytest.raises(SystemExit, match="no CUDA device"):
            bench_models.devices("cuda")


def test_rows_name_the_device_and_compare_cpu_only_with_the_official_time():
    res = {"train_s": 1.0, "train_cpu_s": 2.0, "infer_s": 0.4, "infer_cpu_s": 0.8,
           "peak_rss_gb": 1.5, "peak_cuda_gb": 0.5}
    cpu = bench_models._rows("tridet", "cpu", res)
    assert cpu[0]["ok"] is True and "ratio vs official 0.67" in cpu[0]["note"]
    assert cpu[1]["ok"] is False  # 0.4 s > the official 0.29 s
    cuda = bench_models._rows("tridet", "cuda", res, amp=True)
    assert "amp-fp16" in cuda[0]["case"] and "ok" not in cuda[0]
    assert cuda[-1]["metric"] == "peak CUDA memory"
