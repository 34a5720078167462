"""Build diagnosis inputs from plain tuples (GT: (video, label, start, end); predictions add score)."""

from __future__ import annotations

import json
from pathlib import Path

from reports.diagnosis import load_ground_truth, load_predictions


def write_case(tmp: Path, gt, preds, duration=100.0, detad=True):
    """Write a DETAD (or harness, ``detad=False``) GT file and a results file; load both."""
    db: dict = {}
    counts: dict = {}
    for v, *_ in gt:
        counts[v] = counts.get(v, 0) + 1
    for v, lab, s, e in gt:
        ann = {"label": f"c{lab}", "segment": [s, e]}
        if detad:
            ann |= {"length": e - s, "coverage": (e - s) / duration, "num-instances": counts[v]}
        else:
            ann["label_id"] = lab
        entry = db.setdefault(f"v{v}", {"subset": "testing" if detad else "Test", "annotations": []})
        if not detad:
            entry["duration"] = duration
        entry["annotations"].append(ann)
    results: dict = {}
    for v, lab, s, e, sc in preds:
        results.setdefault(f"v{v}", []).append({"label": f"c{lab}", "score": sc, "segment": [s, e]})
    (tmp / "gt.json").write_text(json.dumps({"database": db}))
    (tmp / "pred.json").write_text(json.dumps({"results": results}))
    gt_obj = load_ground_truth(tmp / "gt.json")
    return gt_obj, load_predictions(tmp / "pred.json", gt_obj)
