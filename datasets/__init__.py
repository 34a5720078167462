"""Feature datasets, loaders, transforms and the synthetic benchmark.

Importing the package is cheap: its names load on first use (PEP 562 ``__getattr__``), so that
light users (the evaluator reads annotation files through :mod:`datasets.annotations`) do not
pull torch and mmengine in. The modules that register the dataset (``FeatureTALDataset``), the
pipeline transforms, the ``tal_collate`` function and the synthetic dataset in the ``harness``
registries are listed in :mod:`datasets.registered`, the registries' import location; a new
registering module goes there.

Note: this package shadows Hugging Face's ``datasets`` inside the project's environment.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "FeatureTALDataset": "datasets.base",
    "standard_pipeline": "datasets.base",
    "tal_collate": "datasets.collate",
    "override_data_root": "datasets.data_root",
    "derived_head_empty_cls": "datasets.derived",
    "fill_head_empty_cls": "datasets.derived",
    "feature_path": "datasets.features",
    "load_feature_file": "datasets.features",
    "Finding": "datasets.scan",
    "SplitReport": "datasets.scan",
    "SplitSpec": "datasets.scan",
    "scan_split": "datasets.scan",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'datasets' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
