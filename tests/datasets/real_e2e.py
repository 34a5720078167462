"""End-to-end helpers for the real-format fixtures: check-data, one training step, evaluation.

``train_one_step`` runs a real leaf config through the harness's own run path
(``resolve_run_config`` with ``--data-root`` and ``--cfg-options``, the mmengine Runner, the
test loop with the config's metric) on a fixture data root. The model keeps every key of the
leaf except its widths (16 channels, :data:`TINY`) so one step takes about a second; the data
block (input_dim, max_seq_len, strides, thresholds) is the real one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from harness.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "harness" / "configs"

#: model widths of the leaf replaced by 16 (every other model key stays as in the leaf)
TINY_KEYS = {
    "tridet": ("embd_dim", "fpn_dim", "head_dim", "sgp_mlp_dim"),
    "actionformer": ("embd_dim", "fpn_dim", "head_dim"),
}
LOADERS = ("train_dataloader", "val_dataloader", "test_dataloader")


def leaf(name: str) -> Path:
    """``harness/configs/<model>/<stem>.py``."""
    return CONFIGS / f"{name}.py"


def check_data(config: Path, data_root: Path, capsys, *extra: str) -> tuple[int, str]:
    """``python -m harness check-data CONFIG --data-root ROOT`` in-process: (exit code, output)."""
    capsys.readouterr()
    code = main(["check-data", str(config), "--data-root", str(data_root), *extra])
    return code, capsys.readouterr().out


def tiny_overrides(config: Path, batch_size: int = 2) -> dict:
    """``--cfg-options`` for one quick step: small widths, one epoch, no worker processes."""
    out = {f"model.{k}": 16 for k in TINY_KEYS[config.parent.name]}
    out.update({"train_cfg.max_epochs": 1, "param_scheduler.end": 1, "param_scheduler.warmup": 0,
                "train_dataloader.batch_size": batch_size, "default_hooks.logger.interval": 1})
    for loader in LOADERS:  # no worker processes; no pickling of the (tiny) index
        out.update({f"{loader}.num_workers": 0, f"{loader}.persistent_workers": False,
                    f"{loader}.dataset.serialize_data": False})
    return out


def train_one_step(config: Path, data_root: Path, work_dir: Path, *, batch_size: int,
                   overrides: dict | None = None, prepare=None):
    """Train the leaf for one iteration on ``data_root`` and run its test loop.

    Args:
        config: leaf config.
        data_root: the fixture root (``--data-root``).
        work_dir: the run folder.
        batch_size: the number of training videos (one iteration per epoch, drop_last).
        overrides: extra ``--cfg-options`` (merged over :func:`tiny_overrides`).
        prepare: called with the resolved config before the runner is built.

    Returns:
        (runner, TestOutcome, train loss of the step).
    """
    from harness.evaluation import run_test
    from harness.runner import resolve_run_config, runner_from_resolved

    opts = tiny_overrides(config, batch_size) | dict(overrides or {})
    resolved = resolve_run_config(config, 0, work_dir, opts, data_root)
    if prepare is not None:
        prepare(resolved.cfg)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # 2 shared cores: intra-op threads only contend
    try:
        runner = runner_from_resolved(resolved)
        runner.train()
        loss = float(runner.message_hub.get_scalar("train/loss").current())
        outcome = run_test(runner)
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_num_threads(threads)
    assert runner.iter == 1, "expected exactly one training iteration"
    return runner, outcome, loss


def assert_result(outcome, thresholds, video_set: str, *, tol_durations: dict | None = None) -> None:
    """The test result: the dataset's tIoU set, the evaluated video set, sane predictions."""
    res = outcome.result
    assert res is not None
    assert list(res.tiou) == [float(t) for t in thresholds]
    assert len(res.mAP) == len(thresholds) and all(0.0 <= m <= 1.0 for m in res.mAP)
    assert np.isclose(res.average_mAP, np.mean(res.mAP))
    assert res.video_set == video_set
    keys = [k for k in outcome.metrics if k.startswith("mAP@")]
    assert len(keys) == len(thresholds) and "average_mAP" in outcome.metrics


def build_dataset(config: Path, data_root: Path, loader: str = "train_dataloader", **changes):
    """The leaf's dataset of one loader, re-rooted on ``data_root`` (``changes`` merged in)."""
    from mmengine.config import Config

    import datasets
    from harness.registry import DATASETS

    cfg = Config.fromfile(str(config))
    datasets.override_data_root(cfg, str(data_root))
    return DATASETS.build(dict(cfg[loader].dataset, serialize_data=False, **changes))


def assert_check_data_clean(config: Path, data_root: Path, capsys, video_set: str) -> str:
    """check-data on the untouched fixture: exit 0 and the evaluated video set printed."""
    code, out = check_data(config, data_root, capsys)
    assert code == 0, out
    assert "ok: no errors" in out and video_set in out
    return out


def assert_problems_reported(config: Path, rr, capsys, *, missing: str, short: str, past_end: str) -> str:
    """Inject a missing feature file, a truncated one and a GT past the video end: check-data
    exits 1 and names each video with its problem."""
    from real_fixtures import add_gt_past_end, drop_feature, shorten_feature

    drop_feature(rr, missing)
    shorten_feature(rr, short)
    add_gt_past_end(rr, past_end)
    code, out = check_data(config, rr.root, capsys)
    assert code == 1, out
    text = " ".join(out.split())  # rich wraps long lines
    assert "feature files missing" in text and missing in text
    assert f"video '{short}':" in text and "feature steps but duration·fps/stride" in text
    assert "starting at/after the video end dropped" in text and f"{past_end} (1)" in text
    return text
