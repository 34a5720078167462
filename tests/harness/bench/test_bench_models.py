"""``bench --only models``: device choice and rows (plain and compiled beside the official range)."""

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


def test_official_ranges_are_those_of_issue_15():
    m = bench_models.MODELS
    assert m["actionformer"].official_train_s == (3.49, 3.52) and m["actionformer"].official_infer_s == (0.64, 0.68)
    assert m["tridet"].official_train_s == (3.04, 3.08) and m["tridet"].official_infer_s == (0.56, 0.62)
    assert m["cltdr_gmg"].official_train_s == (4.31, 4.32) and m["cltdr_gmg"].official_infer_s == (0.79, 0.84)
    assert bench_models.MODES == ("plain", "compiled")


def test_rows_compare_cpu_with_the_official_range_and_compiled_with_plain():
    plain = {"train_s": 2.0, "train_cpu_s": 4.0, "infer_s": 0.7, "infer_cpu_s": 1.4,
             "peak_rss_gb": 1.5, "compile_s": 0.0}
    cpu = bench_models._rows("tridet", "cpu", plain)
    assert "plain" in cpu[0]["case"]
    assert cpu[0]["ok"] is True and "ratio vs official 0.65-0.66" in cpu[0]["note"]
    assert cpu[1]["ok"] is False  # 0.7 s > the official 0.62 s
    fast = {**plain, "train_s": 1.0, "compile_s": 30.0}
    rows = bench_models._rows("tridet", "cpu", fast, mode="compiled", plain=plain)
    assert "compiled" in rows[0]["case"] and "speed-up over plain 2.00x" in rows[0]["note"]
    assert rows[2]["metric"].startswith("compile") and rows[2]["value"] == 30.0
    cuda = bench_models._rows("tridet", "cuda", {**plain, "peak_cuda_gb": 0.5}, amp=True)
    assert "amp-fp16" in cuda[0]["case"] and "ok" not in cuda[0]
    assert cuda[-1]["metric"] == "peak CUDA memory"


def test_a_compile_failure_is_a_row_not_a_crash():
    row = bench_models._failed_row("tridet", "cpu", False, "compiled", RuntimeError("no compiler\nmore"))
    assert row["ok"] is False and row["note"] == "RuntimeError: no compiler" and "compiled" in row["case"]
