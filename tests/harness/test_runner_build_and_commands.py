"""build_runner (config resolution, hash, dumps, determinism) and the test/show-config commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from runner_helpers import TINY_CONFIG, load_ckpt

from harness.cli import main
from harness.errors import ConfigError
from harness.records import RunRecord
from harness.runner import (
    build_runner,
    default_work_dir,
    experiment_hash,
    load_config,
    parse_cfg_options,
    resolve_run_config,
)


def test_hash_ignores_seed_and_paths_but_not_overrides(tmp_path):
    a = resolve_run_config(TINY_CONFIG, 0, tmp_path / "a")
    b = resolve_run_config(TINY_CONFIG, 5, tmp_path / "b")
    c = resolve_run_config(TINY_CONFIG, 0, tmp_path / "a", {"optim_wrapper.optimizer.lr": 0.5})
    assert a.config_hash == b.config_hash != c.config_hash
    assert len(a.config_hash) == 64
    assert c.cfg.optim_wrapper.optimizer.lr == 0.5
    assert b.cfg.randomness == dict(seed=5, deterministic=True, diff_rank_seed=False)
    assert (a.model, a.config_name) == ("harness", "harness/tiny_config")
    assert experiment_hash(load_config(TINY_CONFIG)) == a.config_hash


def test_default_work_dir_layout():
    path = default_work_dir("harness/configs/actionformer/thumos14_i3d.py", 3)
    assert path == Path("results/runs/actionformer/thumos14_i3d/seed3")


def test_build_runner_writes_config_and_hash_and_sets_determinism(tmp_path):
    try:
        runner = build_runner(TINY_CONFIG, 11, tmp_path / "run", {"train_cfg.max_epochs": 2})
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.is_deterministic_algorithms_warn_only_enabled()  # official: warn_only=True
    finally:
        torch.use_deterministic_algorithms(False)
    assert runner.seed == 11
    dumped = (tmp_path / "run" / "config.py").read_text()
    assert "max_epochs=2" in dumped and "seed=11" in dumped
    digest = (tmp_path / "run" / "config_hash.txt").read_text().strip()
    assert digest == resolve_run_config(TINY_CONFIG, 0, None, {"train_cfg.max_epochs": 2}).config_hash


def test_cfg_options_parsing_and_errors(tmp_path):
    assert parse_cfg_options(["a.b=1", "c=[1,2]", "d=x"]) == {"a.b": 1, "c": [1, 2], "d": "x"}
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_cfg_options(["novalue"])
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.py")
    broken = tmp_path / "broken.py"
    broken.write_text("model = dict(\n")
    with pytest.raises(ConfigError) as info:
        load_config(broken)
    assert "\n" not in str(info.value)


def test_data_root_override_moves_every_data_path():
    cfg = load_config(
        TINY_CONFIG,
        {"data_root": "old/root", "test_dataloader.dataset.ann_file": "old/root/ann.json"},
        data_root="new/place",
    )
    assert cfg.data_root == "new/place"
    assert cfg.test_dataloader.dataset.ann_file == "new/place/ann.json"
    with pytest.raises(ConfigError, match="data_root"):
        load_config(TINY_CONFIG, data_root="x")  # the tiny config has no data root


def test_amp_needs_cuda(tmp_path):
    if torch.cuda.is_available():
        r = resolve_run_config(TINY_CONFIG, 0, tmp_path, amp=True)
        assert r.cfg.optim_wrapper.type == "AmpOptimWrapper"
    else:
        with pytest.raises(ConfigError, match="CUDA"):
            resolve_run_config(TINY_CONFIG, 0, tmp_path, amp=True)


def test_show_config_prints_merge_and_hash(capsys, tmp_path):
    assert main(["show-config", str(TINY_CONFIG), "--cfg-options", "train_cfg.max_epochs=7"]) == 0
    out = capsys.readouterr().out
    assert "max_epochs=7" in out and "default_scope = 'harness'" in out
    assert "ModelEMAHook" in out  # from the runtime base
    assert main(["show-config", str(TINY_CONFIG), "--hash"]) == 0
    assert capsys.readouterr().out.strip() == resolve_run_config(TINY_CONFIG, 0, tmp_path).config_hash


def _cli_test(*args):
    try:
        return main(["test", str(TINY_CONFIG), *args])
    finally:
        torch.use_deterministic_algorithms(False)


def test_test_command_on_own_and_official_checkpoints(tiny_finished_run, tmp_path, capsys):
    record = RunRecord.read(tiny_finished_run / "record.json")
    ckpt = tiny_finished_run / "epoch_4.pth"
    # the run's own checkpoint (hash in its checkpoints.json) loads in full wherever it lies;
    # a copy without that record needs --trust
    copy = tmp_path / "copy" / "epoch_4.pth"
    copy.parent.mkdir()
    copy.write_bytes(ckpt.read_bytes())
    assert _cli_test("--checkpoint", str(copy), "--work-dir", str(tmp_path / "t0")) == 2
    assert "weights-only" in capsys.readouterr().err
    assert _cli_test("--checkpoint", str(ckpt), "--work-dir", str(tmp_path / "t1")) == 0
    own = json.loads((tmp_path / "t1" / "test_record.json").read_text())
    assert own["weights"] == "state_dict_ema"
    assert own["metrics"]["average_mAP"] == record.average_mAP
    # the same EMA weights as an official release: DataParallel keys, tensors only
    ema = load_ckpt(ckpt)["state_dict_ema"]
    official = tmp_path / "epoch_003.pth.tar"
    torch.save({"epoch": 3, "state_dict": {"module." + k: v for k, v in ema.items()},
                "state_dict_ema": {"module." + k: v for k, v in ema.items()}}, official)
    assert _cli_test("--checkpoint", str(official), "--official", "--work-dir", str(tmp_path / "t2")) == 0
    off = json.loads((tmp_path / "t2" / "test_record.json").read_text())
    assert off["metrics"] == own["metrics"] and off["official"] is True


def test_test_command_rejects_weights_of_another_model(tmp_path, capsys):
    path = tmp_path / "other.pth"
    torch.save({"state_dict_ema": {"module.backbone.w": torch.zeros(2)}}, path)
    assert _cli_test("--checkpoint", str(path), "--official", "--work-dir", str(tmp_path / "t")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "weights of another model" in err and err.count("\n") == 1
    assert "missing (first: " in err and "unexpected (first: backbone.w)" in err


def test_curve_begin_is_the_cltdr_rule():
    from harness.loops import curve_begin_epoch

    # CLTDR-GMG train.py evaluates from 0-based epoch (max_epochs - 5) // 2 on
    assert [curve_begin_epoch(n) for n in (12, 35, 40, 57, 5, 4)] == [3, 15, 17, 26, 0, 0]


def test_speed_switch_is_hashed_checked_and_needs_a_dense_detector(tmp_path):
    plain = resolve_run_config(TINY_CONFIG, 0, tmp_path / "a")
    fast = resolve_run_config(TINY_CONFIG, 0, tmp_path / "a", {"torch_compile": True})
    off = resolve_run_config(TINY_CONFIG, 0, tmp_path / "a", {"torch_compile": False})
    assert len({plain.config_hash, fast.config_hash, off.config_hash}) == 3
    with pytest.raises(ConfigError, match="torch_compile"):
        resolve_run_config(TINY_CONFIG, 0, tmp_path / "a", {"torch_compile": "fast"})
    with pytest.raises(ConfigError, match="network"):  # the tiny model is no DenseDetector
        try:
            build_runner(TINY_CONFIG, 0, tmp_path / "b", {"torch_compile": True})
        finally:
            torch.use_deterministic_algorithms(False)


def test_manifest_records_the_speed_switch():
    from harness.manifest import RunManifest, collect_manifest

    m = collect_manifest(config_hash="x", seed=0, torch_compile={"mode": "max-autotune"})
    assert m.torch_compile == {"mode": "max-autotune"}
    assert collect_manifest(config_hash="x", seed=0).torch_compile is None
    assert RunManifest.from_json(m.to_json()) == m
