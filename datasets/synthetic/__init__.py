"""The synthetic TAL benchmark (data-and-eval.md §7): generator, dataset, calibration baselines.

Importing the package registers :class:`SyntheticTALDataset` in ``harness.registry.DATASETS``.
See README.md here for the design, the knobs and the calibration numbers.
"""

from datasets.synthetic.dataset import SyntheticTALDataset, ensure_synthetic
from datasets.synthetic.generator import SyntheticSpec, write_dataset
from datasets.synthetic.presets import GENERATOR_VERSION, PRESETS, QUALITIES

__all__ = [
    "GENERATOR_VERSION",
    "PRESETS",
    "QUALITIES",
    "SyntheticSpec",
    "SyntheticTALDataset",
    "ensure_synthetic",
    "write_dataset",
]
