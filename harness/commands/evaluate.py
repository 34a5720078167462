"""``python -m harness evaluate``: detection mAP of a prediction file against an annotation file."""

from __future__ import annotations

import argparse

NAME = "evaluate"
HELP = "detection mAP (ActivityNet protocol) of an ActivityNet-style prediction file"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ground-truth", required=True, help="annotation JSON (ActionFormer family)")
    p.add_argument("--predictions", required=True, help="prediction JSON {results: {video: [...]}}")
    p.add_argument("--subset", default="validation", help="GT subset to evaluate (default: validation)")
    p.add_argument(
        "--tiou", default="0.3:0.1:0.7",
        help="thresholds: a:step:b (np.linspace values, inclusive) or a,b,c (default: 0.3:0.1:0.7)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON (fractions)")
    p.add_argument("--no-gt-dedup", action="store_true", help="keep duplicate GT segments")
    p.add_argument(
        "--keep-zero-length-gt", action="store_true", help="keep GT segments with start == end"
    )
    p.add_argument("--exclude-videos", nargs="*", default=[], metavar="ID", help="videos to leave out")
    p.add_argument("--per-class", action="store_true", help="also print AP per class")
    p.add_argument(
        "--reference", action="store_true", help="use the slow per-class reference implementation"
    )


def _print_table(result, per_class: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from harness.metrics import threshold_key

    console = Console()
    table = Table(title="detection mAP (%)")
    table.add_column("tIoU")
    table.add_column("mAP", justify="right")
    for t, m in zip(result.tiou, result.mAP):
        table.add_row(threshold_key(t).removeprefix("mAP@"), f"{100 * m:.2f}")
    table.add_row("average", f"{100 * result.average_mAP:.2f}", style="bold")
    console.print(table)
    if per_class:
        cls_table = Table(title="AP per class (%)")
        cls_table.add_column("class")
        for t in result.tiou:
            cls_table.add_column(threshold_key(t).removeprefix("mAP@"), justify="right")
        for label, ap in result.ap_per_class.items():
            name = result.class_names.get(label)
            shown = f"{label} {name}" if name is not None else str(label)
            cls_table.add_row(shown, *(f"{100 * a:.2f}" for a in ap))
        console.print(cls_table)
    console.print(
        f"{len(result.classes_in_mean)} classes, {result.num_gt} GT in {result.num_gt_videos} "
        f"videos, {result.num_predictions} predictions; ignored predictions "
        f"{result.num_ignored_predictions}; GT dropped: {result.num_dropped_gt} inverted, "
        f"{result.num_duplicate_gt} duplicate, {result.num_zero_length_gt} zero-length, "
        f"{result.num_excluded_gt} excluded; dedup {'on' if result.gt_dedup else 'off'}; "
        f"{result.num_predictions_without_gt_video} predictions on videos without GT "
        "(false positives, official rule)"
    )


def check_overlap(gt, pred, args: argparse.Namespace) -> None:
    """An empty ``results`` or a subset no predicted video belongs to is an error, not 0.00."""
    from harness.errors import DataError

    if len(pred) == 0:
        raise DataError(f"{args.predictions}: 'results' holds no detections; nothing to evaluate")
    gt_videos, pred_videos = set(gt["video_id"].unique()), set(pred["video_id"].unique())
    if not gt_videos & pred_videos:
        raise DataError(
            f"{args.predictions}: none of its {len(pred_videos)} videos belongs to subset "
            f"{args.subset!r} of {args.ground_truth} ({len(gt_videos)} videos); wrong --subset?")


def run(args: argparse.Namespace) -> int:
    import json
    import sys
    import warnings

    from harness.metrics import (
        evaluate_detection,
        load_ground_truth,
        load_predictions,
        parse_tiou_thresholds,
    )

    thresholds = parse_tiou_thresholds(args.tiou)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gt = load_ground_truth(args.ground_truth, args.subset)
        pred = load_predictions(args.predictions)
        check_overlap(gt, pred, args)
        result = evaluate_detection(
            gt, pred, thresholds, gt_dedup=not args.no_gt_dedup,
            drop_zero_length_gt=not args.keep_zero_length_gt,
            exclude_videos=args.exclude_videos, reference=args.reference,
        )
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), allow_nan=False))
    else:
        _print_table(result, args.per_class)
    return 0
