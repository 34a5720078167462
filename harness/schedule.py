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


def with_schedule(cell, schedule: str):
    """An experiment cell run under ``schedule`` (smoke: the override ``schedule='smoke'``,
    so the sweep's and the aggregation's expected config hash are the smoke config's)."""
    if schedule not in SCHEDULES:
        raise ConfigError(f"--schedule must be one of {SCHEDULES}, got {schedule!r}")
    if schedule == "official" or cell.kind != "run":
        return cell
    from dataclasses import replace

    overrides = tuple(sorted((*((k, v) for k, v in cell.overrides if k != "schedule"), ("schedule", schedule))))
    return replace(cell, overrides=overrides)


def results_folder(given: str, default: str, schedule: str) -> str:
    """Smoke runs and tables never share a folder with official ones: ``<default>-smoke``
    unless the user named a folder."""
    return f"{default}-smoke" if schedule == "smoke" and given == default else given


def stamp_banner(out_dir: str | Path, lines: list[str]) -> int:
    """Put ``lines`` at the top of every rendered HTML page and of ``latex/report.tex``;
    returns the files stamped."""
    import html
    import re

    if not lines:
        return 0
    stamped = 0
    box = "".join(f"<p>{html.escape(t)}</p>" for t in lines)
    div = ('<div class="harness-banner" style="border:3px solid #c60;background:#fff3e0;'
           f'padding:0.5em 1em;margin:0.5em 0;font-weight:bold">{box}</div>')
    for page in Path(out_dir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new, n = re.subn(r"(<body[^>]*>)", lambda m: m.group(1) + div, text, count=1)
        if n:
            page.write_text(new, encoding="utf-8")
            stamped += 1
    tex = Path(out_dir) / "latex" / "report.tex"
    if tex.is_file():
        body = r"\\".join(t.replace("%", r"\%").replace("&", r"\&").replace("_", r"\_") for t in lines)
        text = tex.read_text(encoding="utf-8")
        marker = r"\begin{document}"
        if marker in text:
            text = text.replace(marker, marker + "\n\\noindent\\fbox{\\parbox{\\linewidth}{\\textbf{"
                                + body + "}}}\n\n", 1)
            tex.write_text(text, encoding="utf-8")
            stamped += 1
    return stamped
