"""Helper of test_ddp_equivalence: N processes x batch b vs one process x batch N·b.

``run(kind, rank, world)`` trains the tiny synthetic model of ``kind`` for ``ITERS`` iterations
through mmengine's ``MMDistributedDataParallel`` (as the runner wraps it on CPU) when
``world > 1``, or bare when ``world == 1``, with the harness's optimiser wrapper, and returns
per iteration the loss dict (averaged over ranks) and the gradients before clipping.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import torch

ITERS = 3
VIDEOS = 4  # whole batch; rank r of N takes videos r*4/N .. (r+1)*4/N
T = 64
CONFIGS = {
    "actionformer": "harness/configs/actionformer/synthetic_thumos_like.py",
    "tridet": "harness/configs/tridet/synthetic_thumos_like.py",
    "cltdr_gmg": "harness/configs/cltdr_gmg/synthetic_thumos_like.py",
}


def videos() -> list[dict[str, Any]]:
    """Four videos with GTs on different levels (video 3 has no GT at all)."""
    gen = torch.Generator().manual_seed(123)
    spans = [[[4.0, 9.0], [20.0, 52.0]], [[30.0, 33.0]], [[2.0, 60.0], [10.0, 14.0]], []]
    out = []
    for i, segs in enumerate(spans):
        t = T - 3 * i
        out.append({
            "feats": torch.randn(64, t, generator=gen), "video_id": f"v{i}", "fps": 30.0,
            "duration": t * 4 / 30.0, "feat_stride": 4, "feat_num_frames": 16,
            "segments": torch.tensor(segs, dtype=torch.float32).reshape(-1, 2),
            "labels": torch.arange(len(segs), dtype=torch.int64) % 10,
        })
    return out


def build(kind: str):
    from mmengine.config import Config

    import models  # noqa: F401
    from harness.registry import MODELS

    cfg = Config.fromfile(CONFIGS[kind])
    mcfg = cfg.model
    mcfg.max_seq_len = T
    torch.manual_seed(0)
    model = MODELS.build(mcfg)
    for m in model.modules():
        if hasattr(m, "drop_prob"):
            m.drop_prob = 0.0
    if hasattr(model, "input_noise"):
        model.input_noise = 0.0
    return model, cfg.optim_wrapper.to_dict()


def run(kind: str, rank: int, world: int) -> dict[str, Any]:
    from datasets.collate import tal_collate
    from harness.optim import DecayWhitelistOptimWrapperConstructor

    torch.set_num_threads(1)
    model, ow = build(kind)
    model.train()
    net = model
    if world > 1:
        from mmengine.model import MMDistributedDataParallel

        net = MMDistributedDataParallel(module=model, device_ids=None)
    ow.pop("constructor", None)
    paramwise = ow.pop("paramwise_cfg", None)
    wrapper = DecayWhitelistOptimWrapperConstructor(optim_wrapper_cfg=ow, paramwise_cfg=paramwise)(net)
    # a small step: AdamW's first update is about lr·sign(g), so an element whose gradient is
    # float noise moves by ±lr in either run; at 1e-3 that noise shows in the next gradients
    for g in wrapper.optimizer.param_groups:
        g["lr"] = 1e-5
    grads: list[dict[str, torch.Tensor]] = []
    step = wrapper.step

    def recording_step(**kwargs):
        grads.append({n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None})
        step(**kwargs)

    wrapper.step = recording_step
    per = VIDEOS // world
    batch = videos()[rank * per:(rank + 1) * per]
    losses = []
    for _ in range(ITERS):
        log_vars = net.train_step(tal_collate(batch), wrapper)
        row = torch.tensor([float(log_vars["loss"].detach()), float(log_vars["loss_cls"].detach()),
                            float(log_vars["loss_reg"].detach())], dtype=torch.float64)
        if world > 1:
            torch.distributed.all_reduce(row)
            row /= world
        losses.append(row)
    return {"losses": torch.stack(losses), "grads": grads,
            "normalizer": model.loss_normalizer.value}


def main() -> None:
    """torchrun entry: ``python -m torch.distributed.run --nproc-per-node 2
    tests/harness/ddp_equivalence.py OUT_DIR`` writes ``OUT_DIR/<kind>.pt`` from rank 0."""
    torch.distributed.init_process_group(backend="gloo")
    rank, world = torch.distributed.get_rank(), torch.distributed.get_world_size()
    out_dir = sys.argv[1]
    for kind in sys.argv[2:] or list(CONFIGS):
        result = run(kind, rank, world)
        if rank == 0:
            torch.save(result, os.path.join(out_dir, f"{kind}.pt"))
    torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
