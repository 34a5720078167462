"""The loss normaliser: an EMA of the number of positives, a Python float."""

from __future__ import annotations


class LossNormalizer:
    """norm ← m·norm + (1 − m)·max(num_pos, 1), updated **before** use.

    A plain float (not a buffer): absent from checkpoints and EMA weights, and it restarts at
    ``init`` when a model is rebuilt, as in the official code. ``updates_per_iter`` is how
    many times one training iteration advances it (1 for ActionFormer/TriDet, 2 for
    CLTDR-GMG, whose two loss terms each update it).
    """

    def __init__(self, init: float, *, momentum: float = 0.9, updates_per_iter: int = 1) -> None:
        assert updates_per_iter >= 1
        self.init = float(init)
        self.value = float(init)
        self.momentum = float(momentum)
        self.updates_per_iter = updates_per_iter

    def update(self, num_pos: int) -> float:
        """Advance once and return the new value."""
        self.value = self.momentum * self.value + (1 - self.momentum) * max(num_pos, 1)
        return self.value

    def step(self, num_pos: int) -> list[float]:
        """Advance ``updates_per_iter`` times; return the successive values (use them in order)."""
        return [self.update(num_pos) for _ in range(self.updates_per_iter)]

    def reset(self) -> None:
        self.value = self.init
