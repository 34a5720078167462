"""Every module of the package that registers something in the ``harness`` registries: the
import location of ``DATASETS``, ``FUNCTIONS`` and ``DATA_SAMPLERS`` (:mod:`harness.registry`),
imported on the first lookup."""

from datasets import base, collate, transforms  # noqa: F401  (registration)
from datasets.synthetic import dataset  # noqa: F401  (registration)
