"""Parity of harness models against vectors recorded from the official code.

``run_parity(path)`` reads a ``*_small_seed0.pt`` file (tests/golden/reference/README.md §B),
builds the harness model of its ``model`` kind with the stored weights, re-runs the stored
train and eval passes and compares every stored tensor within tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import DataError
from harness.parity import cltdr_gmg as _cltdr_gmg  # noqa: F401  (registers 'cltdr_gmg')
from harness.parity.adapters import ADAPTERS, ParityAdapter, register_adapter
from harness.parity.compare import Row, Tolerance, compare_tree
from harness.parity.dense import check_blob


@dataclass(frozen=True)
class ParityReport:
    """Result of one parity run: a row per compared value; ``ok`` when all pass."""

    path: str
    kind: str
    rows: tuple[Row, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def failed(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.ok)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "kind": self.kind, "ok": self.ok, "num_rows": len(self.rows),
            "num_failed": len(self.failed), "rows": [r.to_json() for r in self.rows],
        }


def load_reference(path: str | Path) -> dict[str, Any]:
    """``torch.load`` a parity file with ``weights_only=True``; bad files raise DataError."""
    import torch

    try:
        blob = torch.load(Path(path), map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is bad input
        raise DataError(f"{path}: cannot read as a torch file ({type(exc).__name__})") from None
    check_blob(blob, str(path))
    return blob


def to_device(tree: Any, device: str) -> Any:
    """``tree`` with every tensor moved to ``device`` (dicts, lists and tuples rebuilt)."""
    import torch

    if isinstance(tree, torch.Tensor):
        return tree.to(device)
    if isinstance(tree, Mapping):
        return {k: to_device(v, device) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(to_device(v, device) for v in tree)
    return tree


def run_parity_blob(
    blob: Mapping[str, Any], path: str = "<memory>", device: str = "cpu", *, torch_compile: Any = None,
) -> ParityReport:
    """Run the parity check on an already loaded reference dict.

    ``device``: where the harness model runs (``cuda`` for a GPU check; the references are
    CPU runs, so expect float32 reduction-order differences within the tolerances).
    ``torch_compile``: the speed switch (``models.detectors.compile``), applied after building.
    """
    import torch

    check_blob(blob, path)
    kind = str(blob["model"])
    if kind not in ADAPTERS:
        raise DataError(f"{path}: no parity adapter for model {kind!r} (known: {sorted(ADAPTERS)})")
    adapter = ADAPTERS[kind]
    with torch.device(device):  # parameters and every tensor the passes create
        run_blob = {**blob, "inputs": to_device(blob["inputs"], device)}
        model = adapter.build(run_blob)
        if torch_compile:
            from models.detectors.compile import enable_compile

            enable_compile(model, torch_compile)
        actual = to_device(adapter.run(model, run_blob), "cpu")
    rows: list[Row] = []
    for section in adapter.sections:
        if section in blob:
            compare_tree(section, actual.get(section), blob[section], adapter.tolerance_of, rows)
    return ParityReport(path=path, kind=kind, rows=tuple(rows))


def run_parity(path: str | Path, device: str = "cpu", *, torch_compile: Any = None) -> ParityReport:
    """Load ``path`` and run :func:`run_parity_blob` on ``device``."""
    return run_parity_blob(load_reference(path), str(path), device, torch_compile=torch_compile)


__all__ = [
    "ADAPTERS", "ParityAdapter", "ParityReport", "Row", "Tolerance", "load_reference",
    "register_adapter", "run_parity", "run_parity_blob", "to_device",
]
