"""``python -m harness train CONFIG --seed S``: train, test the last epoch's EMA model, record.

Writes into the work dir (default ``results/runs/<model>/<config>/seed<k>/``): the resolved
config and its hash, checkpoints, ``test_curve.json`` (when the config records one),
``predictions.json`` (ActivityNet format) and, last and atomically, ``record.json``.
Before anything is built, every feature file of every split gets the cheap checks of
``check-data`` (:mod:`datasets.precheck`, cached by size and mtime), so a NaN in the test
split stops the run at once. A NaN/Inf loss stops training and writes a record with status
``failed`` (exit 1); so does any other exception (which is then reported as usual).
Multi-GPU: ``torchrun --nproc-per-node N -m harness train CONFIG --launcher pytorch``.

The terminal shows a short header (config, seed, work dir, device, log file), one progress
line per epoch (:class:`harness.hooks.ProgressHook`), one per evaluation, and the result
table; the log file (``<work_dir>/<timestamp>/<timestamp>.log``) holds everything mmengine
logs (environment, full config, hook order, a line every 10 iterations). ``--verbose`` shows
the log file's lines on the terminal too.

When the validation loader and evaluator are the test split (THUMOS-type data with a test
curve), the last epoch is evaluated once, by the test run, whose result also ends the curve.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone
from pathlib import Path

NAME = "train"
HELP = "train a config with one seed, evaluate the last epoch (EMA) on the test split, write record.json"
RECORD = "record.json"
PREDICTIONS = "predictions.json"
FEATURE_CHECK_CACHE = ".feature_checks.json"  # beside the seed folders: shared by the seeds


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", help="leaf config, e.g. harness/configs/actionformer/synthetic_thumos_like.py")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--work-dir", default=None, help="run folder (default results/runs/<model>/<config>[__<stand-in>]/seed<k>, "
                   "the folder a sweep uses for the config; <stand-in> e.g. 'mid' for synthetic data)")
    p.add_argument("--data-root", default=None, help="replace the config's data root")
    p.add_argument("--cfg-options", nargs="+", default=None, metavar="KEY=VALUE", help="override config keys (mmengine syntax)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in the work dir")
    p.add_argument("--launcher", choices=["none", "pytorch"], default="none", help="'pytorch' under torchrun (DDP)")
    p.add_argument("--amp", action="store_true", help="mixed precision (AmpOptimWrapper; CUDA only)")
    p.add_argument("--overwrite", action="store_true", help="start afresh in a work dir that holds an earlier run")
    p.add_argument("--schedule", choices=["official", "smoke"], default=None,
                   help="smoke: the config unchanged but one epoch of a few iterations, then the real "
                   "test (default: the config's own, official; runs under results/runs-smoke)")
    p.add_argument("--tensorboard", action="store_true", help="also write TensorBoard event files "
                   "(<work_dir>/<timestamp>/vis_data; needs pip install -e '.[tensorboard]')")
    p.add_argument("--verbose", action="store_true", help="show mmengine's full log (config dump, hook "
                   "table, every logged iteration) on the terminal, not only in the log file")


def _prepare_work_dir(work_dir: Path, *, resume: bool, overwrite: bool):
    """The checkpoint to resume from (or None); refuses to mix runs in one folder."""
    import sys

    from harness.checkpoint import newest_valid_checkpoint
    from harness.errors import ConfigError

    if resume:
        ckpt, skipped = newest_valid_checkpoint(work_dir)
        if ckpt is None:
            why = f" valid (skipped: {', '.join(skipped)})" if skipped else ""
            raise ConfigError(f"{work_dir}: --resume but the work dir holds no{why} checkpoint")
        if skipped:
            print(f"warning: {work_dir}: resuming from {ckpt.name}, the newest valid checkpoint; "
                  f"skipped {', '.join(skipped)}", file=sys.stderr)
        return ckpt
    stale = [work_dir / RECORD, work_dir / "last_checkpoint", work_dir / "checkpoints.json",
             *work_dir.glob("epoch_*.pth")]
    stale = [p for p in stale if p.exists()]
    if stale and not overwrite:
        raise ConfigError(
            f"{work_dir}: holds an earlier run ({stale[0].name}); pass --resume to continue it, "
            "--overwrite to start afresh, or another --work-dir"
        )
    for p in stale:
        p.unlink()
    return None


def _curve(runner):
    from harness.evaluation import metric_value
    from harness.hooks import TestCurveHook
    from harness.records import CurvePoint

    for hook in runner.hooks:
        if isinstance(hook, TestCurveHook):
            return tuple(
                CurvePoint(
                    epoch=p["epoch"],
                    average_mAP=metric_value(p["metrics"], "average_mAP"),
                    metrics=dict(p["metrics"]),
                )
                for p in hook.curve
            )
    return ()


def _result_fields(outcome) -> dict:
    """Record fields from a test outcome (full ``MAPResult`` when available)."""
    from harness.evaluation import metric_value

    if outcome.result is not None:
        res = outcome.result.to_json()
        evaluator = {k: v for k, v in res.items() if k not in ("tiou", "mAP", "average_mAP", "ap_per_class")}
        return dict(
            tiou=tuple(res["tiou"]),
            mAP=tuple(res["mAP"]),
            average_mAP=res["average_mAP"],
            ap_per_class={k: tuple(v) for k, v in res["ap_per_class"].items()},
            evaluator=evaluator,
        )
    pairs = sorted(
        (float(k.rsplit("@", 1)[1]), v) for k, v in outcome.metrics.items() if "mAP@" in k
    )
    return dict(
        tiou=tuple(t for t, _ in pairs),
        mAP=tuple(v for _, v in pairs),
        average_mAP=metric_value(outcome.metrics, "average_mAP"),
        evaluator={"metrics": dict(outcome.metrics)},
    )


def _record(resolved, runner, *, status, error, started, result_fields, checkpoint, predictions):
    from harness.manifest import collect_manifest
    from harness.records import RunRecord, best_on_test, describe_data
    from harness.schedule import is_rehearsal_root, schedule_of
    from harness.seed_exact import rng_order_of  # numpy/torch: only when a record is written

    dataset, features, subset = describe_data(resolved.cfg)
    curve = _curve(runner) if runner is not None else ()
    return RunRecord(
        schedule=schedule_of(resolved.cfg),
        rehearsal=is_rehearsal_root(resolved.data_root),
        model=resolved.model,
        config_name=resolved.config_name,
        config_path=str(resolved.config_path),
        config_hash=resolved.config_hash,
        seed=resolved.seed,
        dataset=dataset,
        feature_set=features,
        test_split=subset,
        status=status,
        error=error,
        manifest=collect_manifest(config_hash=resolved.config_hash, seed=resolved.seed,
                                  torch_compile=resolved.cfg.get("torch_compile"),
                                  rng_order=rng_order_of(resolved.cfg)),
        epochs=int(runner.epoch) if runner is not None else 0,
        max_epochs=int(resolved.cfg.train_cfg.max_epochs),
        wall_time_s=round(time.time() - started, 3),
        test_curve=curve,
        best_on_test=best_on_test(curve),
        predictions=predictions,
        checkpoint=checkpoint,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **result_fields,
    )


def _plain_dict(value) -> dict:
    return value.to_dict() if hasattr(value, "to_dict") else dict(value or {})


def evaluates_test_split_last(cfg) -> bool:
    """True when the validation run after the last epoch would repeat the test run: the
    training records a test curve and the val and test loaders, evaluators and loop settings
    are the same (``predictions_out`` of the test evaluator aside)."""
    train_cfg = _plain_dict(cfg.get("train_cfg"))
    if not train_cfg.get("record_test_curve"):
        return False

    def evaluator(key):
        value = cfg.get(key)
        items = value if isinstance(value, (list, tuple)) else [value]
        return [{k: v for k, v in _plain_dict(m).items() if k != "predictions_out"} for m in items]

    val_loop, test_loop = _plain_dict(cfg.get("val_cfg")), _plain_dict(cfg.get("test_cfg"))
    return (
        val_loop.pop("type", "ValLoop") == "ValLoop"
        and test_loop.pop("type", "TestLoop") == "TestLoop"
        and val_loop == test_loop
        and _plain_dict(cfg.get("val_dataloader")) == _plain_dict(cfg.get("test_dataloader"))
        and evaluator("val_evaluator") == evaluator("test_evaluator")
    )


def _header(resolved, runner, args) -> None:
    import torch

    from harness.console import console_line, log_file_of

    if torch.cuda.is_available():
        device = f"cuda ({torch.cuda.get_device_name(0)})"
    else:
        device = f"cpu ({torch.get_num_threads()} threads)"
    world = int(getattr(runner, "world_size", 1) or 1)
    extra = f" x {world} processes" if world > 1 else ""
    console_line(runner.logger, f"train {resolved.config_path}  seed {resolved.seed}  device {device}{extra}"
                 + ("  (resumed)" if resolved.cfg.get("resume") else ""))
    console_line(runner.logger, f"work dir {resolved.work_dir}")
    log = log_file_of(runner)
    if log is not None and not args.verbose:
        console_line(runner.logger, f"log {log} (full config, hooks, every 10th iteration)")
    if args.tensorboard:
        console_line(runner.logger, f"tensorboard --logdir {resolved.work_dir}")


def _print_summary(record, path: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"{record.config_name} seed {record.seed}: mAP (%) at tIoU, last epoch, EMA, "
                  "test split", soft_wrap=True)
    table = Table()
    for t in record.tiou:
        table.add_column(f"{t:.2f}", justify="right")
    table.add_column("avg", justify="right")
    table.add_row(*[f"{100 * v:.2f}" for v in record.mAP], f"{100 * (record.average_mAP or 0):.2f}")
    from harness.schedule import banners

    for line in banners(record.schedule, record.rehearsal):
        console.print(f"[bold yellow]{line}[/bold yellow]")
    console.print(table)
    if record.best_on_test is not None:
        b = record.best_on_test
        console.print(f"test curve: best epoch {b.epoch} avg {100 * b.average_mAP:.2f} ({b.selection})",
                      soft_wrap=True)
    console.print(f"record: {path}  ({record.wall_time_s:.1f} s)", soft_wrap=True)


def run(args: argparse.Namespace) -> int:
    from harness.console import configure_console

    configure_console(verbose=args.verbose)
    try:
        return _run(args)
    finally:
        configure_console()  # the next runner of this process gets the default console


def _run(args: argparse.Namespace) -> int:
    from mmengine.dist import is_main_process

    from harness.checkpoint import find_resume_checkpoint
    from harness.evaluation import run_test, set_predictions_out
    from harness.hooks import NonFiniteLossError, TestCurveHook
    from harness.runner import (
        apply_tensorboard,
        parse_cfg_options,
        resolve_run_config,
        runner_from_resolved,
    )

    started = time.time()
    from harness.io import ensure_output_dir

    overrides = parse_cfg_options(args.cfg_options)
    if args.schedule is not None:
        overrides["schedule"] = args.schedule
    resolved = resolve_run_config(
        args.config,
        args.seed,
        args.work_dir,
        overrides,
        args.data_root,
        launcher=args.launcher,
        amp=args.amp,
    )
    work_dir = resolved.work_dir  # default: the sweep's folder, which needs the loaded config
    ensure_output_dir(work_dir, "work dir")
    resume_from = _prepare_work_dir(work_dir, resume=args.resume, overwrite=args.overwrite)
    if resume_from is not None:
        resolved = resolve_run_config(
            args.config,
            args.seed,
            work_dir,
            overrides,
            args.data_root,
            launcher=args.launcher,
            amp=args.amp,
            resume_from=resume_from,
        )
    if args.tensorboard:
        apply_tensorboard(resolved.cfg)
    evaluate_once = evaluates_test_split_last(resolved.cfg)
    has_predictions = set_predictions_out(resolved.cfg, work_dir / PREDICTIONS)
    runner, status, error, fields, raised = None, "ok", None, {}, None
    try:
        from datasets.precheck import precheck_splits

        precheck_splits(resolved.cfg, cache=work_dir.parent / FEATURE_CHECK_CACHE)
        runner = runner_from_resolved(resolved)
        _header(resolved, runner, args)
        curve_hooks = [h for h in runner.hooks if isinstance(h, TestCurveHook)]
        if evaluate_once:  # the test run below evaluates the last epoch (module docstring)
            runner.train_loop.validate_last_epoch = False
        runner.train()
        outcome = run_test(runner)
        if evaluate_once:
            for hook in curve_hooks:
                hook.add_point(runner, int(runner.epoch), outcome.metrics)
        fields = _result_fields(outcome)
    except NonFiniteLossError as exc:
        status, error = "failed", str(exc)
    except Exception as exc:  # any failure leaves a failed record, then is reported as usual
        status, error, raised = "failed", f"{type(exc).__name__}: {' '.join(str(exc).split())[:500]}", exc
    last = find_resume_checkpoint(work_dir)
    record = _record(
        resolved,
        runner,
        status=status,
        error=error,
        started=started,
        result_fields=fields,
        checkpoint=last.name if last is not None else None,
        predictions=PREDICTIONS if has_predictions and status == "ok" else None,
    )
    if not is_main_process():
        if raised is not None:
            raise raised
        return 0 if status == "ok" else 1
    try:
        path = record.write(work_dir / RECORD)
    except OSError:
        if raised is not None:
            raise raised from None
        raise
    if raised is not None:
        raise raised
    if status != "ok":
        print(f"error: {error}; failed record written to {path}")
        return 1
    _print_summary(record, path)
    return 0
