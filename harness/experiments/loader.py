"""Find a declared experiment by name, or read one from a JSON/YAML file.

Names: ``table1`` ... ``table11`` (one paper table each), ``ablations`` (Tables 6-11) and
``paper`` (all eleven).
A file (``.json``, ``.yaml``/``.yml``) declares an experiment in the same terms::

    {"name": "smoke", "title": "...",
     "entries": [{"table": 1, "dataset": "THUMOS14", "method": "ActionFormer",
                  "features": "I3D", "task": "", "variant": "",
                  "real": "actionformer/thumos14_i3d",
                  "synthetic": "actionformer/synthetic_thumos_like",
                  "stand_in": {"preset": "thumos-like", "quality": "low"},
                  "overrides": {"train_cfg.max_epochs": 2}, "run_tag": "2ep", "note": ""}],
     "comparisons": [{"a": "<row key>", "b": "<row key>"}]}

``real``/``synthetic`` name a config under ``harness/configs`` (without ``.py``) or give a path
ending in ``.py`` relative to the repository root. Row keys are
``table|dataset|task|method|variant|features``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.experiments.paper import PAPER_TABLES, paper_table
from harness.experiments.schema import Comparison, Entry, Experiment, PaperRow, StandIn
from harness.io import check_slug, loads_json

ALL_PAPER = "paper"
ABLATIONS = "ablations"
ABLATION_TABLES = (6, 7, 8, 9, 10, 11)
FILE_SUFFIXES = (".json", ".yaml", ".yml")


def experiment_names() -> tuple[str, ...]:
    return tuple(f"table{t}" for t in PAPER_TABLES) + (ABLATIONS, ALL_PAPER)


def paper_experiment(tables: tuple[int, ...] = PAPER_TABLES) -> Experiment:
    """Several paper tables in one experiment (runs shared between tables are run once).

    Args:
        tables: the table numbers; all eleven give ``paper``, Tables 6-11 ``ablations``.
    """
    name, title = ALL_PAPER, "All tables of the paper (Tables 1-11)"
    if tuple(tables) == ABLATION_TABLES:
        name, title = ABLATIONS, "The ablations of the paper (Tables 6-11)"
    elif tuple(tables) != PAPER_TABLES:
        raise ConfigError(f"no combined experiment for tables {tables}")
    tables = [paper_table(t) for t in tables]
    return Experiment(
        name=name, title=title,
        entries=tuple(e for t in tables for e in t.entries),
        comparisons=tuple(c for t in tables for c in t.comparisons),
    )


def load_experiment(name: str) -> Experiment:
    """A declared experiment (``table3``, ``paper``) or one read from a JSON/YAML file.

    Raises:
        ConfigError: unknown name, unreadable or malformed file.
    """
    if name == ALL_PAPER:
        return paper_experiment()
    if name == ABLATIONS:
        return paper_experiment(ABLATION_TABLES)
    if name.startswith("table") and name[5:].isdigit() and int(name[5:]) in PAPER_TABLES:
        return paper_table(int(name[5:]))
    path = Path(name)
    if path.suffix in FILE_SUFFIXES:
        return experiment_from_file(path)
    raise ConfigError(
        f"{name}: unknown experiment (declared: {', '.join(experiment_names())}; "
        f"or a {'/'.join(FILE_SUFFIXES)} file)"
    )


def experiment_from_file(path: Path) -> Experiment:
    if not path.is_file():
        raise ConfigError(f"{path}: experiment file not found")
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            data = loads_json(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # json/yaml raise many types
        raise ConfigError(f"{path}: cannot read experiment ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0] if str(exc) else ''})") from exc
    try:
        return experiment_from_dict(data, default_name=path.stem)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: malformed experiment ({type(exc).__name__}: {exc})") from exc


def _entry(d: dict[str, Any]) -> Entry:
    row = PaperRow(
        table=int(d["table"]), dataset=str(d["dataset"]), method=str(d["method"]),
        features=str(d.get("features", "")), task=str(d.get("task", "") or ""),
        variant=str(d.get("variant", "") or ""),
    )
    si = d.get("stand_in")
    stand_in = StandIn(**si) if isinstance(si, dict) else None
    overrides = d.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise TypeError("'overrides' must be a mapping of config keys to values")
    return Entry(
        row=row, real=d.get("real"), synthetic=d.get("synthetic"), stand_in=stand_in,
        note=str(d.get("note", "")), overrides=tuple(sorted(overrides.items())),
        run_tag=check_slug(d["run_tag"], "run_tag") if d.get("run_tag") else "",
    )


def _key(value: Any) -> str:
    if isinstance(value, str):
        return value
    return _entry(dict(value)).row.key


def experiment_from_dict(data: Any, default_name: str = "custom") -> Experiment:
    """An :class:`Experiment` from plain data (see the module docstring)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise TypeError("expected an object with an 'entries' list")
    comparisons = []
    for c in data.get("comparisons", []) or []:
        a, b = (c["a"], c["b"]) if isinstance(c, dict) else c
        comparisons.append(Comparison(_key(a), _key(b)))
    return Experiment(
        name=check_slug(data.get("name", default_name), "experiment name"),
        title=str(data.get("title", data.get("name", default_name))),
        entries=tuple(_entry(e) for e in data["entries"]),
        comparisons=tuple(comparisons),
        description=str(data.get("description", "")),
    )
