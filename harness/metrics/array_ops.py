"""Small exact array helpers of the vectorised evaluator (sorting, ranges, maxima)."""

from __future__ import annotations

import numpy as np


def pair_ranges(lo: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand ranges [lo_i, lo_i + counts_i) into (owner i, position) pairs.

    Args:
        lo: [P] range starts.
        counts: [P] range lengths.

    Returns:
        owner [S] (ascending), position [S], with S = counts.sum().
    """
    owner = np.repeat(np.arange(len(counts)), counts)  # [S]
    first = np.cumsum(counts) - counts  # [P] start of each range in the pair list
    pos = lo[owner] + (np.arange(len(owner)) - first[owner])  # [S]
    return owner, pos


def stable_descending_order(values: np.ndarray) -> np.ndarray:
    """Indices sorting ``values`` descending, earlier index first among equal values.

    Same result as ``np.argsort(-values, kind='stable')``, faster: an unstable sort,
    then only the blocks of equal values are re-sorted by index.
    """
    order = np.argsort(-values)  # [N]
    ordered = values[order]
    tie = ordered[1:] == ordered[:-1]  # [N-1] position i+1 equals position i
    if tie.any():
        member = np.zeros(len(order), dtype=bool)
        member[1:] |= tie
        member[:-1] |= tie
        pos = np.flatnonzero(member)
        block = np.cumsum(np.concatenate([[True], ~tie]))[pos]  # block id per member
        order[pos] = order[pos][np.lexsort((order[pos], block))]
    return order


def stable_argsort_ints(values: np.ndarray) -> np.ndarray:
    """Stable ascending argsort of non-negative ints (int16 when they fit: radix sort)."""
    small = len(values) == 0 or int(values.max()) < 2**15
    return np.argsort(values.astype(np.int16 if small else np.int64), kind="stable")


def group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """[U] first index of each run of equal values in a sorted array."""
    return np.flatnonzero(np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]]))


def segment_suffix_max(values: np.ndarray, seg_end: np.ndarray) -> np.ndarray:
    """out[i] = max(values[i..seg_end[i]]) by doubling (exact, O(n log n)).

    Args:
        values: [n].
        seg_end: [n] index of the last element of i's segment (segments contiguous).

    Returns:
        [n] suffix maxima within segments.
    """
    out = values.copy()
    idx = np.arange(len(values))
    longest = int((seg_end - idx).max()) + 1 if len(values) else 0
    step = 1
    while step < longest:
        src = idx[idx + step <= seg_end]
        out[src] = np.maximum(out[src], out[src + step])  # RHS read before the write
        step *= 2
    return out
