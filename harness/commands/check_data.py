"""``python -m harness check-data CONFIG``: check every dataset of a config before a long run.

Builds ``train_dataloader.dataset``, ``val_dataloader.dataset`` and
``test_dataloader.dataset`` (``--split``), scans the annotations, loads every feature
file, then checks the val/test evaluators (evaluated video set, videos the dataset skips
but the evaluator scores, external score files) and ``model.train_cfg.head_empty_cls``
(:mod:`datasets.config_checks`), and prints a summary table followed by the findings.
Exit 1 when any error was found (:class:`harness.errors.CheckFailed`), 0 otherwise.
``--data-root`` replaces the config's ``data_root`` (see :func:`datasets.override_data_root`).
"""

from __future__ import annotations

import argparse
import copy
import json
from typing import Any

NAME = "check-data"
HELP = "check a config's datasets (annotations and every feature file); exit 1 on errors"

SPLITS = {"train": "train_dataloader", "val": "val_dataloader", "test": "test_dataloader"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", help="mmengine config file (.py)")
    p.add_argument("--data-root", default=None, help="replace the config's data_root")
    p.add_argument("--split", choices=["train", "val", "test", "all"], default="all",
                   help="which dataloader's dataset to check (default: all)")
    p.add_argument("--length-tol", type=float, default=0.05,
                   help="relative tolerance of the feature-length check (default 0.05)")
    p.add_argument("--max-findings", type=int, default=50,
                   help="findings printed per dataset (default 50; all are counted)")


def _dataset_cfgs(cfg: Any, split: str) -> list[tuple[str, dict]]:
    """(split labels, dataset cfg) per distinct dataset; identical val/test merge into one."""
    out: list[tuple[list[str], dict, str]] = []
    for name in (SPLITS if split == "all" else [split]):
        loader = cfg.get(SPLITS[name])
        if not isinstance(loader, dict) or not isinstance(loader.get("dataset"), dict):
            continue
        ds_cfg = copy.deepcopy(dict(loader["dataset"]))
        key = json.dumps(ds_cfg, sort_keys=True, default=str)
        for labels, _, seen in out:
            if seen == key:
                labels.append(name)
                break
        else:
            out.append(([name], ds_cfg, key))
    return [(", ".join(labels), ds_cfg) for labels, ds_cfg, _ in out]


def _build(ds_cfg: dict) -> Any:
    from harness.registry import DATASETS

    ds_cfg = dict(ds_cfg, lazy_init=True)
    return DATASETS.build(ds_cfg)


def _check_one(split: str, ds_cfg: dict, args: argparse.Namespace, progress: Any) -> Any:
    """Build one dataset lazily and check it; a build failure becomes an error finding."""
    from datasets.checks import DatasetCheck, check_dataset
    from datasets.scan import Finding
    from harness.errors import HarnessError

    try:
        dataset = _build(ds_cfg)
    except (HarnessError, TypeError, KeyError, ValueError) as exc:
        msg = " ".join(str(exc).split())
        return DatasetCheck(f"{ds_cfg.get('type')} (not built)", split, 0, 0,
                            (Finding("error", args.config, f"cannot build the {split} dataset: {msg}"),))
    if not hasattr(dataset, "scan"):
        return DatasetCheck(type(dataset).__name__, split, 0, 0, (Finding(
            "error", args.config, f"{type(dataset).__name__} is not a FeatureTALDataset; cannot check"),))
    task = progress.add_task(f"{split}: feature files", total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    result = check_dataset(dataset, split=split, rel_tol=args.length_tol, progress=advance)
    progress.remove_task(task)
    return result


def _config_checks(cfg: Any, split: str) -> list[Any]:
    """Evaluator rows and the head_empty_cls check (a row only when it has something to say)."""
    from datasets.checks import DatasetCheck
    from datasets.config_checks import check_evaluator, check_head_empty_cls, evaluator_targets

    rows = [check_evaluator(ev, split=label, dataset=ds) for label, ev, ds in evaluator_targets(cfg, split)]
    if split in ("train", "all"):
        derived, findings = check_head_empty_cls(cfg)
        if derived is not None:
            rows.append(DatasetCheck(
                f"model.train_cfg.head_empty_cls ({len(derived)} classes without annotations)",
                "train", 0, 0, tuple(findings)))
    return rows


def run(args: argparse.Namespace) -> int:
    from mmengine.config import Config
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table
    from rich.text import Text

    import datasets
    from harness.errors import CheckFailed, ConfigError
    from harness.experiments.variants import resolve_config

    source, variant = resolve_config(args.config)  # an ablation variant: its leaf + one switch
    try:
        cfg = Config.fromfile(str(source))
    except (FileNotFoundError, OSError, SyntaxError) as exc:
        raise ConfigError(f"{args.config}: cannot load config ({' '.join(str(exc).split())})") from None
    cfg.merge_from_dict(variant)
    if args.data_root is not None:
        from pathlib import Path

        if not Path(args.data_root).is_dir():
            raise ConfigError(
                f"{args.data_root}: --data-root does not exist (or is not a folder); check-data "
                "checks data and never creates it (`python -m harness make-data synthetic ... --out DIR` does)")
        datasets.override_data_root(cfg, args.data_root)
    targets = _dataset_cfgs(cfg, args.split)
    if not targets:
        raise ConfigError(f"{args.config}: no {args.split} dataloader with a dataset to check")
    console = Console()
    with Progress(console=console, transient=True) as progress:
        results = [_check_one(split, ds_cfg, args, progress) for split, ds_cfg in targets]
    results += _config_checks(cfg, args.split)
    table = Table(title=Text(f"check-data {args.config}"))
    for col in ("dataset", "split", "videos", "GT", "errors", "warnings"):
        table.add_column(col, justify="right" if col in ("videos", "GT", "errors", "warnings") else "left")
    for r in results:
        table.add_row(Text(r.name), Text(r.split), str(r.num_videos), str(r.num_gt),
                      str(len(r.errors)), str(len(r.warnings)))
    console.print(table)
    hashes = {}
    for r in results:
        if r.ann_sha256 is not None:
            hashes.setdefault(r.ann_file, r.ann_sha256)
    for path, digest in hashes.items():
        console.print(f"sha256 {digest}  {path}", markup=False, highlight=False, soft_wrap=True)
    for r in results:
        if not r.findings:
            continue
        console.print(f"findings for {r.split} ({r.name}):", markup=False, highlight=False,
                      soft_wrap=True)
        ordered = r.errors + r.warnings
        for f in ordered[: args.max_findings]:
            console.print(f"  {f.level.upper():7s} {f.line()}", markup=False, highlight=False,
                          soft_wrap=True)
        if len(ordered) > args.max_findings:
            console.print(f"  ... {len(ordered) - args.max_findings} more", markup=False)
    n_err = sum(len(r.errors) for r in results)
    n_warn = sum(len(r.warnings) for r in results)
    if n_err:
        raise CheckFailed(f"check-data: {n_err} error(s), {n_warn} warning(s) in {args.config}")
    console.print(f"ok: no errors ({n_warn} warning(s))", markup=False, highlight=False)
    return 0
