"""The loss normaliser: an EMA of the number of positives, a Python float."""

from __future__ import annotations

import torch
import torch.distributed as dist


def global_num_pos(num_pos: int) -> tuple[int, int]:
    """(positives summed over all processes, world size); (num_pos, 1) without DDP.

    Under ``torch.distributed`` every rank must call this in the same order (it is called once
    per training iteration by :meth:`LossNormalizer.step`). The count travels as a float64
    tensor on the backend's device (CPU for gloo, the current CUDA device for NCCL).
    """
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return num_pos, 1
    device = torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else "cpu"
    count = torch.tensor([float(num_pos)], dtype=torch.float64, device=device)
    dist.all_reduce(count)
    return int(round(float(count.item()))), dist.get_world_size()


class LossNormalizer:
    """norm ← m·norm + (1 − m)·max(num_pos, 1), updated **before** use.

    A plain float (not a buffer): absent from checkpoints and EMA weights, and it restarts at
    ``init`` when a model is rebuilt, as in the official code. ``updates_per_iter`` is how
    many times one training iteration advances it (1 for ActionFormer/TriDet, 2 for
    CLTDR-GMG, whose two loss terms each update it).

    Under DDP with N processes, :meth:`step` counts the positives of all processes (so every
    rank holds the normaliser of the whole batch) and returns divisors ``norm / N``: each rank
    sums its own share of the loss, DDP averages the gradients over ranks, and N processes
    with batch b then train like one process with batch N·b (same losses and gradients up to
    float summation order).
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
        """Advance ``updates_per_iter`` times with the batch's positives (all processes);
        return the successive divisors (the values / world size; use them in order)."""
        total, world = global_num_pos(num_pos)
        values = [self.update(total) for _ in range(self.updates_per_iter)]
        return values if world == 1 else [v / world for v in values]

    def reset(self) -> None:
        self.value = self.init
