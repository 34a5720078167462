"""Parameter counts of the configs behind Table 8 (FFT vs self-attention global extractor).

Each Table 8 row is built from its real (paper-scale) config, whose count is comparable with
the paper's 9.5M / 26.1M, and from its synthetic (tiny) config. Counts come from
``models.cltdr_gmg.parameter_counts`` when it is available, else from the top-level modules.
A config that does not exist or does not build gives a count with an ``error``, never a crash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.experiments.schema import SCALES, Cell, Experiment
from harness.manifest import REPO_ROOT
from reports.layout import row_label
from reports.params import ParamCount

PARAMS_TABLE = 8


def module_counts(model: Any) -> tuple[int, dict[str, int]]:
    """(total, top-level module -> parameters); parameters owned by the root are ``other``.

    Args:
        model: a ``torch.nn.Module``.
    """
    try:
        from models.cltdr_gmg import parameter_counts  # the model's own breakdown
    except ImportError:
        parameter_counts = None
    if parameter_counts is not None:
        counts = dict(parameter_counts(model))
        total = int(counts.pop("total"))
        modules = {k: int(v) for k, v in counts.items() if v}
    else:
        total = sum(p.numel() for p in model.parameters())
        modules = {name: n for name, child in model.named_children()
                   if (n := sum(p.numel() for p in child.parameters()))}
    rest = total - sum(modules.values())
    if rest > 0:
        modules["other"] = rest
    return total, modules


def count_config(config: Path, overrides: dict[str, Any] | None = None) -> tuple[int, dict[str, int]]:
    """Build the model of a leaf config on CPU and count its parameters.

    Raises:
        ConfigError: the config does not load or its model does not build.
    """
    from mmengine.registry import DefaultScope

    from harness.errors import ConfigError
    from harness.registry import MODELS
    from harness.runner import load_config

    cfg = load_config(config, overrides)
    try:
        with DefaultScope.overwrite_default_scope("harness"):
            model = MODELS.build(cfg.model)
    except Exception as exc:  # any build error becomes one line in the report
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise ConfigError(f"{config}: model does not build ({type(exc).__name__}: {first})") from exc
    return module_counts(model)


def _count_cell(cell: Cell, repo_root: Path) -> ParamCount:
    base = dict(row_key=cell.row.key, label=row_label(cell.row.table, cell.row.method,
                                                      cell.row.variant),
                scale=cell.scale, config=cell.config or "")
    if cell.kind != "run" or cell.config is None:
        reason = "config not available yet" if cell.kind == "unavailable" else "no config"
        return ParamCount(**base, error=reason)
    try:
        total, modules = count_config(repo_root / cell.config, cell.override_dict())
    except HarnessError as exc:
        return ParamCount(**base, error=str(exc))
    return ParamCount(**base, total=total, modules=modules)


def table8_counts(experiment: Experiment, repo_root: Path = REPO_ROOT) -> list[ParamCount]:
    """Counts of every Table 8 row of ``experiment`` at both scales (empty without Table 8)."""
    out = []
    for scale in SCALES:
        for cell in experiment.cells(scale, repo_root=repo_root):
            if cell.row.table == PARAMS_TABLE:
                out.append(_count_cell(cell, repo_root))
    return out
