"""Evaluator / dataset consistency checks, the evaluated video set, and GT de-duplication rules."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from datasets.annotations import video_set_label
from datasets.config_checks import check_evaluator, evaluator_targets
from datasets.scan import dedup_rows
from harness.metrics import EvaluationWarning, MAPResult
from harness.metrics.tal_map import TemporalMAPMetric

THR = [0.5]


def _ev(tal_data, **kw):
    return dict(type="TemporalMAPMetric", ann_file=str(tal_data.ann), subset="validation",
                tiou_thresholds=THR, **kw)


def _ds(**kw):
    return {"type": "FeatureTALDataset", "data_root": "", "ann_file": "x", "subset": "validation", **kw}


def test_video_set_label():
    assert video_set_label("data/thumos14/annotations/thumos14.json", "Test", 212) == "thumos14-test-212"


def test_evaluator_row_counts_and_names_the_video_set(tal_data):
    row = check_evaluator(_ev(tal_data), split="val, test")
    assert (row.num_videos, row.num_gt, row.errors, row.warnings) == (2, 2, [], [])
    assert row.name.endswith("video set annotations-validation-2") and row.ann_sha256


def test_dataset_skipping_videos_the_evaluator_scores_is_an_error(tal_data):
    ds = dict(_ds(exclude_videos=["vid_d"]), ann_file=str(tal_data.ann))
    row = check_evaluator(_ev(tal_data), split="test", dataset=ds)
    assert len(row.errors) == 1 and "skips vid_d but the evaluator still scores" in row.errors[0].message
    ok = check_evaluator(_ev(tal_data, exclude_videos=["vid_d"]), split="test", dataset=ds)
    assert not ok.errors and ok.num_videos == 1 and ok.name.endswith("annotations-validation-1")
    # the evaluator may drop a video the dataset still predicts (its predictions are ignored)
    assert not check_evaluator(_ev(tal_data, exclude_videos=["vid_d"]), split="test",
                               dataset=dict(ds, exclude_videos=[])).errors


def test_subset_mismatch_unknown_exclusion_and_other_gt_file(tal_data):
    row = check_evaluator(_ev(tal_data, exclude_videos=["nope"]), split="test",
                          dataset=_ds(subset="training"))
    messages = [f.message for f in row.findings]
    assert len(row.errors) == 1 and "predicts subset(s) ['training']" in row.errors[0].message
    assert any("exclude_videos not in subset 'validation': nope" in m for m in messages)
    assert any("reads GT from" in m for m in messages)
    missing = check_evaluator(dict(_ev(tal_data), ann_file=str(tal_data.root / "none.json")), split="val")
    assert "annotation file not found" in missing.errors[0].message


def test_identical_val_and_test_evaluators_merge(tal_data):
    ev = _ev(tal_data)
    cfg = dict(val_evaluator=ev, test_evaluator=dict(ev), val_dataloader=dict(dataset=_ds()),
               test_dataloader=dict(dataset=_ds()))
    assert [label for label, _, _ in evaluator_targets(cfg, "all")] == ["val, test"]
    assert evaluator_targets(cfg, "train") == []


def test_metric_records_video_set_and_videos_without_predictions(tal_data):
    metric = TemporalMAPMetric(ann_file=str(tal_data.ann), subset="validation", tiou_thresholds=THR)
    metric.process({}, [dict(video_id="vid_d", segments=np.array([[3.0, 6.0]]), scores=np.array([0.9]),
                             labels=np.array([1]))])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        metric.compute_metrics(metric.results)
    res = metric.last_result
    assert (res.video_set, res.num_videos, res.num_videos_without_predictions) == (
        "annotations-validation-2", 2, 1)
    assert any(issubclass(w.category, EvaluationWarning) and "vid_e" in str(w.message) for w in caught)
    assert MAPResult.from_json(res.to_json()) == res


@pytest.mark.parametrize("rule, kept, dups, short", [
    ("tridet", [0, 2, 3, 4], 1, 0),
    ("actionformer", [0, 2, 4], 1, 1),
])
def test_dedup_rules(rule, kept, dups, short):
    segs = np.array([[1.0, 2.0], [1.0005, 1.9995], [1.0, 2.0], [5.0, 5.0], [3.0, 4.0]])
    labels = [0, 0, 1, 0, 0]  # row 1 duplicates row 0; row 2 has another label; row 3 is empty
    assert dedup_rows(segs, labels, rule) == (kept, dups, short)


def test_dataset_gt_dedup_argument(tal_data):
    vid = tal_data.db["vid_a"]["annotations"]
    vid.append(dict(vid[0]))  # an exact duplicate of ('a', 2.0, 5.0)
    tal_data.write_ann()
    assert len(tal_data.dataset()[0]["labels"]) == 3  # off by default (THUMOS, EPIC)
    ds = tal_data.dataset(gt_dedup="tridet")
    assert len(ds[0]["labels"]) == 2 and ds.metainfo["num_duplicates_dropped"] == 1
    from harness.errors import ConfigError

    with pytest.raises(ConfigError, match="gt_dedup"):
        tal_data.dataset(gt_dedup="yes")
