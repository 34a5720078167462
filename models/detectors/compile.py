"""The speed switch: ``torch.compile`` of a dense detector's network, applied after building.

Nothing in a block changes. :func:`enable_compile` stores the options on the built detector
(a plain dict, so checkpoints, state-dict keys and ``deepcopy`` — the EMA copy — are
unaffected); :meth:`DenseDetector._forward` then runs backbone → neck → heads through
``torch.compile`` (inductor by default). Padding, input noise, label assignment, losses,
decoding and NMS stay eager. Inductor draws random numbers with the eager generator
(``fallback_random``), so drop path and dropout see the same draws in both modes; values
differ from the plain path by float rounding only (fused kernels).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import Tensor, nn

from harness.errors import ConfigError

COMPILE_KEYS = ("backend", "mode", "dynamic", "fullgraph", "options")
_COMPILED: dict[str, Callable[..., Any]] = {}


def compile_options(value: Any, where: str = "torch_compile") -> dict[str, Any] | None:
    """The ``torch.compile`` keyword arguments of a switch value: None/False → off, True → {}.

    Raises:
        ConfigError: one line naming a value that is neither a bool nor a dict of
            :data:`COMPILE_KEYS`.
    """
    if value is None or value is False:
        return None
    if value is True:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be True, False or a dict of {list(COMPILE_KEYS)}, got {value!r}")
    unknown = sorted(set(value) - set(COMPILE_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown} (torch.compile takes {list(COMPILE_KEYS)})")
    return dict(value)


def enable_compile(model: nn.Module, value: Any) -> dict[str, Any] | None:
    """Switch ``model`` (a ``DenseDetector``) to the compiled network; returns the options.

    Args:
        model: the built detector (unwrapped from DDP).
        value: the switch (see :func:`compile_options`).
    """
    options = compile_options(value)
    if not hasattr(model, "network"):
        raise ConfigError(f"torch_compile: {type(model).__name__} has no network() to compile")
    model.compile_options = options
    return options


def _run_network(model: nn.Module, x: Tensor, m: Tensor) -> Any:
    return model.network(x, m)


def compiled_network(options: Mapping[str, Any]) -> Callable[[nn.Module, Tensor, Tensor], Any]:
    """``torch.compile(lambda model, x, m: model.network(x, m), **options)``, one per options.

    The model is an argument (not captured), so each instance — the trained model and its
    EMA copy — gets its own guarded graph and copies never call another model's network.
    """
    key = json.dumps(dict(options), sort_keys=True, default=repr)
    if key not in _COMPILED:
        import torch._inductor.config as inductor_config  # local: loads inductor only when used

        inductor_config.fallback_random = True  # eager random draws (drop path, dropout)
        _COMPILED[key] = torch.compile(_run_network, **dict(options))
    return _COMPILED[key]
