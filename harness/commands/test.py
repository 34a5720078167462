"""``python -m harness test CONFIG --checkpoint CKPT``: evaluate a checkpoint on the test split.

- A harness checkpoint (``epoch_<k>.pth`` of a run): its EMA weights (``state_dict_ema``) are
  evaluated. It is unpickled in full only when its SHA-256 is the one its run recorded in
  ``checkpoints.json`` (trust by identity, not by location) or ``--trust`` is given (a warning
  names the file); otherwise it is loaded with ``weights_only=True`` (and mmengine's extra
  objects make that fail with a one-line error).
- ``--official``: an official ActionFormer/TriDet release (``state_dict_ema``, keys with
  ``module.``), always loaded with ``weights_only=True``.

Writes ``predictions.json`` and ``test_record.json`` into the work dir (default
``results/runs/<model>/<config>/test/<checkpoint stem>/``; ``test_record.json`` is not a
training record and is never aggregated as one).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, timezone
from pathlib import Path

NAME = "test"
HELP = "evaluate a checkpoint (the harness's own or an official release) on the test split"
RECORD = "test_record.json"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", help="leaf config the checkpoint belongs to")
    p.add_argument("--checkpoint", required=True, help="checkpoint file (.pth / .pth.tar)")
    p.add_argument("--official", action="store_true", help="official release: state_dict_ema, 'module.' stripped, weights_only")
    p.add_argument("--trust", action="store_true", help="the checkpoint was written by this harness: unpickle it in full")
    p.add_argument("--work-dir", default=None, help="output folder (default results/runs/<model>/<config>/test/<ckpt>)")
    p.add_argument("--data-root", default=None, help="replace the config's data root")
    p.add_argument("--cfg-options", nargs="+", default=None, metavar="KEY=VALUE", help="override config keys")
    p.add_argument("--seed", type=int, default=0, help="seed of the (deterministic) test run")
    p.add_argument("--json", action="store_true", help="print the result as JSON, alone on stdout "
                   "(log lines go to stderr and the log file)")


def load_weights(path: Path, *, official: bool, trust: bool) -> tuple[dict, str]:
    """(state dict, source key) to evaluate; see the module docstring for the trust rule."""
    import sys

    from harness.checkpoint import is_recorded, load_external_weights, select_weights, torch_load

    if official:
        return load_external_weights(path)
    trusted = is_recorded(path)
    if trust and not trusted:
        print(f"warning: --trust: unpickling {path} in full; this runs any code the file holds",
              file=sys.stderr)
        trusted = True
    return select_weights(torch_load(path, map_location="cpu", trusted=trusted))


def _load_into_model(runner, weights: dict, path: Path) -> None:
    from harness.checkpoint import weights_mismatch
    from harness.errors import ConfigError
    from harness.hooks.ema import bare_model

    model = bare_model(runner)
    why = weights_mismatch(model, weights)
    if why is not None:
        raise ConfigError(f"{path}: {why}; does it belong to this config?")
    model.load_state_dict(weights, strict=True)


def run(args: argparse.Namespace) -> int:
    from harness.console import configure_console

    configure_console(stream="stderr" if args.json else "stdout")
    try:
        return _run(args)
    finally:
        configure_console()  # the next runner of this process gets the default console


def _run(args: argparse.Namespace) -> int:
    from harness.evaluation import run_test, set_predictions_out
    from harness.manifest import collect_manifest
    from harness.records import describe_data
    from harness.runner import (
        RUNS_ROOT,
        config_identity,
        parse_cfg_options,
        resolve_run_config,
        runner_from_resolved,
    )

    started = time.time()
    ckpt = Path(args.checkpoint)
    from harness.io import ensure_output_dir

    model, stem = config_identity(args.config)
    work_dir = Path(args.work_dir) if args.work_dir else RUNS_ROOT / model / stem / "test" / ckpt.stem
    ensure_output_dir(work_dir, "work dir")
    weights, source_key = load_weights(ckpt, official=args.official, trust=args.trust)
    resolved = resolve_run_config(
        args.config, args.seed, work_dir, parse_cfg_options(args.cfg_options), args.data_root
    )
    has_predictions = set_predictions_out(resolved.cfg, work_dir / "predictions.json")
    runner = runner_from_resolved(resolved)
    _load_into_model(runner, weights, ckpt)
    outcome = run_test(runner)
    dataset, features, subset = describe_data(resolved.cfg)
    record = {
        "config_name": resolved.config_name,
        "config_hash": resolved.config_hash,
        "checkpoint": str(ckpt),
        "weights": source_key,
        "official": bool(args.official),
        "dataset": dataset,
        "feature_set": features,
        "test_split": subset,
        "metrics": outcome.metrics,
        "result": outcome.result.to_json() if outcome.result is not None else None,
        "predictions": "predictions.json" if has_predictions else None,
        "wall_time_s": round(time.time() - started, 3),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "manifest": collect_manifest(config_hash=resolved.config_hash, seed=args.seed,
                                     torch_compile=resolved.cfg.get("torch_compile")).to_json(),
    }
    from harness.io import atomic_write_json

    path = atomic_write_json(work_dir / RECORD, record)
    if args.json:
        print(json.dumps({"metrics": outcome.metrics, "weights": source_key}, indent=2))
    else:
        for key, value in outcome.metrics.items():
            print(f"{key:>24}  {100 * value:6.2f}")
        print(f"weights: {source_key} of {ckpt}; record: {path}")
    return 0
