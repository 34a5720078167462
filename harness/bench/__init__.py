"""Benchmarks run by ``python -m harness bench`` (``make bench``), never by tests.

Each module here defines ``NAME`` (a short id), ``DESCRIPTION`` and
``run(quick: bool) -> list[dict]``: one dict per measurement with at least
``benchmark``, ``case``, ``metric``, ``value``, ``unit`` and optionally ``target``,
``ok`` (bool) and ``note``. Timings are medians over repeats; machines are shared.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
