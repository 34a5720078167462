"""The diagnosis on the real THUMOS14 test annotations (DETAD's file and ActionFormer's)."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

from reports.diagnosis import DiagnosisOptions, analyse, diagnose, load_ground_truth
from reports.diagnosis.inputs import predictions_from_results
from reports.diagnosis.matching import ERROR_TYPES

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
DETAD = REAL / "detad_thumos14_test_extra_characteristics.json.gz"
AF = REAL / "thumos14.json.gz"
SHA = {DETAD: "15a5de7fc97f50a0c3aa8d57897ccf77ebb2eba5d0e5d5098c59b074794dd589",
       AF: "b0fb5ab084e3ae322b899bbbdd54f90621df3bcb83d33779edc2f22fe68adbb9"}


@pytest.fixture(scope="module")
def detad_gt():
    return load_ground_truth(DETAD)


@pytest.mark.parametrize("path", [DETAD, AF])
def test_fixture_is_the_upstream_file(path):
    assert hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest() == SHA[path]


def test_counts_and_average_instances(detad_gt):
    assert detad_gt.subset == "testing"
    assert (len(detad_gt.gt_id), len(detad_gt.classes)) == (3358, 20)
    assert detad_gt.average_num_instances == pytest.approx(167.9)


def test_computed_characteristics_equal_detads(detad_gt):
    af = load_ground_truth(AF, "test")
    key = lambda g, j: (g.videos[g.video[j]], g.start[j], g.end[j], g.classes[g.label[j]])  # noqa: E731
    ours = {key(af, j): j for j in range(len(af.gt_id))}
    assert len(ours) == 3358
    idx = np.array([ours[key(detad_gt, j)] for j in range(len(detad_gt.gt_id))])
    assert np.array_equal(af.length[idx], detad_gt.length)
    assert np.array_equal(af.num_instances[idx], detad_gt.num_instances)
    # durations differ slightly between the two sources' metadata
    np.testing.assert_allclose(af.coverage[idx], detad_gt.coverage, rtol=1e-3)


def _oracle(gt, extra_diving=True):
    """Every GT detected exactly (score 1), plus a second copy of every Diving segment."""
    results: dict = {}
    for j in range(len(gt.gt_id)):
        name = gt.classes[gt.label[j]]
        seg = [float(gt.start[j]), float(gt.end[j])]
        dets = results.setdefault(gt.videos[gt.video[j]], [])
        dets.append({"label": name, "score": 1.0, "segment": seg})
        if extra_diving and name == "Diving":
            dets.append({"label": name, "score": 0.5, "segment": seg})
    return results


def test_perfect_detector_and_the_cliffdiving_quirk(detad_gt):
    preds = predictions_from_results(_oracle(detad_gt), detad_gt)
    diving = int((np.asarray(detad_gt.classes)[detad_gt.label] == "Diving").sum())
    d = diagnose(preds, detad_gt)
    assert d.average_mAP_N["all"] == pytest.approx(1.0)
    for name in ("coverage", "length", "num_instances"):
        assert all(v == 0.0 for v in d.false_negative[name].values() if v == v)
    counts = {}
    for opts in (DiagnosisOptions(stable_ties=True),
                 DiagnosisOptions(stable_ties=True, prefer_same_label=True)):
        a = analyse(preds, detad_gt, opts)
        t = a.types_all[0]
        counts[opts.prefer_same_label] = {n: int((t == i).sum()) for i, n in enumerate(ERROR_TYPES)}
    # DETAD: the 217 Diving copies on CliffDiving segments meet the CliffDiving row first
    assert counts[False]["wrong_label"] == 217
    assert counts[False]["double_detection"] == diving - 217
    assert counts[True]["double_detection"] == diving and counts[True]["wrong_label"] == 0
    assert counts[False]["true_positive"] == 3358
