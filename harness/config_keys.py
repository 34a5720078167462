"""Unknown config keys are errors naming the key and the nearest valid name.

- ``--cfg-options`` keys must start with an existing top-level key, a keyword of mmengine's
  ``Runner`` or a key of the harness's config convention (``trian_cfg.max_epochs=3`` once
  created a new, unused key and trained silently).
- Every typed dict under ``model`` (and every typed dict an override writes into) may hold only
  keys its class accepts: the ``__init__`` parameters of the class, following ``**kwargs`` up
  the class's bases (CLTDR-GMG passes its extra keys to TriDet). A class whose whole chain
  takes ``**kwargs`` cannot be checked and is skipped.
"""

from __future__ import annotations

import difflib
import inspect
from typing import Any

from harness.errors import ConfigError

ALWAYS_ALLOWED = {"type", "_scope_", "init_cfg"}
# top-level keys of the harness's config convention a leaf may lack (datasets/data_root.py, records)
CONVENTION_KEYS = {"data_root", "dataset_name", "feature_set", "custom_imports", "default_scope",
                   "torch_compile", "record_test_curve", "seed_exact",
                   "schedule"}  # 'official' | 'smoke' (harness/schedule.py)


def runner_keys() -> set[str]:
    """Every keyword of mmengine's ``Runner``: valid top-level keys even when a config lacks them."""
    from mmengine.runner import Runner

    return accepted_keys(Runner) or set()


def nearest(word: str, choices) -> str:
    """``; did you mean 'x'?`` or ``; valid: a, b, c`` when nothing is close."""
    choices = sorted(set(map(str, choices)))
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; valid: {', '.join(choices[:12])}{' ...' if len(choices) > 12 else ''}"


def accepted_keys(cls: type) -> set[str] | None:
    """Keyword names ``cls(...)`` accepts, or None when it takes arbitrary ``**kwargs``."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return None
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return names - {"self"}
    return None


def _registries() -> list:
    import harness.registry as reg

    return [getattr(reg, n) for n in dir(reg) if n.isupper() and hasattr(getattr(reg, n), "get")
            and n != "SCOPE"]


def resolve_type(type_: Any) -> type | None:
    """The class a ``type`` names when exactly one harness registry knows it, else None."""
    if isinstance(type_, type):
        return type_
    if not isinstance(type_, str):
        return None
    found = set()
    for registry in _registries():
        try:
            obj = registry.get(type_)
        except Exception:  # a registry whose locations fail to import: not ours to judge here
            obj = None
        if isinstance(obj, type):
            found.add(obj)
    return found.pop() if len(found) == 1 else None


def check_typed_dict(node: dict, where: str, source: str, only: set[str] | None = None) -> None:
    cls = resolve_type(node.get("type"))
    if cls is None:
        return
    allowed = accepted_keys(cls)
    if allowed is None:
        return
    for key in node:
        if key in ALWAYS_ALLOWED or key in allowed or (only is not None and key not in only):
            continue
        raise ConfigError(f"{source}: {where}.{key}: unknown key for {cls.__name__}"
                          f"{nearest(key, allowed)}")


def check_model_keys(cfg: Any, source: str) -> None:
    """Every typed dict under ``cfg.model`` holds only keys its class accepts."""

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if "type" in node:
                check_typed_dict(node, where, source)
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    model = cfg.get("model")
    if isinstance(model, dict):
        walk(model, "model")


def check_override_keys(top_level: set[str], cfg: Any, overrides: dict[str, Any], source: str) -> None:
    """``--cfg-options`` keys: an existing top-level key, and a key its typed dict accepts."""
    for key in overrides:
        parts = key.split(".")
        if parts[0] not in top_level:
            raise ConfigError(f"{source}: --cfg-options {key}: unknown top-level key {parts[0]!r}"
                              f"{nearest(parts[0], top_level)}")
        node: Any = cfg
        for part in parts[:-1]:
            node = node.get(part) if hasattr(node, "get") else None
            if not isinstance(node, dict):
                break
        else:
            if "type" in node:
                check_typed_dict(node, ".".join(parts[:-1]), source, only={parts[-1]})
