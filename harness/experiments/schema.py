"""Data types of declared experiments: paper rows, their configs, and the runnable cells.

An :class:`Experiment` is a list of :class:`Entry` — one per row of a paper table
(``results/paper/tables.csv``) — saying which harness config fills the row at each scale:

- ``real``: a leaf ``harness/configs/<model>/<dataset>_<features>[_<variant>].py`` trained on
  the paper's dataset under the data root (``_<variant>``: an ablation variant, no file but the
  leaf plus one switch, :mod:`harness.experiments.variants`);
- ``synthetic``: a leaf ``harness/configs/<model>/synthetic_<preset>[_<variant>].py`` plus a
  :class:`StandIn` (preset, quality level, data seed, RGB-only channels) that stands in for the
  paper's dataset and feature set.

Rows of methods the harness does not implement have neither (reported-only rows). A cell is an
entry resolved for one scale (:meth:`Experiment.cells`): a config path, the ``--cfg-options``
overrides, the data root and the run folder name ``<model>/<config stem>[__<stand-in tag>]``
under the results folder. A declared config that does not exist yet makes the cell
``unavailable`` ("config not available yet"); it is listed, never run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.experiments.variants import config_exists
from harness.io import check_slug
from harness.manifest import REPO_ROOT

SCALES = ("synthetic", "real")
CONFIGS_DIR = "harness/configs"
SYNTHETIC_DATA_DIR = "results/data/synthetic"
KINDS = ("run", "reported-only", "unavailable")
# every synthetic preset has C = 64 channels: the first half is the "appearance" (RGB) half
SYNTHETIC_CHANNELS = 64
LOADERS = ("train_dataloader", "val_dataloader", "test_dataloader")


@dataclass(frozen=True)
class PaperRow:
    """One row of a paper table (the columns of ``tables.csv`` that identify a row)."""

    table: int
    dataset: str
    method: str
    features: str
    task: str = ""
    variant: str = ""

    @property
    def key(self) -> str:
        """``table|dataset|task|method|variant|features``: unique within tables.csv."""
        return "|".join(
            [str(self.table), self.dataset, self.task, self.method, self.variant, self.features]
        )

    @property
    def label(self) -> str:
        parts = [self.method, self.features]
        if self.task:
            parts.insert(0, self.task)
        if self.variant:
            parts.append(self.variant)
        return f"T{self.table} {self.dataset}: " + " / ".join(parts)


@dataclass(frozen=True)
class StandIn:
    """Synthetic data standing in for a (dataset, feature set) of the paper.

    Attributes:
        preset: ``thumos-like`` / ``multithumos-like`` / ``anet-like``.
        quality: ``low`` (I3D) / ``mid`` (VideoMAEv2 and other mid-strength features) /
            ``high`` (InternVideo2-6B).
        data_seed: the synthetic *data* seed (distinct datasets of one preset and quality).
        rgb_only: keep the appearance half of the channels (stand-in for I3D-RGB vs RGB+Flow).
    """

    preset: str
    quality: str
    data_seed: int = 0
    rgb_only: bool = False

    @property
    def tag(self) -> str:
        """Suffix of the run folder: ``high``, ``low-rgb``, ``mid-s1`` ..."""
        tag = self.quality + ("-rgb" if self.rgb_only else "")
        return tag + (f"-s{self.data_seed}" if self.data_seed else "")

    @property
    def data_dir(self) -> str:
        """Dataset folder name under the synthetic data root (channels do not change data)."""
        return f"{self.preset}-{self.quality}" + (f"-s{self.data_seed}" if self.data_seed else "")

    @property
    def description(self) -> str:
        extra = ", appearance channels only" if self.rgb_only else ""
        seed = f", data seed {self.data_seed}" if self.data_seed else ""
        return f"synthetic {self.preset}, quality {self.quality}{extra}{seed}"

    def overrides(self) -> dict[str, Any]:
        """``--cfg-options`` selecting this stand-in in a synthetic config."""
        out: dict[str, Any] = {}
        for loader in LOADERS:
            out[f"{loader}.dataset.quality"] = self.quality
            out[f"{loader}.dataset.seed"] = self.data_seed
            if self.rgb_only:
                out[f"{loader}.dataset.channels"] = (0, SYNTHETIC_CHANNELS // 2)
                out[f"{loader}.dataset.input_dim"] = SYNTHETIC_CHANNELS // 2
        if self.rgb_only:
            out["model.input_dim"] = SYNTHETIC_CHANNELS // 2
        return out


@dataclass(frozen=True)
class Entry:
    """A paper row and what fills it.

    Attributes:
        row: the paper row.
        real: config under ``harness/configs`` without ``.py`` (e.g.
            ``actionformer/thumos14_i3d``), or None.
        synthetic: synthetic config (e.g. ``actionformer/synthetic_thumos_like``), or None.
        stand_in: the synthetic data of the row (None when ``synthetic`` is None).
        note: shown beside the row (e.g. "shares its runs with Table 1").
        overrides: extra ``--cfg-options`` of this row at every scale, as (key, value) pairs.
        run_tag: appended to the run folder (``<stem>__<tag>``); give one with ``overrides``
            so that differently configured runs never share a folder.
    """

    row: PaperRow
    real: str | None = None
    synthetic: str | None = None
    stand_in: StandIn | None = None
    note: str = ""
    overrides: tuple[tuple[str, Any], ...] = ()
    run_tag: str = ""

    @property
    def reported_only(self) -> bool:
        return self.real is None and self.synthetic is None


@dataclass(frozen=True)
class Comparison:
    """A paired comparison A vs B of two entries (paper-row keys) of one experiment."""

    a: str
    b: str


@dataclass(frozen=True)
class Cell:
    """An entry resolved for one scale.

    Attributes:
        row: the paper row; scale: ``synthetic`` or ``real``.
        kind: ``run`` (trainable), ``reported-only`` (method not in the harness) or
            ``unavailable`` (its config does not exist yet).
        config: the leaf config path relative to the repository root (None if reported-only).
        run_name: run folder under the results folder: ``<model>/<stem>[__<tag>]``.
        overrides: ``--cfg-options`` as sorted (key, value) pairs.
        data_root: the data root passed to ``train --data-root`` (None: the config's own).
        stand_in: the synthetic stand-in (synthetic scale only).
        note: the entry's note, plus why a cell cannot run.
    """

    row: PaperRow
    scale: str
    kind: str
    config: str | None = None
    run_name: str | None = None
    overrides: tuple[tuple[str, Any], ...] = ()
    data_root: str | None = None
    stand_in: StandIn | None = None
    note: str = ""

    @property
    def model(self) -> str | None:
        return self.run_name.split("/", 1)[0] if self.run_name else None

    def override_dict(self) -> dict[str, Any]:
        return dict(self.overrides)

    def cfg_options(self) -> list[str]:
        """The overrides as ``KEY=VALUE`` strings for ``train --cfg-options``."""
        return [f"{k}={format_option(v)}" for k, v in self.overrides]


def format_option(value: Any) -> str:
    """A value as mmengine's ``DictAction`` parses it back (tuples as ``(a,b)``)."""
    if isinstance(value, tuple):
        return "(" + ",".join(format_option(v) for v in value) + ")"
    if isinstance(value, list):
        return "[" + ",".join(format_option(v) for v in value) + "]"
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


@dataclass(frozen=True)
class Experiment:
    """A declared experiment: the rows of one or more paper tables and their configs."""

    name: str
    title: str
    entries: tuple[Entry, ...]
    comparisons: tuple[Comparison, ...] = ()
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        keys = [e.row.key for e in self.entries]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"experiment {self.name}: duplicate rows {sorted(dup)[:3]}")
        known = set(keys)
        for c in self.comparisons:
            if c.a not in known or c.b not in known:
                raise ValueError(f"experiment {self.name}: comparison of unknown rows {c}")

    def entry(self, key: str) -> Entry:
        return next(e for e in self.entries if e.row.key == key)

    def cells(
        self, scale: str, *, data_root: str | None = None, repo_root: Path = REPO_ROOT
    ) -> tuple[Cell, ...]:
        """Every entry resolved for ``scale`` (see :func:`resolve_cell`)."""
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
        return tuple(resolve_cell(e, scale, data_root=data_root, repo_root=repo_root)
                     for e in self.entries)


