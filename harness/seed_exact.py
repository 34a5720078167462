"""Seed-exact training: consume random numbers in the official order (reference README §F.6).

With ``seed_exact = True`` in a config, a harness run with seed S draws every random number
that the official ``train.py`` run with seed S draws, in the same order, from the same streams:

* the global torch generator is shared by the model (initialisation, input noise, drop path)
  and the sampler, as ``fix_random_seed`` hands the default generator to the loader;
* the loader's base seed is drawn **once per run** from that generator (the official loader has
  one persistent worker), just before the first permutation; the crops' Python ``random`` (and
  numpy) are then seeded with ``base_seed % 2**31``, as ``worker_init_reset_seed`` does;
* every epoch draws ``torch.randperm(n)``; batch k is ``perm[k·b:(k+1)·b]`` (drop_last);
* when batch ``n_batches − 2`` is handed out, the official loader (prefetch 2) asks its
  ``RandomSampler`` for one more index, which evaluates a trailing ``torch.randperm(n)`` that
  is discarded: drawn here at the same point, before that batch's forward.

The harness loader has no workers (the crops run in the main process, so the global
``random`` plays the worker's stream; nothing else in the main process draws from it). A
``torch.utils.data.DataLoader`` draws a base seed from the global generator at every
iterator creation: :class:`OfficialOrderBatchSampler` undoes that draw (it saves the
generator state when the iterator is created and restores it before its own draws).

Single process only (the official recipes train on one device). The default mode (mmengine's
``DefaultSampler`` with its own seeded generator) gives equally valid but different seeds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sized

import numpy as np
import torch

from harness.errors import ConfigError
from harness.registry import DATA_SAMPLERS

PREFETCH = 2  # official loader: 1 worker x prefetch_factor 2


@DATA_SAMPLERS.register_module()
class OfficialOrderBatchSampler:
    """Batches of the official ``RandomSampler`` + loader, drawn in the official order.

    Args:
        sampler: the loader's sampler (only its length, the dataset size, is used).
        batch_size: videos per batch (incomplete last batch dropped, as the official loader).
        prefetch: batches the official loader requests ahead (workers x prefetch_factor).
    """

    def __init__(self, sampler: Sized, batch_size: int, prefetch: int = PREFETCH, drop_last: bool = True) -> None:
        if not drop_last:
            raise ConfigError("OfficialOrderBatchSampler: the official loader drops the last batch")
        self.sampler = sampler  # mmengine's DistSamplerSeedHook sets its epoch (unused here)
        self.num_samples = len(sampler)
        self.batch_size = int(batch_size)
        self.prefetch = int(prefetch)
        self.base_seed: int | None = None
        self.permutations: list[list[int]] = []  # drawn so far (for parity checks)

    def __len__(self) -> int:
        return self.num_samples // self.batch_size

    def __iter__(self) -> Iterator[list[int]]:
        # called by DataLoader.__iter__ just before it draws its per-iterator base seed
        return self._batches(torch.get_rng_state())

    def _batches(self, state: torch.Tensor) -> Iterator[list[int]]:
        torch.set_rng_state(state)  # undo the DataLoader's own base-seed draw
        if self.base_seed is None:  # once per run: the persistent worker's seed
            self.base_seed = int(torch.empty((), dtype=torch.int64).random_().item())
            random.seed(self.base_seed % 2**31)
            np.random.seed(self.base_seed % 2**31)
        n, b = self.num_samples, self.batch_size
        perm = torch.randperm(n).tolist()
        self.permutations.append(perm)
        n_batches = len(self)
        trailing = max(n_batches - self.prefetch, 0)
        for k in range(n_batches):
            if k == trailing:
                torch.randperm(n)  # the sampler's trailing draw, discarded (README §F.6 5.1)
            yield perm[k * b:(k + 1) * b]


def apply_seed_exact(cfg) -> None:
    """Switch a config's training loader to the official random-number order (in place).

    Requires ``num_workers = 0`` (the crops then draw from the main process's ``random``,
    which the sampler seeds like the official worker) and a single process.
    """
    loader = cfg.train_dataloader
    if int(loader.get("num_workers", 0)) != 0:
        raise ConfigError("seed_exact: train_dataloader.num_workers must be 0 (the sampler "
                          "plays the official worker's random stream in the main process)")
    if not loader.get("drop_last", False):
        raise ConfigError("seed_exact: train_dataloader.drop_last must be True (official loader)")
    loader.pop("drop_last")  # the batch sampler drops the last batch (DataLoader refuses both)
    loader.batch_sampler = dict(type="OfficialOrderBatchSampler", drop_last=True)
    loader.sampler = dict(type="DefaultSampler", shuffle=False)  # length only
    loader.pop("persistent_workers", None)


def rng_order_of(cfg) -> str:
    """'official' for a config with ``seed_exact = True``, else 'default' (manifest field)."""
    return "official" if cfg.get("seed_exact", False) else "default"
