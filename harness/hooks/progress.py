"""Short progress lines for the terminal (the log file keeps mmengine's LoggerHook lines).

One line at the end of every training epoch and, within a long epoch, one line whenever
``every_s`` seconds have passed since the last line (so that a slow first epoch on a CPU
still shows life); one line per evaluation during training. Example::

    epoch 3/7  iter 96/224  loss 0.9123  lr 3.71e-03  4.1 s/epoch  eta 0:00:17
    eval after epoch 6: average_mAP 0.2431  mAP@0.30 0.3110 ...

The lines are marked for the console (:func:`harness.console.console_line`), which otherwise
shows only warnings and errors. The ETA is the wall time per iteration so far (evaluations
included) times the iterations left.
"""

from __future__ import annotations

import datetime
import math
import time

from mmengine.hooks import Hook
from mmengine.runner import BaseLoop

from harness.console import console_line
from harness.registry import HOOKS


def _fmt_eta(seconds: float) -> str:
    return str(datetime.timedelta(seconds=int(max(0.0, seconds))))


@HOOKS.register_module()
class ProgressHook(Hook):
    """Console progress of a training run (see the module docstring).

    Args:
        every_s: also log within an epoch when this many seconds passed since the last line.
    """

    priority = "BELOW_NORMAL"

    def __init__(self, every_s: float = 60.0) -> None:
        self.every_s = float(every_s)
        self._start = self._last = 0.0
        self._start_iter = 0
        self._losses: list[float] = []
        self._epoch_start = 0.0

    def before_train(self, runner) -> None:
        self._start = self._last = time.monotonic()
        self._start_iter = int(runner.iter)

    def before_train_epoch(self, runner) -> None:
        self._epoch_start = time.monotonic()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        loss = (outputs or {}).get("loss")
        if loss is not None:
            self._losses.append(float(loss.detach()) if hasattr(loss, "detach") else float(loss))
        now = time.monotonic()
        end_of_epoch = batch_idx + 1 == len(runner.train_dataloader)
        if end_of_epoch or now - self._last >= self.every_s:
            self._line(runner, now, end_of_epoch)

    def _line(self, runner, now: float, end_of_epoch: bool) -> None:
        loop = runner.train_loop
        done, total = int(runner.iter) + 1, int(loop.max_iters)
        per_iter = (now - self._start) / max(1, done - self._start_iter)
        loss = sum(self._losses) / len(self._losses) if self._losses else math.nan
        parts = [
            f"epoch {int(runner.epoch) + 1}/{int(loop.max_epochs)}",
            f"iter {done}/{total}",
            f"loss {loss:.4f}",
        ]
        try:
            lr = runner.message_hub.get_scalar("train/lr").current()
            parts.append(f"lr {float(lr):.2e}")
        except KeyError:
            pass
        if end_of_epoch:
            parts.append(f"{now - self._epoch_start:.1f} s/epoch")
        parts.append(f"eta {_fmt_eta(per_iter * (total - done))}")
        console_line(runner.logger, "  ".join(parts))
        self._last, self._losses = now, []

    def after_val_epoch(self, runner, metrics=None) -> None:
        if not metrics or not isinstance(getattr(runner, "_train_loop", None), BaseLoop):
            return
        shown = "  ".join(f"{k.rsplit('/', 1)[-1]} {float(v):.4f}" for k, v in _ordered(metrics))
        console_line(runner.logger, f"eval after epoch {int(runner.epoch)}: {shown}")


def _ordered(metrics: dict) -> list[tuple[str, float]]:
    """Numeric metrics, ``average_mAP`` first."""
    items = []
    for key, value in metrics.items():
        try:
            items.append((key, float(value)))
        except (TypeError, ValueError):
            continue
    return sorted(items, key=lambda kv: not kv[0].endswith("average_mAP"))
