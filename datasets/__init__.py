"""Feature datasets, loaders, transforms and the synthetic benchmark.

Importing the package registers the dataset (``FeatureTALDataset``), the pipeline
transforms, the ``tal_collate`` function and the synthetic dataset of
:mod:`datasets.synthetic` in the ``harness`` registries.

Note: this package shadows Hugging Face's ``datasets`` inside the project's environment.
"""

from datasets import synthetic, transforms  # noqa: F401  (register SyntheticTALDataset, transforms)
from datasets.base import FeatureTALDataset, standard_pipeline
from datasets.collate import tal_collate
from datasets.data_root import override_data_root
from datasets.derived import derived_head_empty_cls, fill_head_empty_cls
from datasets.features import feature_path, load_feature_file
from datasets.scan import Finding, SplitReport, SplitSpec, scan_split

__all__ = [
    "FeatureTALDataset",
    "Finding",
    "SplitReport",
    "SplitSpec",
    "derived_head_empty_cls",
    "feature_path",
    "fill_head_empty_cls",
    "load_feature_file",
    "override_data_root",
    "scan_split",
    "standard_pipeline",
    "tal_collate",
]
