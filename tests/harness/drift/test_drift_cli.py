"""``python -m harness drift``: bad input fails fast with one line (exit 2) before any training;
configs and data of the benchmark are checked."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from harness.cli import main
from harness.drift.benchmark import DriftBenchmark, check_configs, get_benchmark
from harness.drift.execute import prepare_data
from harness.errors import ConfigError

AF = "harness/configs/actionformer/synthetic_thumos_like.py"


def _err(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    return err


def test_missing_baseline_is_exit_2(tmp_path, capsys):
    assert main(["drift", "--baseline", str(tmp_path / "none.json")]) == 2
    assert "drift baseline not found; create it with python -m harness drift --update" in _err(capsys)


def test_corrupt_baseline_is_exit_2(tmp_path, capsys):
    path = tmp_path / "b.json"
    path.write_text('{"schema": "tal-harness drift baseline", "schema_version": 1,')
    assert main(["drift", "--baseline", str(path), "--methods", "actionformer"]) == 2
    assert f"{path}: drift baseline is not valid JSON" in _err(capsys)


def test_unknown_method_or_benchmark_is_exit_2(capsys):
    assert main(["drift", "--methods", "actionformer,bogus"]) == 2
    assert "--methods: bogus not in benchmark 'ci'" in _err(capsys)
    assert main(["drift", "--benchmark", "huge"]) == 2
    assert "unknown drift benchmark 'huge'" in _err(capsys)


def test_baseline_of_another_definition_is_exit_2(tmp_path, capsys):
    from harness.drift.baseline import Baseline, MethodBaseline, Provenance, write_baseline

    prov = Provenance(git_sha=None, git_dirty=None, created="x", versions={}, cpu="", torch_threads=1,
                      device="cpu", data_fingerprint="")
    smoke = get_benchmark("smoke")
    b = Baseline(replace(smoke, num_train=99), prov,
                 {"actionformer": MethodBaseline(config=AF, config_hash="h", runs={0: {"average_mAP": 0.5}})})
    write_baseline(b, tmp_path / "b.json")
    assert main(["drift", "--benchmark", "smoke", "--baseline", str(tmp_path / "b.json"),
                 "--methods", "actionformer"]) == 2
    assert "baseline made for another benchmark definition (num_train 99 vs 32)" in _err(capsys)


def test_missing_config_names_the_method_and_the_way_out(repo_root):
    bench = DriftBenchmark(name="t", seeds=(0,), methods=(
        ("actionformer", AF), ("newmodel", "harness/configs/newmodel/synthetic_thumos_like.py")))
    with pytest.raises(ConfigError) as info:
        check_configs(bench, repo_root)
    msg = str(info.value)
    assert "config missing for newmodel (harness/configs/newmodel/synthetic_thumos_like.py)" in msg
    assert "--methods actionformer" in msg


def test_config_on_another_preset_is_refused(repo_root):
    bench = DriftBenchmark(name="t", seeds=(0,), methods=(
        ("actionformer", "harness/configs/actionformer/synthetic_anet_like.py"),))
    with pytest.raises(ConfigError, match="needs a synthetic thumos-like leaf, this one is on anet-like"):
        check_configs(bench, repo_root)


def test_config_hash_is_stable_and_follows_the_benchmark(repo_root):
    smoke = get_benchmark("smoke").select(("actionformer",), None)
    a, b = check_configs(smoke, repo_root), check_configs(smoke, repo_root)
    assert a == b and len(a["actionformer"]) == 64
    assert check_configs(replace(smoke, ema_decay=0.8), repo_root) != a


def test_prepare_data_verifies_and_repairs_the_bytes(tmp_path):
    bench = replace(get_benchmark("smoke"), num_train=3, num_test=2)
    folder = tmp_path / bench.data_dir_name()
    first = prepare_data(bench, folder)
    assert prepare_data(bench, folder) == first
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["num_train"] == 3 and manifest["num_test"] == 2
    feat = folder / "features" / "video_validation_0000.npy"
    good = np.load(feat)
    damaged = good.copy()
    damaged[0, 0] += 1.0
    np.save(feat, damaged)  # same size, other bytes: only hashing sees it
    assert prepare_data(bench, folder) == first
    assert np.array_equal(np.load(feat), good)
    assert prepare_data(replace(bench, data_seed=1), tmp_path / "other") != first
