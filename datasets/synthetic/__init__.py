"""The synthetic TAL benchmark (data-and-eval.md §7): generator, dataset, calibration baselines.

:class:`SyntheticTALDataset` registers in ``harness.registry.DATASETS`` when
:mod:`datasets.synthetic.dataset` is imported (through :mod:`datasets.registered`). The names
below load on first use (PEP 562), so that reading the presets (``make-data --help``) does not
import torch. See README.md here for the design, the knobs and the calibration numbers.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "GENERATOR_VERSION": "datasets.synthetic.presets",
    "PRESETS": "datasets.synthetic.presets",
    "QUALITIES": "datasets.synthetic.presets",
    "SyntheticSpec": "datasets.synthetic.generator",
    "SyntheticTALDataset": "datasets.synthetic.dataset",
    "ensure_synthetic": "datasets.synthetic.dataset",
    "write_dataset": "datasets.synthetic.generator",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'datasets.synthetic' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
