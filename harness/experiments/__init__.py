"""Declared experiments: which config fills which row of the paper's tables, at two scales.

See :mod:`harness.experiments.paper` (Tables 1-11 and the synthetic stand-ins),
:mod:`harness.experiments.schema` (types) and :mod:`harness.experiments.loader`
(names and JSON/YAML files). ``python -m harness sweep table1`` runs an experiment;
``python -m harness aggregate table1`` summarises it.
"""

from harness.experiments.loader import (
    experiment_from_dict,
    experiment_names,
    load_experiment,
    paper_experiment,
)
from harness.experiments.paper import PAPER_TABLES, paper_table
from harness.experiments.schema import (
    SCALES,
    Cell,
    Comparison,
    Entry,
    Experiment,
    PaperRow,
    StandIn,
)

__all__ = [
    "PAPER_TABLES",
    "SCALES",
    "Cell",
    "Comparison",
    "Entry",
    "Experiment",
    "PaperRow",
    "StandIn",
    "experiment_from_dict",
    "experiment_names",
    "load_experiment",
    "paper_experiment",
    "paper_table",
]
