"""Load a video's feature file into the pipeline (``feats`` FloatTensor [C, T])."""

from __future__ import annotations

import torch

from datasets.features import load_feature_file
from harness.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadTALFeatures:
    """Read ``feat_path`` (format by extension), slice ``channels``, check ``input_dim``
    and finiteness, cast to float32 and transpose T x C -> C x T.

    The dataset puts ``feat_path``, ``channels`` and ``input_dim`` into each data info.
    """

    def __call__(self, results: dict) -> dict:
        arr = load_feature_file(
            results["feat_path"],
            channels=results.get("channels"),
            input_dim=results.get("input_dim"),
        )  # [T, C]
        results["feats"] = torch.from_numpy(arr.T.copy())  # [C, T]
        return results

    def __repr__(self) -> str:
        return "LoadTALFeatures()"
