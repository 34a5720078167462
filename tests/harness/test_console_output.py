"""A training run's terminal output is short and warning-free; the log file keeps everything."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from runner_helpers import ROOT, TINY_CONFIG

from harness.console import ConsoleFilter, UnusedFileClientFilter


def _train(work, *extra):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "harness", "train", str(TINY_CONFIG), "--seed", "0",
         "--work-dir", str(work), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def _log_file(work):
    logs = sorted(work.glob("*/*.log"))
    assert len(logs) == 1, logs
    return logs[0].read_text()


@pytest.fixture(scope="module")
def quiet_run(tmp_path_factory):
    """(work dir, finished process) of one tiny ``train`` in a subprocess."""
    work = tmp_path_factory.mktemp("quiet") / "run"
    proc = _train(work)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return work, proc


def test_train_prints_a_short_header_progress_and_the_table(quiet_run):
    work, proc = quiet_run
    out = proc.stdout + proc.stderr
    lines = out.splitlines()
    assert len(lines) < 40, out
    assert "Failed to search registry" not in out
    assert "warning" not in out.lower(), out
    # header: config, seed, device, work dir, log file
    assert f"train {TINY_CONFIG.relative_to(ROOT)}" in lines[0] or str(TINY_CONFIG) in lines[0]
    assert "seed 0" in lines[0] and "device cpu" in lines[0]
    assert f"work dir {work}" in out
    # one progress line per epoch with an ETA, evaluations, the result table
    epochs = [line for line in lines if " epoch " in f" {line}" and "eta " in line]
    assert len(epochs) == 4, out
    assert "eval after epoch 2: average_mAP" in out
    assert "mAP (%) at tIoU" in out and str(work / "record.json") in out
    # the config dump and the hook table are in the log file only
    assert "Hooks will be executed" not in out and "Config:" not in out
    log = _log_file(work)
    assert "Config:" in log and "Hooks will be executed in the following order" in log
    assert "Epoch(train)" in log  # mmengine's own iteration lines
    assert '"FileClient" will be deprecated' not in log
    assert "Failed to search registry" not in log


def test_verbose_shows_the_full_log(tmp_path):
    proc = _train(tmp_path / "run", "--verbose")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Hooks will be executed in the following order" in proc.stdout
    assert "Failed to search registry" not in proc.stdout + proc.stderr


def test_last_epoch_is_evaluated_once(quiet_run):
    """The tiny config validates on the test split: epochs 2 and 3 by validation, the last
    epoch only by the test run, whose result ends the curve."""
    work, _ = quiet_run
    log = _log_file(work)
    val_epochs = {line.split("Epoch(val) [", 1)[1].split("]", 1)[0]
                  for line in log.splitlines() if "Epoch(val) [" in line}
    assert val_epochs == {"2", "3"}
    assert sum("Epoch(test)" in line and "average_mAP" in line for line in log.splitlines()) == 1
    record = json.loads((work / "record.json").read_text())
    curve = json.loads((work / "test_curve.json").read_text())["curve"]
    assert [p["epoch"] for p in curve] == [2, 3, 4]
    assert curve[-1]["metrics"]["average_mAP"] == record["average_mAP"]


def test_evaluates_test_split_last_only_for_the_same_split():
    from harness.commands.train import evaluates_test_split_last
    from harness.runner import load_config

    cfg = load_config(TINY_CONFIG)
    assert evaluates_test_split_last(cfg)
    cfg.test_evaluator = dict(cfg.test_evaluator, predictions_out="x.json")  # ours: ignored
    assert evaluates_test_split_last(cfg)
    other = load_config(TINY_CONFIG, {"test_dataloader.dataset.data_seed": 5})
    assert not evaluates_test_split_last(other)
    no_curve = load_config(TINY_CONFIG, {"train_cfg.record_test_curve": False})
    assert not evaluates_test_split_last(no_curve)


def _record(msg, level=logging.INFO, **extra):
    record = logging.LogRecord("mmengine", level, __file__, 1, msg, None, None)
    record.__dict__.update(extra)
    return record


def test_console_filter_and_file_client_filter():
    console = ConsoleFilter()
    assert not console.filter(_record("Config:\n..."))
    assert console.filter(_record("epoch 1/7", console=True))
    assert console.filter(_record("something odd", logging.WARNING))
    noise = UnusedFileClientFilter()
    assert not noise.filter(_record('"FileClient" will be deprecated in future. Please use ...',
                                    logging.WARNING))
    assert noise.filter(_record("a real warning", logging.WARNING))


def test_every_root_registry_has_a_harness_child():
    """The Runner looks every type up in the current scope's child first (no warnings)."""
    import mmengine.registry as root

    from harness import registry

    children = {r.name: r for r in vars(registry).values()
                if isinstance(r, root.Registry) and r.scope == registry.SCOPE}
    for name in dir(root):
        parent = getattr(root, name)
        if isinstance(parent, root.Registry):
            assert parent.name in children, f"no harness child of mmengine's {parent.name!r}"
            assert children[parent.name].parent is parent
    opt = children["optimizer"].get("AdamW")
    assert opt is not None and opt.__name__ == "AdamW"


def test_log_interval_is_shorter_than_any_epoch():
    """The log file gets a line every 10 iterations (the smallest synthetic epoch has 32);
    no config sets its own logger interval."""
    from mmengine.config import Config

    runtime = Config.fromfile(str(ROOT / "harness/configs/_base_/default_runtime.py"))
    assert runtime.default_hooks.logger.interval == 10
    assert runtime.default_hooks.progress.type == "ProgressHook"
    for path in (ROOT / "harness/configs").rglob("*.py"):
        if path.name != "default_runtime.py":
            assert "LoggerHook" not in path.read_text() and "logger=" not in path.read_text(), path
