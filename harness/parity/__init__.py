"""Parity of the harness against data recorded from the official code.

``run_parity(path)`` reads a reference file and runs the check its kind needs:

* a one-step file (``*_small_seed0.pt``, tests/golden/reference/README.md §B/§D): builds the
  harness model of its ``model`` kind with the stored weights, re-runs the stored train and
  eval passes and compares every stored tensor (dtype included) within tolerance; a missing
  required section or an unknown one fails, and ``init_stats`` are compared with the harness
  model's own initialisation under the file's seed;
* a training trajectory (``kind: training_trajectory``, §F): replays part A with the harness's
  training machinery (:mod:`harness.parity.replay`, :mod:`harness.parity.trajectory`) and
  part B under the seed-exact switch (:mod:`harness.parity.seeded`).

Every key of a file is compared or named in the report's notes as an input, a tolerance or a
description.
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
    notes: tuple[str, ...] = ()

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
            "notes": list(self.notes),
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
    rows += section_gaps(blob, adapter)
    if "init_stats" in blob:
        rows += compare_init_stats(blob, adapter)
    notes = tuple(f"not compared ({k}: {ONE_STEP_KEYS[k]})" for k in blob if k in ONE_STEP_KEYS)
    return ParityReport(path=path, kind=kind, rows=tuple(rows), notes=notes)


# keys of a one-step file that are not compared: inputs of the run or descriptions of it
ONE_STEP_KEYS = {
    "format_version": "info", "model": "info", "official": "info", "variant": "info",
    "torch_version": "info", "seed": "input (init_stats is compared under it)",
    "config": "input", "runtime_overrides": "input", "perturbation_rules": "info (how state_dict was made)",
    "state_dict": "input", "inputs": "input",
}


def section_gaps(blob: Mapping[str, Any], adapter: ParityAdapter) -> list[Row]:
    """Failed rows for a required section missing from the file and for an unknown section."""
    inf = float("inf")
    rows = [Row(s, inf, inf, inf, "-", False, "missing from the file: nothing compared")
            for s in adapter.required if s not in blob]
    known = set(adapter.sections) | set(ONE_STEP_KEYS) | {"init_stats"}
    rows += [Row(k, inf, inf, inf, "-", False, "unknown section: not compared")
             for k in blob if k not in known]
    return rows


def compare_init_stats(blob: Mapping[str, Any], adapter: ParityAdapter) -> list[Row]:
    """The harness's own initialisation under the file's seed vs the official ``init_stats``
    (per tensor mean, std, min, max, numel of the untouched official init)."""
    import torch

    if adapter.fresh is None:
        inf = float("inf")
        return [Row("init_stats", inf, inf, inf, "-", False, f"no fresh-model builder for {adapter.kind}")]
    with torch.random.fork_rng():
        torch.manual_seed(int(blob["seed"]))
        state = adapter.fresh(blob).state_dict()
    actual: dict[str, Any] = {}
    for key, t in state.items():
        x = t.detach().double()
        actual[key] = {"mean": x.mean().item(), "std": x.std().item() if x.numel() > 1 else 0.0,
                       "min": x.min().item(), "max": x.max().item(), "numel": x.numel()}
    tol = Tolerance(atol=1e-9, rtol=1e-6)
    rows: list[Row] = []
    compare_tree("init_stats", actual, blob["init_stats"], lambda _name: tol, rows)
    return rows


def run_parity(path: str | Path, device: str = "cpu", *, torch_compile: Any = None,
               **trajectory_options: Any) -> ParityReport:
    """Load ``path`` and run the check its kind needs: :func:`run_parity_blob` on ``device``
    (``torch_compile``: the speed switch) for a one-step file, :func:`run_trajectory_blob`
    (CPU, plain PyTorch) for a ``training_trajectory`` file."""
    blob = load_file(path)
    if isinstance(blob, Mapping) and blob.get("kind") == "training_trajectory":
        return run_trajectory_blob(blob, str(path), **trajectory_options)
    check_blob(blob, str(path))
    return run_parity_blob(blob, str(path), device, torch_compile=torch_compile)


def load_file(path: str | Path) -> Any:
    """``torch.load`` with ``weights_only=True``; a missing or unreadable file is a DataError."""
    import torch

    try:
        return torch.load(Path(path), map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is bad input
        raise DataError(f"{path}: cannot read as a torch file ({type(exc).__name__})") from None


PARTS = ("A", "B")


def run_trajectory_blob(
    blob: Mapping[str, Any], path: str = "<memory>", *, parts: tuple[str, ...] = PARTS,
    recipe: str | None = None, data_dir: str | None = None,
) -> ParityReport:
    """Trajectory parity (README §F): replay part A (and B) through the harness and compare.

    Args:
        blob: a ``training_trajectory`` file.
        parts: 'A' (``fixed``) and/or 'B' (``seeded``); a part left out is named in the notes.
        recipe: config whose ``optim_wrapper`` builds the parameter groups (default: the
            kind's THUMOS recipe).
        data_dir: synthetic data folder for part B (default: generated into a temp folder).
    """
    import warnings

    from harness.parity.trajectory import check_file_keys, compare_fixed, not_compared

    rows: list[Row] = check_file_keys(blob)
    notes: list[str] = []
    kind = str(blob.get("model"))
    if "A" in parts:
        if "fixed" not in blob:
            rows.append(Row("fixed", float("inf"), float("inf"), float("inf"), "-", False, "missing"))
        else:
            from harness.parity.replay import replay_fixed

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                replay = replay_fixed(blob, recipe=recipe)
            fixed_rows, dep = compare_fixed(blob["fixed"], replay, kind)
            rows += fixed_rows
            notes.append("part A " + (dep.describe() if dep else "never leaves 10x the noise floor"))
    else:
        notes.append("skipped by request: fixed (part A)")
    if "B" in parts:
        from harness.parity.seeded import check_seeded

        seeded_rows, seeded_notes = check_seeded(blob, data_dir=data_dir)
        rows += seeded_rows
        notes += seeded_notes
    else:
        notes.append("skipped by request: seeded (part B)")
    notes += [f"not compared ({n})" for n in not_compared(blob)]
    return ParityReport(path=path, kind=f"{kind} trajectory", rows=tuple(rows), notes=tuple(notes))


__all__ = [
    "ADAPTERS", "ParityAdapter", "ParityReport", "Row", "Tolerance", "load_reference",
    "register_adapter", "run_parity", "run_parity_blob", "run_trajectory_blob", "to_device",
]
