"""Synthetic video-level classifier scores (the anet-like stand-in for ``cuhk_val_simp_share.json``).

Exactly ``round(accuracy·N)`` test videos have their true class ranked first; of the
others, most have it second (top-2 fusion can still recover them), the rest lower.
"""

from __future__ import annotations

import numpy as np

TOP1_ACCURACY = 0.9
SECOND_WHEN_WRONG = 0.7


def video_scores(
    rng: np.random.Generator, true_class: dict[str, int], num_classes: int,
    accuracy: float = TOP1_ACCURACY,
) -> dict[str, list[float]]:
    """Softmax scores per video.

    Args:
        rng: dataset-level generator.
        true_class: video id → the class of its actions (anet-like videos have one).
        num_classes: K.
        accuracy: fraction of videos whose top-1 class is right.

    Returns:
        video id → K scores (6 decimals, sum ≈ 1), in ``true_class`` order.
    """
    ids = list(true_class)
    n_right = int(round(accuracy * len(ids)))
    right = np.zeros(len(ids), dtype=bool)
    right[rng.permutation(len(ids))[:n_right]] = True
    out = {}
    for vid, ok in zip(ids, right):
        c = true_class[vid]
        logits = rng.normal(0.0, 1.0, num_classes)  # [K]
        u = rng.uniform(size=2)
        others = np.delete(np.arange(num_classes), c)
        best_other = logits[others].max()
        if ok:
            logits[c] = best_other + 0.5 + 2.5 * u[0]
        elif u[1] < SECOND_WHEN_WRONG:
            second = np.sort(logits[others])[-2]
            logits[c] = second + (best_other - second) * (0.1 + 0.8 * u[0])  # ranked second
        else:
            logits[c] = logits[others].min() - u[0]  # ranked last
        p = np.exp(logits - logits.max())
        out[vid] = [round(float(x), 6) for x in p / p.sum()]
    return out
