"""``python -m harness trivial-baseline DIR``: calibration numbers of a synthetic dataset.

Prints the oracle (must be 100 at every threshold) and the trivial per-step baseline
(datasets/synthetic/trivial.py) on the ``validation`` subset.
"""

from __future__ import annotations

import argparse
import json

NAME = "trivial-baseline"
HELP = "oracle and trivial per-step baseline mAP of a synthetic dataset folder (calibration)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="a folder written by make-data synthetic")
    p.add_argument("--json", action="store_true", help="print JSON (fractions) instead of a table")


def evaluate(data, predictions):
    """mAP (``MAPResult``) of ``predictions`` on the ``validation`` subset of a loaded
    synthetic dataset (``datasets.synthetic.trivial.load``) with the harness evaluator."""
    from harness.metrics import evaluate_detection, load_ground_truth

    gt = load_ground_truth(data.root / "annotations.json", "validation")
    return evaluate_detection(gt, predictions, data.tiou_thresholds)


def _row(result) -> dict:
    return {"mAP": list(result.mAP), "average_mAP": result.average_mAP,
            "num_predictions": result.num_predictions}


def run(args: argparse.Namespace) -> int:
    import warnings

    from datasets.synthetic import trivial
    from datasets.synthetic.storage import IDENTITY_KEYS

    data = trivial.load(args.folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # predictions of classes absent from the test GT
        oracle = evaluate(data, trivial.oracle_predictions(data))
        preds, info = trivial.trivial_predictions(data)
        base = evaluate(data, preds)
    out = {
        "dataset": {k: data.manifest.get(k) for k in IDENTITY_KEYS},
        "tiou": list(data.tiou_thresholds),
        "oracle": _row(oracle),
        "trivial": {**_row(base), **info},
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    d = out["dataset"]
    table = Table(title=f"{d['preset']} / {d['quality']} / seed {d['seed']} "
                        f"(v{d['generator_version']}, {d['num_train']}/{d['num_test']} videos)")
    table.add_column("method", no_wrap=True)
    for t in data.tiou_thresholds:
        table.add_column(f"{t:.2f}", justify="right")
    table.add_column("avg", justify="right")
    for name, r in (("oracle", oracle), ("trivial", base)):
        table.add_row(name, *(f"{100 * m:.1f}" for m in r.mAP), f"{100 * r.average_mAP:.1f}")
    console = Console()
    if not console.is_terminal:  # piped: do not squeeze ten threshold columns into 80
        console = Console(width=max(console.width, 120))
    console.print(table)
    print(f"trivial: {base.num_predictions} segments, per-step accuracy "
          f"{100 * info['val_step_accuracy']:.1f} % on validation")
    return 0
