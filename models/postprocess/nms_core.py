"""The hard-NMS core (vectorised over groups) and the pieces Soft-NMS shares with it.

For hard NMS the candidates of R independent groups (classes) are packed into padded
float32 rows ``[R, W]`` and every step of the official C++ loop (``nms_cpu.cpp`` of ActionFormer,
TriDet and CLTDR-GMG) runs for all rows at once with numpy. Groups of very different
sizes go to separate buckets so that padding stays small. All arithmetic is float32 in
the operand order of the C++ code (tests/golden/reference/README.md §E).
"""

from __future__ import annotations

import numpy as np

F32 = np.float32
LENGTH_EPS = F32(1e-6)  # the C++ code adds 1e-6 to every segment length


SOFT_NMS_METHODS = (0, 1, 2)  # hard, linear, Gaussian (the C++ op's codes)


def soft_nms_method_error(method: object) -> ValueError:
    """The one-line error for a Soft-NMS ``method`` outside :data:`SOFT_NMS_METHODS`."""
    return ValueError(f"soft-NMS method must be 0 (hard), 1 (linear) or 2 (Gaussian), got {method}")


def bucket_groups(counts: np.ndarray, min_saving: int = 256) -> list[np.ndarray]:
    """Split groups into buckets of similar size (largest first) to bound the padding.

    A new bucket starts when a group is at most half as long as the bucket's first one
    and the difference is at least ``min_saving`` slots (below that, one more loop costs
    more than the padding).

    Args:
        counts: int64 [G] candidates per group.

    Returns:
        Arrays of group ids, each bucket in descending count order; empty groups omitted.
    """
    buckets: list[list[int]] = []
    width = 0
    for g in np.argsort(-counts, kind="stable"):
        c = int(counts[g])
        if c == 0:
            break
        if not buckets or (2 * c <= width and width - c >= min_saving):
            buckets.append([])
            width = c
        buckets[-1].append(int(g))
    return [np.asarray(b, dtype=np.int64) for b in buckets]


def pack_rows(
    values: list[np.ndarray], groups: np.ndarray, bucket: np.ndarray, pads: list[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Pack the candidates of the groups in ``bucket`` into rows, keeping input order.

    Args:
        values: V arrays [N] to pack (cast to float32).
        groups: int64 [N] group id of each candidate.
        bucket: int64 [R] group ids; row r holds group ``bucket[r]``.
        pads: V fill values for unused slots.

    Returns:
        (packed float32 [V, R, W], counts int64 [R]); W = max count (at least 1).
    """
    local = np.full(int(max(groups.max(initial=0), bucket.max(initial=0))) + 1, -1, np.int64)
    local[bucket] = np.arange(bucket.size)
    row_of = local[groups]  # [N] row of each candidate, -1 when not in the bucket
    member = np.nonzero(row_of >= 0)[0]  # [N_b]
    order = member[np.argsort(row_of[member], kind="stable")]  # [N_b] row-major, input order
    rows = row_of[order]  # [N_b]
    counts = np.bincount(rows, minlength=bucket.size).astype(np.int64)  # [R]
    starts = np.cumsum(counts) - counts  # [R]
    cols = np.arange(order.size) - starts[rows]  # [N_b]
    width = max(int(counts.max(initial=0)), 1)
    packed = np.empty((len(values), bucket.size, width), dtype=F32)  # [V, R, W]
    for k, (v, pad) in enumerate(zip(values, pads)):
        packed[k] = pad
        packed[k, rows, cols] = v[order]
    return packed, counts


def c_iou(sel: np.ndarray, win: np.ndarray) -> np.ndarray:
    """C++ IoU of the selected entry of each row with every window entry (float32).

    numpy's ``maximum``/``minimum`` propagate NaN where ``std::max``/``std::min`` may not,
    but a NaN coordinate also makes its area NaN, so the IoU is NaN either way.

    Args:
        sel: [3, R, 1] (x1, x2, area) of the selected entry per row.
        win: [3, R, M] (x1, x2, area) of the window; area = x2 - x1 + 1e-6.

    Returns:
        IoU [R, M] = inter / (area_sel + area - inter), inter = max(0, overlap). Callers
        silence numpy's floating-point warnings (inf - inf on padding, 0/0).
    """
    xx1 = np.maximum(sel[0], win[0])  # [R, M]
    xx2 = np.minimum(sel[1], win[1])  # [R, M]
    inter = np.fmax(xx2 - xx1, F32(0))  # [R, M]; std::max(0.f, nan) is 0
    return inter / (sel[2] + win[2] - inter)  # [R, M]


def hard_nms_rows(
    data: np.ndarray, counts: np.ndarray, *, iou_threshold: float, max_num: int
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy C++ ``nms`` on rows that are already in descending score order.

    A kept entry suppresses every later, not yet suppressed entry with IoU >= threshold;
    the first ``max_num`` kept entries are final once found, so the loop stops there.

    Args:
        data: float32 [2, R, W] (x1, x2) of each row, sorted by descending score.
        counts: int64 [R] entries per row.
        iou_threshold: suppression threshold (cast to float32).
        max_num: cap on kept entries per row (> 0).

    Returns:
        (cols int64 [R, K] kept columns in order, num int64 [R]); K = min(max_num, W).
    """
    thr = F32(iou_threshold)
    x1, x2 = data.astype(F32, copy=False)  # each [R, W]
    geo = np.stack([x1, x2, x2 - x1 + LENGTH_EPS])  # [3, R, W]
    num_rows, width = x1.shape
    rows = np.arange(num_rows)
    alive = np.arange(width)[None, :] < counts[:, None]  # [R, W] not yet kept or suppressed
    out_k = min(max_num, width)
    out = np.zeros((num_rows, out_k), dtype=np.int64)  # [R, K]
    num = np.zeros(num_rows, dtype=np.int64)  # [R]
    with np.errstate(invalid="ignore", divide="ignore"):
        for step in range(out_k):
            has = alive.any(axis=1)  # [R]
            if not has.any():
                break
            cur = np.argmax(alive, axis=1)  # [R] next kept column (first alive)
            out[:, step] = cur
            num += has
            alive[rows, cur] = False
            ovr = c_iou(geo[:, rows, cur][:, :, None], geo)  # [R, W]
            alive &= ~(ovr >= thr)
    return out, num
