"""Column schemas of the aggregate tables and the result-selection rule: shared by the
application (``harness.aggregate``, ``harness.records``) and the report library (``reports``).

Kinds: ``str``, ``int``, ``Int`` (nullable int), ``float``; :func:`check_schema` casts a frame
to its schema and raises when a column is missing or has another type.
"""

from __future__ import annotations

import pandas as pd

# which weights and epoch a run's result is (every record says it; the report prints it)
RESULT_SELECTION = "last epoch, EMA weights, test split"
CURVE_SELECTION = "best epoch on the test split (test-set selection, optimistic; not the result)"

RUN_SCHEMA = {
    "experiment": "str", "scale": "str", "table": "int", "row_key": "str", "dataset": "str",
    "task": "str", "method": "str", "variant": "str", "features": "str", "stand_in": "str",
    "run_name": "str", "config": "str", "config_hash": "str", "seed": "int", "metric": "str",
    "value": "float", "best_on_test": "float", "best_epoch": "Int", "epochs": "int",
    "git_sha": "str", "git_dirty": "str", "wall_time_s": "float", "code_fingerprint": "str",
}
SUMMARY_SCHEMA = {
    "experiment": "str", "scale": "str", "table": "int", "row_key": "str", "dataset": "str",
    "task": "str", "method": "str", "variant": "str", "features": "str", "marks": "str",
    "kind": "str", "stand_in": "str", "run_name": "str", "config_hash": "str", "metric": "str",
    "n": "int", "seeds": "str", "mean": "float", "std": "float", "ci_low": "float",
    "ci_high": "float", "pi_low": "float", "pi_high": "float", "min": "float", "max": "float",
    "seed_boot_low": "float", "seed_boot_high": "float", "video_boot_low": "float",
    "video_boot_high": "float", "video_boot_samples": "int", "paper": "float", "delta": "float",
    "verdict": "str", "paper_flag": "str", "best_on_test_mean": "float",
    "inflation_mean": "float", "excluded": "int", "note": "str",
}
COMPARISON_SCHEMA = {
    "experiment": "str", "scale": "str", "a": "str", "b": "str", "a_label": "str",
    "b_label": "str", "metric": "str", "seeds": "str", "n": "int", "mean_a": "float",
    "mean_b": "float", "delta": "float", "welch_low": "float", "welch_high": "float",
    "p_improve": "float", "p_low": "float", "p_high": "float", "video_delta_low": "float",
    "video_delta_high": "float", "note": "str",
}
PROBLEM_SCHEMA = {"path": "str", "kind": "str", "message": "str"}


def check_schema(df: pd.DataFrame, schema: dict[str, str], name: str) -> pd.DataFrame:
    """Cast ``df`` to the declared columns and kinds, in order; raise if anything is off.

    Kinds: ``str``, ``int``, ``Int`` (nullable int), ``float``.
    """
    if list(df.columns) != list(schema):
        raise ValueError(f"{name}: columns {list(df.columns)} != declared {list(schema)}")
    casts = {"str": "str", "int": "int64", "Int": "Int64", "float": "float64"}
    df = df.astype({c: casts[k] for c, k in schema.items()})
    checks = {
        "str": lambda s: pd.api.types.is_string_dtype(s) or s.dtype == object,
        "int": lambda s: str(s.dtype) == "int64", "Int": lambda s: str(s.dtype) == "Int64",
        "float": lambda s: str(s.dtype) == "float64",
    }
    bad = [c for c, k in schema.items() if not checks[k](df[c])]
    if bad:
        raise ValueError(f"{name}: columns {bad} do not have their declared types")
    return df
