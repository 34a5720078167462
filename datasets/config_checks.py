"""Checks of a config's evaluators and data-derived model keys (``check-data``, before a run).

What the per-dataset checks (:mod:`datasets.checks`) cannot see, because it joins two
parts of a config:

* each ``TemporalMAPMetric``: its annotation file and subset, the evaluated video set
  (``thumos14-test-212`` / ``-211``), videos skipped by the dataset but still scored by the
  evaluator (a silent mAP loss), and the external score file of ActivityNet-style fusion
  (readable, a score vector for every evaluated video, class order = annotation label ids);
* ``model.train_cfg.head_empty_cls`` against the classes without annotations that the
  official EPIC loader hands to the model (:mod:`datasets.derived`).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from typing import Any

from datasets.annotations import VideoAnnotation, label_map, load_annotations, video_set_label
from datasets.checks import DatasetCheck, file_sha256
from datasets.derived import annotation_path, derived_head_empty_cls
from datasets.scan import Finding, short_list
from harness.errors import DataError

EVALUATORS = {"val": ("val_evaluator", "val_dataloader"), "test": ("test_evaluator", "test_dataloader")}


def evaluator_targets(cfg: Any, split: str) -> list[tuple[str, dict, dict | None]]:
    """(split labels, evaluator cfg, dataset cfg of the same split) per distinct pair."""
    out: list[tuple[list[str], dict, dict | None, str]] = []
    names = EVALUATORS if split == "all" else ([split] if split in EVALUATORS else [])
    for name in names:
        ev_key, loader_key = EVALUATORS[name]
        evaluator = cfg.get(ev_key)
        metrics = evaluator if isinstance(evaluator, (list, tuple)) else [evaluator]
        loader = cfg.get(loader_key)
        ds = loader.get("dataset") if isinstance(loader, Mapping) else None
        for metric in metrics:
            if not isinstance(metric, Mapping) or metric.get("type") != "TemporalMAPMetric":
                continue
            pair = (copy.deepcopy(dict(metric)), copy.deepcopy(dict(ds)) if isinstance(ds, Mapping) else None)
            key = json.dumps(pair, sort_keys=True, default=str)
            seen = next((entry for entry in out if entry[3] == key), None)
            if seen is not None:
                seen[0].append(name)
            else:
                out.append(([name], pair[0], pair[1], key))
    return [(", ".join(labels), ev, ds) for labels, ev, ds, _ in out]


def _dataset_findings(ev: dict, ds: dict, subset: str, source: str) -> list[Finding]:
    """The evaluator must score what the dataset predicts: same subset, no video dropped unscored."""
    findings = []
    ds_subsets = ds.get("subset")
    ds_subsets = [ds_subsets] if isinstance(ds_subsets, str) else list(ds_subsets or [])
    if ds_subsets and subset.lower() not in [s.lower() for s in ds_subsets]:
        findings.append(Finding("error", source, (
            f"the evaluator scores subset {subset!r} but the dataset predicts subset(s) {ds_subsets}")))
    skipped = sorted(set(ds.get("exclude_videos") or ()) - set(ev.get("exclude_videos") or ()))
    if skipped:
        findings.append(Finding("error", source, (
            f"the dataset skips {short_list(skipped)} but the evaluator still scores their GT "
            f"(add them to the evaluator's exclude_videos as well)")))
    ds_ann = annotation_path(ds)
    if ds.get("ann_file") and os.path.normpath(ds_ann) != os.path.normpath(str(ev["ann_file"])):
        findings.append(Finding("warning", source, (
            f"the evaluator reads GT from {ev['ann_file']} but the dataset reads {ds_ann}")))
    return findings


def _score_file_findings(path: str, kept: list[VideoAnnotation], lmap: dict[str, int]) -> list[Finding]:
    """External classifier scores: readable, one vector per evaluated video, class order = label ids."""
    from models.postprocess import load_external_scores  # torch: only when a score file is checked

    try:
        scores, names = load_external_scores(path)
    except DataError as exc:
        return [Finding("error", path, str(exc).removeprefix(f"{path}: "))]
    findings = []
    lacking = [v.video_id for v in kept if v.video_id not in scores]
    if lacking:
        findings.append(Finding("error", path, (
            f"no class scores for {len(lacking)} of {len(kept)} evaluated videos (score fusion "
            f"would fail at test time): {short_list(lacking)}")))
    id_to_name = {i: n for n, i in lmap.items()}
    differ = [i for i, n in enumerate(names) if i in id_to_name and id_to_name[i] != n]
    if differ:
        i = differ[0]
        findings.append(Finding("warning", path, (
            f"class order differs from the annotation label ids at {len(differ)} of {len(names)} "
            f"positions (first: index {i} is {names[i]!r}, label id {i} is {id_to_name[i]!r}); "
            f"fused labels follow the score file's order")))
    return findings


def check_evaluator(ev: dict, *, split: str, dataset: dict | None = None) -> DatasetCheck:
    """Check one ``TemporalMAPMetric`` config (and its split's dataset config).

    Returns:
        A row named after the evaluated video set; ``num_videos`` / ``num_gt`` count the
        evaluated videos and their GT rows (before the evaluator's dedup).
    """
    ann, subset = str(ev.get("ann_file")), str(ev.get("subset", "validation"))
    name = f"TemporalMAPMetric {ann} [{subset}]"
    try:
        videos = load_annotations(ann)
        lmap = label_map(videos, ann)
    except DataError as exc:
        return DatasetCheck(name, split, 0, 0, (Finding("error", ann, str(exc).removeprefix(f"{ann}: ")),))
    in_subset = [v for v in videos if v.subset == subset.lower()]
    findings = []
    if not in_subset:
        present = sorted({v.subset for v in videos})
        findings.append(Finding("error", ann, f"evaluator subset {subset!r} has no videos (subsets: {present})"))
    excluded = set(ev.get("exclude_videos") or ())
    unknown = sorted(excluded - {v.video_id for v in in_subset})
    if unknown:
        findings.append(Finding("warning", ann, f"evaluator exclude_videos not in subset {subset!r}: "
                                                f"{short_list(unknown)}"))
    kept = [v for v in in_subset if v.video_id not in excluded]
    if dataset is not None:
        findings += _dataset_findings(ev, dataset, subset, f"{split} evaluator")
    if ev.get("video_scores_file"):
        findings += _score_file_findings(str(ev["video_scores_file"]), kept, lmap)
    label = video_set_label(ann, subset, len(kept))
    return DatasetCheck(f"{name} video set {label}", split, len(kept), sum(len(v.labels) for v in kept),
                        tuple(findings), ann_file=ann, ann_sha256=file_sha256(ann))


def check_head_empty_cls(cfg: Any) -> tuple[list[int] | None, list[Finding]]:
    """``model.train_cfg.head_empty_cls`` against the list the official EPIC loader derives.

    Returns:
        (derived ids or None when the training dataset derives none, findings).
    """
    try:
        derived = derived_head_empty_cls(cfg)
    except DataError:
        return None, []  # the training dataset's own check reports the annotation file
    train_cfg = (cfg.get("model") or {}).get("train_cfg") or {}
    if derived is None or "head_empty_cls" not in train_cfg:
        return derived, []
    current = list(train_cfg["head_empty_cls"] or [])
    if current == derived:
        return derived, []
    return derived, [Finding("warning", "model.train_cfg.head_empty_cls", (
        f"is {short_list([str(i) for i in current]) or '[]'} but the training annotations leave "
        f"{len(derived)} class(es) without samples ({short_list([str(i) for i in derived])}); the "
        f"official train.py passes those to the model (datasets.fill_head_empty_cls, or "
        f"--cfg-options model.train_cfg.head_empty_cls=[...])"))]
