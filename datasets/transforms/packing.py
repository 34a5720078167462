"""Pack the pipeline state into the dataset item of the shared contract."""

from __future__ import annotations

import torch

from harness.registry import TRANSFORMS

ITEM_KEYS = (
    "feats", "segments", "labels", "video_id", "fps", "duration", "feat_stride", "feat_num_frames",
)


@TRANSFORMS.register_module()
class PackTALInputs:
    """Return exactly the item keys: ``feats`` FloatTensor [C, T], ``segments`` FloatTensor
    [N, 2] grid units, ``labels`` LongTensor [N], ``video_id`` str, and ``fps``,
    ``duration``, ``feat_stride``, ``feat_num_frames`` floats (after any resize)."""

    def __call__(self, results: dict) -> dict:
        feats = results["feats"]
        segments = torch.as_tensor(results["segments"], dtype=torch.float32).reshape(-1, 2)
        labels = torch.as_tensor(results["labels"], dtype=torch.int64).reshape(-1)
        return {
            "feats": feats.to(torch.float32).contiguous(),  # [C, T]
            "segments": segments,  # [N, 2]
            "labels": labels,  # [N]
            "video_id": str(results["video_id"]),
            "fps": float(results["fps"]),
            "duration": float(results["duration"]),
            "feat_stride": float(results["feat_stride"]),
            "feat_num_frames": float(results["feat_num_frames"]),
        }

    def __repr__(self) -> str:
        return "PackTALInputs()"
