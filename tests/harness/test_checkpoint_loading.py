"""Checkpoint loading: trusted run folders unpickle in full, everything else weights-only."""

from __future__ import annotations

import os
from collections import OrderedDict

import pytest
import torch
from mmengine.logging import HistoryBuffer

from harness import checkpoint as ck
from harness.errors import ConfigError


class _Boom:
    """Unpickling this creates a folder: the side effect a weights-only load must prevent."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (os.makedirs, (self.target,))


def _official_like(path):
    weights = OrderedDict([("module.cls_head.cls_head.conv.bias", torch.ones(3)),
                           ("module.reg_head.scale.0.scale", torch.tensor(1.0))])
    ema = OrderedDict((k, v * 2) for k, v in weights.items())
    torch.save({"epoch": 35, "state_dict": weights, "state_dict_ema": ema,
                "optimizer": {"state": {}, "param_groups": [{"lr": 1e-4, "params": [0, 1]}]},
                "scheduler": {"last_epoch": 3500, "base_lrs": [1e-4]}}, path)


def test_official_checkpoint_loads_weights_only_with_ema_and_prefix_stripped(tmp_path):
    path = tmp_path / "epoch_034.pth.tar"
    _official_like(path)
    weights, key = ck.load_external_weights(path)
    assert key == "state_dict_ema"
    assert list(weights) == ["cls_head.cls_head.conv.bias", "reg_head.scale.0.scale"]
    assert torch.equal(weights["cls_head.cls_head.conv.bias"], 2 * torch.ones(3))


def test_external_pickle_with_code_is_refused_without_running_it(tmp_path):
    target = tmp_path / "was_unpickled"
    path = tmp_path / "evil.pth"
    torch.save({"state_dict_ema": {}, "payload": _Boom(str(target))}, path)
    with pytest.raises(ConfigError, match="weights-only load refused"):
        ck.load_external_weights(path)
    assert not target.exists()


def test_local_loader_trusts_only_recorded_checkpoints(tmp_path):
    from mmengine.runner.checkpoint import CheckpointLoader

    run_dir, other = tmp_path / "run", tmp_path / "elsewhere"
    run_dir.mkdir()
    other.mkdir()
    # mmengine checkpoints hold a HistoryBuffer; the run's own save records its hash
    ck.atomic_save_checkpoint({"state_dict": {}, "message_hub": {"log_scalars": {"loss": HistoryBuffer()}}},
                              str(run_dir / "epoch_1.pth"))
    torch.save({"state_dict": {}, "message_hub": {"log_scalars": {"loss": HistoryBuffer()}}},
               other / "epoch_1.pth")
    ck.register_local_loader()
    loaded = CheckpointLoader.load_checkpoint(str(run_dir / "epoch_1.pth"))
    assert isinstance(loaded["message_hub"]["log_scalars"]["loss"], HistoryBuffer)
    with pytest.raises(ConfigError, match="weights-only"):
        CheckpointLoader.load_checkpoint(str(other / "epoch_1.pth"))


def test_missing_and_corrupt_files_are_one_line_errors(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        ck.load_external_weights(tmp_path / "none.pth")
    bad = tmp_path / "cut.pth"
    _official_like(bad)
    bad.write_bytes(bad.read_bytes()[:50])
    with pytest.raises(ConfigError) as info:
        ck.load_external_weights(bad)
    assert "\n" not in str(info.value)


def test_select_weights_falls_back_to_state_dict():
    weights, key = ck.select_weights({"state_dict": {"module.a": torch.zeros(1)}})
    assert key == "state_dict" and list(weights) == ["a"]
    with pytest.raises(ConfigError):
        ck.select_weights({"model": {}})


def test_find_resume_checkpoint_ignores_the_absolute_path(tmp_path):
    assert ck.find_resume_checkpoint(tmp_path) is None
    for k in (2, 10, 9):
        (tmp_path / f"epoch_{k}.pth").write_bytes(b"x")
    assert ck.find_resume_checkpoint(tmp_path).name == "epoch_10.pth"  # numeric, not lexical
    (tmp_path / "last_checkpoint").write_text("/somewhere/old/place/epoch_9.pth")
    assert ck.find_resume_checkpoint(tmp_path) == tmp_path / "epoch_9.pth"
