"""Parameter counts of Table 8's configs, as plain data (counted by ``harness.reporting``).

Reports never build models (no torch here): ``python -m harness report`` counts the parameters
of each Table 8 row's configs (real and synthetic) and hands them over as
:class:`ParamCount` records, also written to ``params.json`` next to the report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ParamCount:
    """Parameters of one row's model at one scale.

    Attributes:
        row_key: paper row key; label: printed row label.
        scale: ``real`` (comparable with the paper's count) or ``synthetic`` (tiny model).
        config: the leaf config path.
        total: number of parameters (None when the model could not be built).
        modules: top-level module -> parameters (or the model's own breakdown).
        error: why the count is missing.
    """

    row_key: str
    label: str
    scale: str
    config: str
    total: int | None = None
    modules: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def millions(self) -> float | None:
        return None if self.total is None else self.total / 1e6


def to_json(counts: list[ParamCount]) -> list[dict[str, Any]]:
    return [asdict(c) for c in counts]


def from_json(data: list[dict[str, Any]]) -> list[ParamCount]:
    return [ParamCount(**{**d, "modules": {str(k): int(v) for k, v in d.get("modules", {}).items()}})
            for d in data]


def counted_millions(counts: list[ParamCount], scale: str = "real") -> dict[str, float]:
    """Row key -> counted parameters in millions at ``scale`` (rows that could be built)."""
    return {c.row_key: c.millions for c in counts
            if c.scale == scale and c.millions is not None}
