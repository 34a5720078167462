"""Vectorised core of the official C++ ``softnms`` loop, for R groups at once.

Each loop step i (all rows together): select the first maximum of ``sc[i:n]``, swap it
to i, decay the entries after i, and drop those falling below ``min_score`` by moving the
current last entry into their slot (examined next, so decayed in the same pass).

Two facts make the steps cheap without changing any result:
* every entry is decayed once per pass with a weight that depends only on itself and the
  selected entry, so the decay is one vectorised expression; the removals' net effect on
  the array order is computed in closed form (:func:`_compact`);
* after the first pass every remaining score is >= ``min_score``, and an entry that does
  not overlap the selected one keeps its score exactly (IoU ±0 → weight 1, unless an IoU
  is 0/0, see :func:`_init_state`), so later passes only touch overlapping entries.
"""

from __future__ import annotations

import numpy as np

from models.postprocess.nms_core import (
    F32,
    LENGTH_EPS,
    NEG_INF,
    POS_INF,
    c_iou,
    first_max,
    soft_nms_method_error,
)

X1, X2, AREA, SC, IDX = range(5)
# padding slot: never overlaps (x1 = x2 = +inf), never selected (score -inf)
PAD = np.array([POS_INF, POS_INF, POS_INF, NEG_INF, -1], dtype=F32)[:, None]


def decay_weight(ovr: np.ndarray, method: int, thr: np.float32, sigma: np.float32) -> np.ndarray:
    """Score multiplier of the C++ loop: 0 hard, 1 linear (1-IoU), 2 Gaussian exp(-IoU^2/sigma).

    Callers silence numpy's floating-point warnings.
    """
    if method == 2:
        arg = -(ovr * ovr) / sigma  # float32, as the C++ expression; thr unused
        # glibc expf rounds an exact double-precision result; exp in float64 then one
        # rounding reproduces it (numpy's float32 exp can be an ulp off)
        return np.exp(arg, dtype=np.float64).astype(F32)
    if method == 1:
        return np.where(ovr >= thr, F32(1) - ovr, F32(1))
    if method == 0:
        return np.where(ovr >= thr, F32(0), F32(1))
    raise soft_nms_method_error(method)


