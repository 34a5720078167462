"""``python -m harness diagnose``: DETAD's error analysis of detections (``reports.diagnosis``).

Two forms:

- ``diagnose --ground-truth GT.json --predictions PRED.json [--subset S] [--tiou 0.5]
  [--json] [--out DIR]``: one prediction file. GT is DETAD's JSON (characteristics
  included) or the harness's annotation JSON (characteristics computed). Prints a summary,
  or with ``--json`` only the JSON of the spec (fractions, NaN as null); ``--out`` also
  writes ``diagnosis.json`` and the figures there.
- ``diagnose EXPERIMENT [--scale synthetic] [--seeds 0-2]``: every run of the experiment,
  per method mean and 95 % t-interval over seeds, paired differences between methods,
  figures, a LaTeX table and timelines (see :mod:`harness.reporting.diagnosis`). The last
  line printed is the index page.

Numbers equal DETAD's by default, quirks included; ``--stable-ties``,
``--earlier-gt-on-tiou-ties``, ``--prefer-same-label`` and ``--single-evaluation`` fix one
quirk each, ``--fix-quirks`` all four.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

NAME = "diagnose"
HELP = "DETAD's error analysis (FP profile, error impact, sensitivity, FN) of runs or a prediction file"
QUIRK_FLAGS = {
    "stable_ties": "quirk 1: one stable score order everywhere (DETAD: three sort routines)",
    "earlier_gt_on_tiou_ties": "quirk 2: among GTs at equal tIoU visit the earlier first (DETAD: later)",
    "prefer_same_label": "quirk 3: type errors against a same-label GT among those tied at the top tIoU",
    "single_evaluation": "quirk 5: one evaluation (no limit, no cut) for all three analyses",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", nargs="?", help="table1 ... or an experiment file (else give --predictions)")
    g = p.add_argument_group("one prediction file")
    g.add_argument("--ground-truth", "--gt", dest="ground_truth", help="DETAD or harness annotation JSON")
    g.add_argument("--predictions", help="ActivityNet results JSON")
    g.add_argument("--subset", default=None, help="GT subset (default: testing, test or validation)")
    g.add_argument("--json", action="store_true", help="print the diagnosis as JSON only")
    p.add_argument("--tiou", default=None,
                   help="thresholds: one value, a,b,c or a:step:b (default: 0.5; ActivityNet bins: 0.5:0.05:0.95)")
    p.add_argument("--bins", choices=["thumos14", "activitynet"], default=None,
                   help="bucket edges (default thumos14; experiments: from the annotation file)")
    for name, text in QUIRK_FLAGS.items():
        p.add_argument("--" + name.replace("_", "-"), action="store_true", help="fix " + text)
    p.add_argument("--fix-quirks", action="store_true", help="all four switches above")
    e = p.add_argument_group("experiment")
    e.add_argument("--scale", choices=["synthetic", "real"], default="synthetic")
    e.add_argument("--results", default="results/runs", help="run folders (default results/runs)")
    e.add_argument("--seeds", default=None, help="e.g. 0-2 (default: every seed found)")
    e.add_argument("--data-root", default=None, help="as given to the sweep")
    e.add_argument("--schedule", choices=["official", "smoke"], default="official",
                   help="the runs of sweep --schedule smoke (results/runs-smoke, results/tables-smoke, "
                   "reports/build/<experiment>-<scale>-smoke/diagnosis)")
    e.add_argument("--timelines", type=int, default=4, metavar="N", help="videos per timeline page (0: none)")
    e.add_argument("--timeline-tiou", type=float, default=0.5, help="tIoU of the types on timelines")
    e.add_argument("--top-k", type=int, default=15, help="detections per video on timelines")
    e.add_argument("--tables", default="results/tables",
                   help="also write <tables>/<experiment>-<scale>/diagnosis/<group>.json (the "
                   "committable summary; default results/tables; '' to skip)")
    p.add_argument("--out", default=None,
                   help="output folder (experiment default: reports/build/<experiment>-<scale>/diagnosis)")


def _options_kw(args) -> dict:
    from harness.metrics.formats import parse_tiou_thresholds

    kw = {name: bool(getattr(args, name) or args.fix_quirks) for name in QUIRK_FLAGS}
    if args.tiou is not None:
        kw["tiou"] = parse_tiou_thresholds(args.tiou)
    if args.bins is not None:
        kw["bins"] = args.bins
    return kw


HEADLINE = [("average-mAP_N", "average_mAP_N/all")] + [
    (f"gain w/o {t}", f"error_impact/{t}") for t in
    ("double_detection", "wrong_label", "localization", "confusion", "background")]


def _interval_text(name: str, iv: dict | None) -> str:
    """``name +1.23 [0.50, 1.96] pts`` from an interval's JSON (points)."""
    if not iv or iv.get("mean") is None:
        return f"{name} –"
    text = f"{name} {100 * iv['mean']:+.2f}"
    if iv.get("low") is not None:
        text += f" [{100 * iv['low']:+.2f}, {100 * iv['high']:+.2f}]"
    return text + " pts"


