"""The official C++ ``softnms`` loop (``nms_cpu.cpp`` of ActionFormer, TriDet and CLTDR-GMG),
line for line, compiled by numba, for many groups in one call.

Per group, step i: select the first maximum of ``sc[i:n]`` (strict ``<`` scan), swap it to i,
decay every later entry by its IoU with the selected one, and drop an entry whose score
falls below ``min_score`` by moving the current last entry into its slot (examined next).
All arithmetic is float32 in the C++ operand order (``std::max``/``std::min`` as their
ternaries, so NaN behaves as in C++); the Gaussian weight is ``expf``, i.e. exp of the
float32 argument in double precision rounded once (glibc's correctly rounded ``expf``).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from models.postprocess.nms_core import F32, LENGTH_EPS


@numba.njit(cache=True, nogil=True, error_model="numpy")  # IEEE division (0/0 = NaN), as C++
def _soft_nms_group(x1, x2, sc, area, idx, n, thr, sig, mins, method, max_num, out_idx, out_sc):
    """One group in place (float32 [n] x1, x2, sc, area; int64 [n] idx); returns kept count."""
    out_k = min(max_num, n)
    i = 0
    while i < n and i < out_k:
        max_score = sc[i]
        max_pos = i
        for pos in range(i + 1, n):
            if max_score < sc[pos]:
                max_score = sc[pos]
                max_pos = pos
        ix1, ix2, isc, iar, iid = x1[max_pos], x2[max_pos], sc[max_pos], area[max_pos], idx[max_pos]
        x1[max_pos], x2[max_pos], sc[max_pos], area[max_pos], idx[max_pos] = x1[i], x2[i], sc[i], area[i], idx[i]
        x1[i], x2[i], sc[i], area[i], idx[i] = ix1, ix2, isc, iar, iid
        pos = i + 1
        while pos < n:
            xx1 = x1[pos] if ix1 < x1[pos] else ix1  # std::max(ix1, x1[pos])
            xx2 = x2[pos] if x2[pos] < ix2 else ix2  # std::min(ix2, x2[pos])
            d = xx2 - xx1
            inter = d if F32(0) < d else F32(0)  # std::max(0.f, xx2 - xx1)
            ovr = inter / (iar + area[pos] - inter)
            weight = F32(1)
            if method == 0:
                if ovr >= thr:
                    weight = F32(0)
            elif method == 1:
                if ovr >= thr:
                    weight = F32(1) - ovr
            else:
                arg = -(ovr * ovr) / sig
                weight = F32(math.exp(np.float64(arg)))
            sc[pos] = sc[pos] * weight
            if sc[pos] < mins:
                last = n - 1
                x1[pos], x2[pos], sc[pos], area[pos], idx[pos] = x1[last], x2[last], sc[last], area[last], idx[last]
                n -= 1
                pos -= 1
            pos += 1
        out_idx[i] = idx[i]
        out_sc[i] = sc[i]
        i += 1
    return i


@numba.njit(cache=True, nogil=True, error_model="numpy")  # IEEE division (0/0 = NaN), as C++
def _soft_nms_groups(x1, x2, sc, idx, starts, counts, thr, sig, mins, method, max_num, out_idx, out_sc, out_n):
    for g in range(starts.size):
        s, c = starts[g], counts[g]
        gx1, gx2, gsc, gidx = x1[s:s + c].copy(), x2[s:s + c].copy(), sc[s:s + c].copy(), idx[s:s + c].copy()
        garea = gx2 - gx1 + LENGTH_EPS  # the C++ length, + 1e-6
        out_n[g] = _soft_nms_group(gx1, gx2, gsc, garea, gidx, c, thr, sig, mins, method, max_num,
                                   out_idx[s:s + c], out_sc[s:s + c])


def soft_nms_packed(
    x1: np.ndarray, x2: np.ndarray, sc: np.ndarray, idx: np.ndarray, counts: np.ndarray, *,
    iou_threshold: float, sigma: float, min_score: float, method: int, max_num: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The C++ loop on G groups stored one after the other.

    Args:
        x1, x2, sc: float32 [N] candidates, group after group, input order inside a group.
        idx: int64 [N] the candidates' input indices.
        counts: int64 [G] candidates per group.
        iou_threshold, sigma, min_score, method, max_num: the op's arguments (float32).

    Returns:
        (indices int64 [N], scores float32 [N], kept int64 [G]): group g's selections in
        order are the first ``kept[g]`` slots of its range.
    """
    starts = np.cumsum(counts) - counts  # [G]
    out_idx = np.zeros(sc.size, dtype=np.int64)
    out_sc = np.zeros(sc.size, dtype=F32)
    out_n = np.zeros(counts.size, dtype=np.int64)
    _soft_nms_groups(np.ascontiguousarray(x1, F32), np.ascontiguousarray(x2, F32),
                     np.ascontiguousarray(sc, F32), np.ascontiguousarray(idx, np.int64),
                     starts.astype(np.int64), counts.astype(np.int64), F32(iou_threshold),
                     F32(sigma), F32(min_score), int(method), int(max_num), out_idx, out_sc, out_n)
    return out_idx, out_sc, out_n