def _compact(win: np.ndarray, n: np.ndarray, i: int, flat: np.ndarray) -> None:
    """Apply one pass's swap-with-last removals in closed form (in place).

    With m valid window entries of which r are removed and k = m - r kept, the C++ walk
    leaves kept entries left of k in place and fills the holes left of k, lowest first,
    with the kept entries right of k taken from the end (the last kept fills the first hole).

    Args:
        win: [5, R, M] window view (columns i+1 ... of the state).
        n: int64 [R] current counts (updated for the rows with removals).
        i: current step.
        flat: int64 [D] removed entries as ascending flat indices row·M + column.
    """
    width = win.shape[2]
    rr, rc = np.divmod(flat, width)  # [D], [D] row-major
    start = np.flatnonzero(np.diff(rr, prepend=-1))  # [U] first removal of each row
    r_cnt = np.diff(start, append=rr.size)  # [U] removals per row
    rows = rr[start]  # [U]
    k = n[rows] - i - 1 - r_cnt  # [U] kept window entries
    k_rm = np.repeat(k, r_cnt)  # [D] k of each removed entry's row
    hole = rc < k_rm  # [D]
    # tail region of each row: window columns k .. m-1 (as many slots as removals)
    tail = rr * width + k_rm + np.arange(rr.size) - np.repeat(start, r_cnt)  # [D] ascending
    at = np.minimum(np.searchsorted(flat, tail), flat.size - 1)
    src = tail[flat[at] != tail][::-1]  # kept tail entries, last first (rows descending)
    src = src[np.argsort(src // width, kind="stable")]  # rows ascending, last first in a row
    src_r, src_c = np.divmod(src, width)
    win[:, rr[hole], rc[hole]] = win[:, src_r, src_c]
    tail_r, tail_c = np.divmod(tail, width)
    win[:, tail_r, tail_c] = PAD
    n[rows] = i + 1 + k


def _dense_pass(
    state: np.ndarray, n: np.ndarray, i: int, hi: int, thr: np.float32, sig: np.float32,
    mins: np.float32, method: int,
) -> None:
    """Decay every window entry of every row (first pass, or inputs the sparse pass excludes)."""
    win = state[:, :, i + 1 : hi]  # [5, R, M] view
    valid = np.arange(hi - i - 1)[None, :] < (n - i - 1)[:, None]  # [R, M]
    geo = [X1, X2, AREA]
    ovr = c_iou(state[geo, :, i : i + 1], win[geo])  # [R, M]
    new_sc = win[SC] * decay_weight(ovr, method, thr, sig)  # [R, M]
    new_sc[~valid] = NEG_INF
    win[SC] = new_sc
    flat = np.flatnonzero((new_sc < mins) & valid)  # [D] removed, row-major
    if flat.size:
        _compact(win, n, i, flat)


def _sparse_pass(
    state: np.ndarray, n: np.ndarray, i: int, hi: int, thr: np.float32, sig: np.float32,
    mins: np.float32, method: int,
) -> None:
    """Decay only the window entries that overlap the selected one (exact when lengths > 0)."""
    win = state[:, :, i + 1 : hi]  # [5, R, M] view
    sel = state[:, :, i]  # [5, R]
    overlap = np.minimum(sel[X2][:, None], win[X2]) - np.maximum(sel[X1][:, None], win[X1])
    flat = np.flatnonzero(overlap > 0)  # [H] overlapping entries (padding never overlaps)
    if flat.size == 0:
        return
    hr, hc = np.divmod(flat, hi - i - 1)  # [H], [H]
    inter = overlap.ravel()[flat]  # [H]
    ovr = inter / (sel[AREA][hr] + win[AREA][hr, hc] - inter)  # [H]
    new_sc = win[SC][hr, hc] * decay_weight(ovr, method, thr, sig)  # [H]
    win[SC][hr, hc] = new_sc
    gone = new_sc < mins  # [H]
    if gone.any():
        _compact(win, n, i, flat[gone])


def _init_state(data: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, bool]:
    """Working arrays [5, R, W] (x1, x2, area, score, column) with padding, and whether the
    inputs are *clean*: finite coordinates and scores, and no two areas summing to exactly 0.

    For clean inputs no IoU is 0/0, so no NaN score can appear, and an entry that does not
    overlap the selected one has IoU ±0 (weight exactly 1): the sparse pass is exact.
    Model outputs (non-negative offsets, length > duration_thresh) are always clean.
    """
    num_rows, width = data.shape[1:]
    x1, x2, sc = data.astype(F32)
    state = np.stack([x1, x2, x2 - x1 + LENGTH_EPS, sc, np.broadcast_to(
        np.arange(width, dtype=F32), (num_rows, width))])  # [5, R, W]
    unused = np.arange(width)[None, :] >= counts[:, None]  # [R, W]
    used = ~unused
    area = state[AREA][used]  # [N]
    clean = bool(np.isfinite(x1[used]).all() and np.isfinite(x2[used]).all()
                 and np.isfinite(sc[used]).all())
    if clean and (area <= 0).any():  # inverted or (x2 - x1 = -1e-6) segments
        neg = area[area < 0]
        clean = np.count_nonzero(area == 0) < 2 and not np.isin(-neg, area).any()
    state[:, unused] = PAD
    return state, bool(clean)


def soft_nms_rows(
    data: np.ndarray,
    counts: np.ndarray,
    *,
    iou_threshold: float,
    sigma: float,
    min_score: float,
    method: int,
    max_num: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the C++ ``softnms`` loop on every row; stop once ``max_num`` rows are selected.

    Selections after the ``max_num``-th never change the earlier ones, and the op keeps
    only ``min(n, max_num)``, so stopping there is exact.

    Args:
        data: float32 [3, R, W] (x1, x2, score) per row; slots >= counts[r] are ignored.
        counts: int64 [R] candidates per row.
        iou_threshold, sigma, min_score, method, max_num: the op's arguments (float32).

    Returns:
        (cols int64 [R, K] input columns in selection order, scores float32 [R, K] decayed,
        num int64 [R] valid outputs per row); K = min(max_num, W).
    """
    thr, sig, mins = F32(iou_threshold), F32(sigma), F32(min_score)
    state, clean = _init_state(data, counts)
    nan_free = clean and (method != 2 or sig > 0)  # no NaN score can appear: plain argmax
    sparse_ok = clean and (sig > 0 if method == 2 else thr > 0)
    out_k = min(max_num, state.shape[2])
    out = np.zeros((2, state.shape[1], out_k), dtype=F32)  # [2, R, K] score, column
    n = counts.astype(np.int64).copy()  # [R] the C++ `nboxes` of each row
    final_n = n.copy()  # [R]
    live = rows = np.arange(n.size)  # rows of `state` -> output rows; row numbers
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for i in range(out_k):
            if i % 8 == 0 and 2 * np.count_nonzero(n > i) <= n.size:  # drop finished rows
                done = n <= i
                out[:, live[done]] = state[[SC, IDX]][:, done, :out_k]  # their slots are final
                final_n[live[done]] = n[done]
                state, n, live = state[:, ~done], n[~done], live[~done]
                rows = np.arange(n.size)
            hi = int(n.max(initial=0))
            if hi <= i:
                break
            win = state[SC, :, i:hi]  # [R', M]
            pos = (np.argmax(win, axis=1) if nan_free else first_max(win)) + i  # [R'] selection
            chosen = state[:, rows, pos]  # [5, R'] (a copy)
            state[:, rows, pos] = state[:, :, i]  # swap entries i and max_pos
            state[:, :, i] = chosen
            if hi > i + 1:
                step = _sparse_pass if (sparse_ok and i > 0) else _dense_pass
                step(state, n, i, hi, thr, sig, mins, method)
    # slots 0 .. n-1 of every row are final once the loop has passed them
    out[:, live] = state[[SC, IDX]][:, :, :out_k]
    final_n[live] = n
    return out[1].astype(np.int64), out[0], np.minimum(final_n, out_k)