def _print_summary(d) -> None:
    pct = lambda x: "  –  " if x is None or not math.isfinite(x) else f"{100 * x:5.1f}"  # noqa: E731
    print(f"tIoU {', '.join(f'{t:g}' for t in d.tiou)}; {d.num_predictions} predictions; "
          f"N̄ = {d.average_num_instances_per_class:.4g}")
    print("average-mAP_N (%): " + ", ".join(f"{k} {pct(v)}" for k, v in d.average_mAP_N.items()))
    print("false-positive profile (% of each group):")
    types = list(next(iter(d.false_positive_profile.values())))
    print("      " + " ".join(f"{t[:10]:>10}" for t in types))
    for g, row in d.false_positive_profile.items():
        print(f"{g:>5} " + " ".join(f"{pct(row[t]):>10}" for t in types))
    print("removing-error impact (average-mAP_N points): "
          + ", ".join(f"{k} {100 * v:+.2f}" for k, v in d.error_impact.items()))
    for title, block in (("sensitivity (average-mAP_N %)", d.sensitivity),
                         ("false negatives (%)", d.false_negative)):
        print(title + ":")
        for name, vals in block.items():
            print(f"  {name:>13}: " + "  ".join(f"{b} {pct(v)}" for b, v in vals.items()))
    for n in d.notes:
        print("note: " + n)


def _one_file(args) -> int:
    from harness.errors import ConfigError
    from harness.io import atomic_write_json
    from reports.diagnosis import (
        TIOU,
        DiagnosisOptions,
        diagnose,
        load_ground_truth,
        load_predictions,
    )

    if not (args.ground_truth and args.predictions):
        raise ConfigError("diagnose: give EXPERIMENT, or --ground-truth and --predictions")
    kw = _options_kw(args)
    if "bins" in kw and "tiou" not in kw:
        kw["tiou"] = TIOU[kw["bins"]]
    gt = load_ground_truth(args.ground_truth, args.subset)
    d = diagnose(load_predictions(args.predictions, gt), gt, DiagnosisOptions(**kw))
    data = d.to_json()
    if args.out:
        from reports.diagnosis.plots import all_figures
        from reports.diagnosis.seeds import summarise

        out = Path(args.out)
        atomic_write_json(out / "diagnosis.json", data)
        all_figures(summarise({Path(args.predictions).stem: {0: data}}), out)
    if args.json:
        print(json.dumps(data, allow_nan=False))
    else:
        _print_summary(d)
        if args.out:
            print(Path(args.out) / "diagnosis.json")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.experiment is None:
        return _one_file(args)
    from harness.errors import ConfigError
    from harness.experiments import load_experiment
    from harness.io import atomic_write_json
    from harness.reporting.diagnosis import (
        check_inputs,
        collect_groups,
        diagnose_group,
        slug,
        write_index,
    )
    from harness.sweep.plan import parse_seeds, resolve_data_root

    if args.predictions or args.ground_truth or args.json:
        raise ConfigError("diagnose EXPERIMENT: --predictions/--ground-truth/--json are for one file")
    experiment = load_experiment(args.experiment)
    seeds = parse_seeds(args.seeds) if args.seeds else None
    data_root = resolve_data_root(args.data_root, args.scale)
    from harness.schedule import results_folder

    args.results = results_folder(args.results, "results/runs", args.schedule)
    args.tables = results_folder(args.tables, "results/tables", args.schedule)
    groups, notes = collect_groups(experiment, args.scale, Path(args.results), seeds, data_root,
                                   schedule=args.schedule)
    suffix = "-smoke" if args.schedule == "smoke" else ""
    out = Path(args.out) if args.out else Path("reports/build") / f"{experiment.name}-{args.scale}{suffix}" / "diagnosis"
    if not groups:
        raise ConfigError(f"diagnose {experiment.name}: no runs with predictions under {args.results} "
                          f"({args.scale} scale); run `python -m harness sweep {args.experiment}` first")
    check_inputs(groups)
    kw = _options_kw(args)
    pages = []
    for g in groups:
        page, _ = diagnose_group(g, out / slug(g.title), kw, args.timelines, args.top_k,
                                 args.timeline_tiou)
        pages.append((g.title, page))
        print(f"{g.title}: {sum(len(s) for s in g.runs.values())} runs -> {page}")
        summary = json.loads((page.parent / "summary.json").read_text())
        for pair, q in summary["paired"].items():
            print(f"  {pair}: " + "; ".join(_interval_text(name, q.get(path)) for name, path in HEADLINE))
        if args.tables:
            table = Path(args.tables) / f"{experiment.name}-{args.scale}" / "diagnosis" / f"{slug(g.title)}.json"
            atomic_write_json(table, {"experiment": experiment.name, "scale": args.scale,
                                      "group": g.title, "options": kw,
                                      **summary})
            print(f"  summary -> {table}")
    index = write_index(out, f"Diagnosis of {experiment.name} ({args.scale} scale)", pages, notes)
    from harness.schedule import banners, is_rehearsal_root, stamp_banner

    stamp_banner(out, banners(args.schedule, is_rehearsal_root(data_root)))
    print(index)
    return 0
