"""The seed-exact batch sampler draws like the official loader (RandomSampler on the global
generator, 1 persistent worker, prefetch 2, worker_init_reset_seed), README §F.6."""

from __future__ import annotations

import random

import pytest
import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler, SequentialSampler

from harness.errors import ConfigError
from harness.seed_exact import OfficialOrderBatchSampler, apply_seed_exact, rng_order_of

N, BATCH, EPOCHS = 10, 2, 3


class DrawingDataset(Dataset):
    """Each item draws from Python's global random, as the official crop does."""

    def __len__(self) -> int:
        return N

    def __getitem__(self, i: int):
        return torch.tensor([i, random.randint(0, 10**6)])


def worker_init_reset_seed(_worker_id: int) -> None:  # the official worker_init_fn
    random.seed(torch.initial_seed() % 2**31)


def collate(items):
    return torch.stack(items)


def run(loader: DataLoader) -> tuple[list[list[int]], list[list[int]], list[str]]:
    """Indices, crop draws and the global RNG digest before each 'forward' (one rand draw)."""
    indices, draws, digests = [], [], []
    for _ in range(EPOCHS):
        for batch in loader:
            indices.append(batch[:, 0].tolist())
            draws.append(batch[:, 1].tolist())
            digests.append(str(torch.get_rng_state().sum().item()) + str(torch.rand(1).item()))
    return indices, draws, digests


def test_same_draws_as_the_official_loader():
    torch.manual_seed(0)
    official = DataLoader(
        DrawingDataset(), batch_size=BATCH, shuffle=True, drop_last=True, num_workers=1,
        persistent_workers=True, prefetch_factor=2, worker_init_fn=worker_init_reset_seed,
        generator=torch.default_generator, collate_fn=collate,
    )
    expected = run(official)
    torch.manual_seed(0)
    sampler = OfficialOrderBatchSampler(SequentialSampler(range(N)), BATCH)
    harness = DataLoader(DrawingDataset(), batch_sampler=sampler, num_workers=0, collate_fn=collate)
    actual = run(harness)
    assert actual[0] == expected[0]  # sampler order, every epoch
    assert actual[1] == expected[1]  # the crops' Python random stream
    assert actual[2] == expected[2]  # the global torch stream before every forward
    assert len(sampler.permutations) == EPOCHS and sampler.base_seed is not None


def test_default_random_sampler_differs():
    """Sanity: without the trailing draw the streams part (the test above can fail)."""
    torch.manual_seed(0)
    plain = DataLoader(DrawingDataset(), batch_size=BATCH, sampler=RandomSampler(range(N)),
                       drop_last=True, num_workers=0, collate_fn=collate)
    torch.manual_seed(0)
    official = DataLoader(DrawingDataset(), batch_size=BATCH, shuffle=True, drop_last=True,
                          num_workers=1, persistent_workers=True, worker_init_fn=worker_init_reset_seed,
                          generator=torch.default_generator, collate_fn=collate)
    torch.manual_seed(0)
    a = run(plain)
    torch.manual_seed(0)
    b = run(official)
    assert a[2] != b[2]


def test_apply_seed_exact_rewrites_the_loader_and_refuses_workers():
    from mmengine.config import Config

    cfg = Config(dict(seed_exact=True, train_dataloader=dict(
        batch_size=2, num_workers=0, drop_last=True, sampler=dict(type="DefaultSampler", shuffle=True),
        dataset=dict(type="X"))))
    apply_seed_exact(cfg)
    assert cfg.train_dataloader.batch_sampler.type == "OfficialOrderBatchSampler"
    assert "drop_last" not in cfg.train_dataloader and rng_order_of(cfg) == "official"
    bad = Config(dict(train_dataloader=dict(batch_size=2, num_workers=2, drop_last=True)))
    with pytest.raises(ConfigError, match="num_workers"):
        apply_seed_exact(bad)


def test_switch_is_in_the_config_hash():
    from harness.runner import resolve_run_config

    config = "harness/configs/tridet/synthetic_thumos_like.py"
    plain = resolve_run_config(config, 0)
    exact = resolve_run_config(config, 0, overrides={"seed_exact": True})
    assert plain.config_hash != exact.config_hash
    assert exact.cfg.train_dataloader.batch_sampler.type == "OfficialOrderBatchSampler"
    with pytest.raises(ConfigError, match="one process"):
        resolve_run_config(config, 0, overrides={"seed_exact": True}, launcher="pytorch")


@pytest.mark.slow
def test_runner_draws_in_the_official_order(tmp_path):
    """Under the runner, the global generator at the first forward is exactly: seed → model
    initialisation → the loader's base seed → the first permutation (nothing else draws)."""
    from mmengine.runner import set_random_seed

    import models  # noqa: F401
    from harness.registry import MODELS
    from harness.runner import build_runner

    torch.set_num_threads(1)
    runner = build_runner(
        "harness/configs/tridet/synthetic_thumos_like.py", 0, work_dir=tmp_path / "run",
        data_root=tmp_path / "data",
        overrides={"seed_exact": True, "train_cfg.max_epochs": 1, "train_cfg.record_test_curve": False,
                   "train_cfg.curve_begin": 0})
    seen: list[torch.Tensor] = []

    class Stop(Exception):
        pass

    def first_forward(_mod, _args, _kwargs):
        seen.append(torch.get_rng_state().clone())
        raise Stop

    runner.model.register_forward_pre_hook(first_forward, with_kwargs=True)
    try:
        with pytest.raises(Stop):
            runner.train()
    finally:
        torch.use_deterministic_algorithms(False)
    set_random_seed(0)
    fresh = MODELS.build(runner.cfg.model)
    trained = runner.model.state_dict()
    assert all(torch.equal(trained[k], v) for k, v in fresh.state_dict().items())
    torch.empty((), dtype=torch.int64).random_()  # the base seed, once per run
    torch.randperm(len(runner.train_dataloader.dataset))  # epoch 0
    assert torch.equal(seen[0], torch.get_rng_state())
