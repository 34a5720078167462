"""Training schedules: ``official`` (the config as written) and ``smoke``.

``smoke`` (``train/sweep --schedule smoke``, ``make ... SCHEDULE=smoke``; stored in the config
as the top-level key ``schedule='smoke'``, so it is part of the config hash) runs the real
config unchanged except for epochs and iterations: one epoch of :data:`SMOKE_ITERS`
iterations (the training set limited to ``batch_size × SMOKE_ITERS`` videos through the
dataset's ``indices``), the learning-rate schedule compressed into that epoch (no warm-up),
no per-epoch test curve (its one point would be the final evaluation); then the real
evaluation of the whole real test set. Its numbers measure that the pipeline runs, nothing else.
"""

from __future__ import annotations

from pathlib import Path

from harness.errors import ConfigError

SCHEDULES = ("official", "smoke")
SMOKE_ITERS = 2
SMOKE_BANNER = ("SMOKE SCHEDULE: one epoch of a few iterations; the numbers check that the "
                "pipeline runs, they are not results.")
REHEARSAL_BANNER = ("REHEARSAL DATA: synthetic features on real annotations "
                    "(python -m harness rehearse); mAP measures the pipeline, not the method.")


def schedule_of(cfg) -> str:
    name = cfg.get("schedule", "official")
    if name not in SCHEDULES:
        raise ConfigError(f"schedule must be one of {SCHEDULES}, got {name!r}")
    return name


def _compress(sched: dict) -> dict:
    out = dict(sched)
    if "end" in out:
        out["end"] = 1
    if "warmup" in out:
        out["warmup"] = 0
    if "begin" in out:
        out["begin"] = 0
    return out


def apply_schedule(cfg, iters: int = SMOKE_ITERS) -> None:
    """Rewrite a loaded config in place for its ``schedule`` key (no-op for ``official``)."""
    if schedule_of(cfg) != "smoke":
        return
    cfg.train_cfg.max_epochs = 1
    if "record_test_curve" in cfg.train_cfg:
        cfg.train_cfg.record_test_curve = False
    cfg.train_cfg.pop("curve_begin", None)
    sched = cfg.get("param_scheduler")
    if isinstance(sched, dict):
        cfg.param_scheduler = _compress(sched)
    elif isinstance(sched, (list, tuple)):
        cfg.param_scheduler = [_compress(s) for s in sched]
    loader = cfg.train_dataloader
    loader.dataset.indices = int(loader.batch_size) * int(iters)


def is_rehearsal_root(data_root: str | None) -> bool:
    """True when the data root was written by ``harness rehearse``."""
    return data_root is not None and any(Path(data_root).glob("*/rehearsal.json"))


def banners(schedule: str, rehearsal: bool) -> list[str]:
    return ([SMOKE_BANNER] if schedule == "smoke" else []) + ([REHEARSAL_BANNER] if rehearsal else [])
