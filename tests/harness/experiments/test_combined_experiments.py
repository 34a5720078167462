"""The combined experiments: ``ablations`` (Tables 6-11) and ``paper`` (all eleven)."""

from __future__ import annotations

import pytest

from harness.errors import ConfigError
from harness.experiments import experiment_names, load_experiment, paper_experiment, paper_table


@pytest.mark.parametrize(("name", "tables"), [("ablations", range(6, 12)), ("paper", range(1, 12))])
def test_combined_experiment_is_the_union_of_its_tables(name, tables):
    exp = load_experiment(name)
    assert exp.name == name and name in experiment_names()
    expected = [e.row.key for t in tables for e in paper_table(t).entries]
    assert [e.row.key for e in exp.entries] == expected
    assert {e.row.table for e in exp.entries} == set(tables)


def test_ablations_share_the_full_model_runs():
    """Every ablation table's full-model row names the same synthetic config (one set of runs)."""
    exp = load_experiment("ablations")
    full = {e.synthetic for e in exp.entries if e.note}
    assert full == {"cltdr_gmg/synthetic_thumos_like"}


def test_other_table_sets_are_refused():
    with pytest.raises(ConfigError, match="no combined experiment"):
        paper_experiment((1, 2))
