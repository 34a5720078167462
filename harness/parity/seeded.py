"""Part B (``seeded``) of a trajectory file: replay under the seed-exact switch."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from harness.parity.compare import Row


def check_seeded(blob: Mapping[str, Any], *, data_dir: str | None = None) -> tuple[list[Row], list[str]]:
    """Rows of the part-B comparison (a failed row when the file has no part B)."""
    if "seeded" not in blob:
        return [Row("seeded", math.inf, math.inf, math.inf, "-", False, "missing")], []
    return [Row("seeded", math.inf, math.inf, math.inf, "-", False,
                "part B replay not implemented: not compared (run with --part A to skip it)")], []
