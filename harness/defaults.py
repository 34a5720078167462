"""Defaults shared by the commands and the Makefile, chosen once here.

The Makefile passes none of these (its variables are empty unless set on the command line),
so ``make table1`` and ``python -m harness sweep table1`` plan the same runs, and the
aggregate of either has the same bootstrap. ``--help`` of every command shows its default.
"""

from __future__ import annotations

# training seeds of a sweep (3 seeds: the t-interval over seeds is exact; use 0-4 for more)
SEEDS = "0-2"
# concurrent trainings of a local sweep (2 CPU cores or 1 GPU: 2 tiny runs at a time)
SWEEP_JOBS = 2
# video-level bootstrap replicates per cell of an aggregate (1000 or more for a paper)
BOOTSTRAP_SAMPLES = 300
