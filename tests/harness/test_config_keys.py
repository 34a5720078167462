"""Unknown config keys are errors with the nearest valid name; load_from works or is refused."""

from __future__ import annotations

import pytest
import torch
from runner_helpers import TINY_CONFIG

from harness.cli import main
from harness.errors import ConfigError
from harness.runner import load_config, resolve_run_config, runner_from_resolved

SYN = "harness/configs/actionformer/synthetic_thumos_like.py"


@pytest.mark.parametrize("key, message", [
    ("trian_cfg.max_epochs", "unknown top-level key 'trian_cfg'; did you mean 'train_cfg'?"),
    ("train_cfg.max_epoch", "train_cfg.max_epoch: unknown key for TALTrainLoop; did you mean 'max_epochs'?"),
    ("model.not_a_key", "model.not_a_key: unknown key for ActionFormer"),
    ("model.fpn_dimm", "did you mean 'fpn_dim'?"),
])
def test_misspelt_keys_are_refused(key, message):
    with pytest.raises(ConfigError, match=message.replace("?", r"\?").replace("(", r"\(")):
        load_config(SYN, {key: 3})


def test_misspelt_cltdr_key_follows_kwargs_to_tridet():
    with pytest.raises(ConfigError, match="did you mean 'head_kernel_size'"):
        load_config("harness/configs/cltdr_gmg/multithumos_i3d.py", {"model.head_kernal_size": 3})


def test_valid_overrides_pass():
    cfg = load_config(SYN, {"train_cfg.max_epochs": 3, "default_hooks.checkpoint.max_keep_ckpts": 2})
    assert cfg.train_cfg.max_epochs == 3


def test_cli_misspelt_key_is_one_line(tmp_path, capsys):
    code = main(["train", SYN, "--work-dir", str(tmp_path / "w"), "--cfg-options", "trian_cfg.max_epochs=3"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "did you mean 'train_cfg'" in err


def _runner(work, **overrides):
    resolved = resolve_run_config(TINY_CONFIG, 0, work, overrides)
    try:
        return resolved, runner_from_resolved(resolved)
    finally:
        torch.use_deterministic_algorithms(False)


def test_load_from_starts_from_the_weights_and_changes_the_hash(tiny_finished_run, tmp_path):
    """load_from was once reset to None silently (training from scratch)."""
    ckpt = tiny_finished_run / "epoch_4.pth"
    plain, _ = _runner(tmp_path / "plain")
    resolved, runner = _runner(tmp_path / "init", load_from=str(ckpt))
    assert resolved.cfg.load_from == str(ckpt) and not resolved.cfg.resume
    assert resolved.config_hash != plain.config_hash
    runner._init_model_weights()
    runner.load_or_resume()
    saved = torch.load(ckpt, map_location="cpu", weights_only=False)["state_dict"]
    own = runner.model.state_dict()
    assert all(torch.equal(own[k], v) for k, v in saved.items())


def test_load_from_is_refused_with_the_reason(tmp_path):
    with pytest.raises(ConfigError, match="load_from=.*none.pth: file not found"):
        _runner(tmp_path / "a", load_from=str(tmp_path / "none.pth"))
    other = tmp_path / "other.pth"
    torch.save({"state_dict": {"backbone.w": torch.zeros(2)}}, other)
    with pytest.raises(ConfigError, match=r"weights of another model: .*missing \(first: .*unexpected \(first: backbone.w\)"):
        _runner(tmp_path / "b", load_from=str(other))
