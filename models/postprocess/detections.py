"""``Detections``: the typed boundary between NMS, decoding and the evaluator."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass(frozen=True)
class Detections:
    """Detections of one video (or one NMS group), row-aligned.

    Attributes:
        segments: float32 [M, 2] (start, end), grid units before decoding, seconds after.
        scores: float [M] (float32 from NMS; float64 after external score fusion).
        labels: int64 [M], 0-based class indices.
    """

    segments: Tensor
    scores: Tensor
    labels: Tensor

    def __post_init__(self) -> None:
        m = self.scores.shape[0]
        if self.segments.shape != (m, 2) or self.labels.shape != (m,):
            raise ValueError(
                f"Detections: segments {tuple(self.segments.shape)}, scores {tuple(self.scores.shape)}"
                f" and labels {tuple(self.labels.shape)} are not [M, 2], [M], [M]"
            )

    def __len__(self) -> int:
        return int(self.scores.shape[0])

    @classmethod
    def empty(cls, label_dtype: torch.dtype = torch.int64) -> Detections:
        """No detections: ``zeros([0, 2])``, ``zeros([0])``, ``zeros([0], label_dtype)``."""
        return cls(torch.zeros(0, 2), torch.zeros(0), torch.zeros(0, dtype=label_dtype))

    @classmethod
    def cat(cls, parts: list[Detections]) -> Detections:
        """Row-wise concatenation in the given order (empty list → :meth:`empty`)."""
        if not parts:
            return cls.empty()
        return cls(
            torch.cat([p.segments for p in parts]),
            torch.cat([p.scores for p in parts]),
            torch.cat([p.labels for p in parts]),
        )

    def take(self, index: Tensor) -> Detections:
        """Rows ``index`` (int64 [K] or bool [M]) of every field."""
        return Detections(self.segments[index], self.scores[index], self.labels[index])
