"""``SyntheticTALDataset``: the zero-setup default dataset.

On construction it makes sure its ``data_root`` holds the synthetic dataset named by
(``preset``, ``quality``, ``seed``) — generating it there, under an inter-process lock,
when the folder is absent or empty — and then behaves exactly like
:class:`datasets.base.FeatureTALDataset` (same files, loaders, transforms and checks).
A folder holding another dataset is never overwritten: that is a one-line DataError.
"""

from __future__ import annotations

import logging
from typing import Any

from mmengine.logging import print_log

from datasets.base import FeatureTALDataset
from datasets.synthetic.generator import SyntheticSpec, write_dataset
from harness.errors import ConfigError, DataError
from harness.registry import DATASETS


def ensure_synthetic(spec: SyntheticSpec, data_root: str) -> dict:
    """Generate ``spec`` into ``data_root`` unless that exact dataset is already there.

    Returns:
        the dataset's manifest.

    Raises:
        DataError: ``data_root`` holds something else.
    """
    try:
        status, manifest = write_dataset(spec, data_root, force=False)
    except DataError as exc:
        raise DataError(f"{exc} (SyntheticTALDataset data_root)") from None
    if status != "exists":
        print_log(f"generated synthetic {spec.preset}/{spec.quality} seed {spec.seed} in {data_root}",
                  logger="current", level=logging.INFO)
    return manifest


@DATASETS.register_module()
class SyntheticTALDataset(FeatureTALDataset):
    """A :class:`FeatureTALDataset` over a synthetic dataset it generates on first use.

    Args:
        preset: ``thumos-like``, ``anet-like`` or ``multithumos-like``.
        quality: ``low``, ``mid`` or ``high``.
        seed: the data seed (not the training seed).
        num_train / num_test: video-count overrides (tests); None = the preset's.
        data_root: the dataset folder (generated there); required.
        **base_args: every argument of :class:`FeatureTALDataset`, passed through
            unchanged (its constructor is keyword-only without ``**kwargs``, so unknown
            keys still raise); kept as one set so the two classes cannot drift apart.
    """

    def __init__(
        self,
        *,
        preset: str,
        quality: str = "mid",
        seed: int = 0,
        num_train: int | None = None,
        num_test: int | None = None,
        data_root: str,
        **base_args: Any,
    ) -> None:
        if not data_root:
            raise ConfigError("SyntheticTALDataset: data_root (the folder to generate into) is required")
        self.synthetic_spec = SyntheticSpec(preset=preset, quality=quality, seed=int(seed),
                                            num_train=num_train, num_test=num_test)
        self.synthetic_manifest = ensure_synthetic(self.synthetic_spec, str(data_root))
        super().__init__(data_root=data_root, **base_args)