def config_path(name: str) -> str:
    """``actionformer/thumos14_i3d`` -> ``harness/configs/actionformer/thumos14_i3d.py``;
    a name ending in ``.py`` is taken as a path relative to the repository root."""
    return name if name.endswith(".py") else f"{CONFIGS_DIR}/{name}.py"


def resolve_cell(
    entry: Entry, scale: str, *, data_root: str | None = None, repo_root: Path = REPO_ROOT
) -> Cell:
    """The cell of ``entry`` at ``scale``.

    Args:
        entry: the declared row.
        scale: ``synthetic`` or ``real``.
        data_root: real scale: the data root of every run (None: the configs' own);
            synthetic scale: the parent of the synthetic dataset folders (default
            ``results/data/synthetic``).
        repo_root: where config paths are resolved (existence check).

    Returns:
        The :class:`Cell`.
    """
    name = entry.real if scale == "real" else entry.synthetic
    if name is None:
        why = "paper only: method not implemented in the harness" if entry.reported_only else (
            f"no {scale}-scale config declared")
        return Cell(entry.row, scale, "reported-only", note=_join(entry.note, why))
    config = config_path(name)
    stem = Path(config).stem
    model = Path(config).parent.name
    overrides: dict[str, Any] = {}
    root = data_root
    tags = [entry.run_tag] if entry.run_tag else []
    if scale == "synthetic" and entry.stand_in is not None:
        overrides = entry.stand_in.overrides()
        root = f"{data_root or SYNTHETIC_DATA_DIR}/{entry.stand_in.data_dir}"
        tags.insert(0, entry.stand_in.tag)
    overrides.update(dict(entry.overrides))
    run_name = f"{model}/{stem}" + (f"__{'-'.join(tags)}" if tags else "")
    for part in run_name.split("/"):
        check_slug(part, f"run folder of {entry.row.label}")
    kind, note = "run", entry.note
    if not config_exists(repo_root / config):
        kind, note = "unavailable", _join(entry.note, "config not available yet")
    return Cell(
        row=entry.row, scale=scale, kind=kind, config=config, run_name=run_name,
        overrides=tuple(sorted(overrides.items())), data_root=root,
        stand_in=entry.stand_in if scale == "synthetic" else None, note=note,
    )


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
