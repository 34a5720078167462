"""Tiny CLTDR-GMG config and batch shared by the detector tests (imported by file name)."""

from __future__ import annotations

import torch

TINY = dict(
    input_dim=8, num_classes=3, max_seq_len=32, sgp_mlp_dim=24, backbone_arch=(2, 1, 2),
    regression_range=[(0, 4), (4, 8), (8, 10000)], n_sgp_win_size=3, embd_dim=16,
    fpn_dim=16, head_dim=16, num_bins=4, iou_weight_power=0.2, k=5,
    train_cfg=dict(init_loss_norm=100, droppath=0.1),
    test_cfg=dict(pre_nms_topk=200, max_seg_num=50, min_score=0.001),
)


def tiny_batch(seed: int = 0, lengths=(32, 21), input_dim: int = 8):
    """A collated batch of random features (zero-padded), masks and samples with GT."""
    g = torch.Generator().manual_seed(seed)
    T = max(lengths)
    x = torch.randn(len(lengths), input_dim, T, generator=g)
    masks = (torch.arange(T)[None] < torch.tensor(lengths)[:, None])[:, None]
    x = x * masks
    samples = [  # short, medium and one long GT per video (positives on every level)
        dict(segments=torch.tensor([[2.0, 5.0], [10.0, 18.5], [1.0, min(n, 32) - 1.0]]),
             labels=torch.tensor([0, 2, 1]), video_id=f"v{i}", fps=30.0,
             duration=n * 4 / 30.0 + 0.3, feat_stride=4, feat_num_frames=16)
        for i, n in enumerate(lengths)
    ]
    return x, masks, samples
