"""``override_data_root``: point a loaded config at another data folder.

Convention: a dataset base config defines a top-level ``data_root = '...'``; datasets
take ``data_root=data_root`` with ``ann_file`` / ``feat_dir`` relative to it, and every
other data path (evaluator ``ann_file``, score files) is written as
``f'{data_root}/...'``. Overriding replaces, anywhere in the config, every string that
equals the old root or starts with ``<old root>/`` — so one call moves datasets,
evaluators and score files together, whatever their nesting.
"""

from __future__ import annotations

import os
from typing import Any

from harness.errors import ConfigError


def reroot(path: str, old: str, new: str) -> str | None:
    """``path`` with its leading ``old`` folder replaced by ``new``; None when not under ``old``."""
    if not path:
        return None
    old_n = os.path.normpath(old).rstrip(os.sep) or os.sep
    path_n = os.path.normpath(path)
    if path_n == old_n:
        return new
    head = old_n if old_n.endswith(os.sep) else old_n + os.sep
    if old_n != os.curdir and path_n.startswith(head):
        return os.path.join(new, path_n[len(head):])
    return None


def _walk(node: Any, old: str, new: str) -> int:
    """Re-root string values in nested dicts / lists in place; returns the number changed."""
    changed = 0
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return 0
    for key, value in items:
        if isinstance(value, str):
            moved = reroot(value, old, new)
            if moved is not None:
                node[key] = moved
                changed += 1
        elif isinstance(value, tuple):
            node[key] = type(value)(reroot(v, old, new) or v if isinstance(v, str) else v for v in value)
        else:
            changed += _walk(value, old, new)
    return changed


def override_data_root(cfg: Any, data_root: str | os.PathLike[str]) -> Any:
    """Replace the config's data root in place (an mmengine ``Config`` or a plain dict).

    Args:
        cfg: the loaded config; must define a top-level string ``data_root``.
        data_root: the new folder.

    Returns:
        ``cfg`` (modified in place).

    Raises:
        ConfigError: the config has no top-level ``data_root``.
    """
    where = getattr(cfg, "filename", None) or "config"
    old = cfg.get("data_root")
    if not isinstance(old, str) or not old:
        raise ConfigError(f"{where}: no top-level data_root to override (dataset base configs define one)")
    new = os.fspath(data_root)
    for key in list(cfg.keys()):
        if key == "data_root":
            continue
        value = cfg[key]
        if isinstance(value, str):
            moved = reroot(value, old, new)
            if moved is not None:
                cfg[key] = moved
        else:
            _walk(value, old, new)
    cfg["data_root"] = new
    return cfg
