"""DETAD's analyses: hand-worked cases (each error type, each quirk) and a loop-by-loop reference."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import detad_reference as ref  # noqa: E402
from helpers import write_case  # noqa: E402

from reports.diagnosis import DiagnosisOptions, analyse, diagnose  # noqa: E402
from reports.diagnosis.analysis import bucket_index  # noqa: E402
from reports.diagnosis.matching import ERROR_TYPES  # noqa: E402


def _types(tmp_path, gt, preds, **opts):
    g, p = write_case(tmp_path, gt, preds)
    a = analyse(p, g, DiagnosisOptions(**opts))
    return [ERROR_TYPES[t] for t in a.types_all[0]], a


def test_each_error_type_by_hand(tmp_path):
    # video 0: class 0 GT [10, 20]; class 1 GT [50, 60]. Video 1 has no GT.
    gt = [(0, 0, 10.0, 20.0), (0, 1, 50.0, 60.0)]
    preds = [
        (0, 0, 10.0, 20.0, 0.9),  # TP (tIoU 1)
        (0, 0, 11.0, 20.0, 0.8),  # tIoU 0.9 with a locked GT, same label: double detection
        (0, 0, 50.0, 59.0, 0.7),  # tIoU 0.9 with the class-1 GT: wrong label
        (0, 0, 10.0, 40.0, 0.6),  # tIoU 10/30 = 0.33 in [0.1, 0.5), same label: localization
        (0, 0, 55.0, 75.0, 0.5),  # tIoU 5/25 = 0.2 with the class-1 GT: confusion
        (0, 0, 80.0, 90.0, 0.4),  # tIoU 0: background
        (0, 0, 12.0, 212.0, 0.3),  # top tIoU 10/200 = 0.05 < 0.1: background
        (1, 0, 10.0, 20.0, 0.2),  # a video without GT: background
    ]
    types, _ = _types(tmp_path, gt, preds)
    assert types == ["true_positive", "double_detection", "wrong_label", "localization",
                     "confusion", "background", "background", "background"]


def test_normalised_ap_by_hand(tmp_path):
    # one class, n_c = 2, N̄ = 2 (one class): ranked TP, FP, TP
    gt = [(0, 0, 0.0, 10.0), (0, 0, 20.0, 30.0)]
    preds = [(0, 0, 0.0, 10.0, 0.9), (0, 0, 50.0, 60.0, 0.8), (0, 0, 20.0, 30.0, 0.7)]
    g, p = write_case(tmp_path, gt, preds)
    d = diagnose(p, g)
    # R = .5, .5, 1; P_N = R·2/(R·2 + FP) = 1, 1/(1+1), 2/(2+1) -> AP = .5·1 + .5·2/3 = 5/6
    assert d.average_mAP_N["all"] == pytest.approx(5 / 6)
    # the limit keeps the top 10*2 = all: same value; the cut at 0.05 removes nothing
    assert d.average_mAP_N["fp_analysis"] == pytest.approx(5 / 6)
    assert d.average_mAP_N["fn_analysis"] == pytest.approx(5 / 6)
    # removing the background FP: TP, TP -> AP 1, gain 1/6
    assert d.error_impact["background"] == pytest.approx(1 / 6)
    assert d.error_impact["localization"] == pytest.approx(0.0)
    # profile: 1G = top 2 = {TP, background}; 2G = {TP}
    assert d.false_positive_profile["1G"]["true_positive"] == pytest.approx(0.5)
    assert d.false_positive_profile["1G"]["background"] == pytest.approx(0.5)
    assert d.false_positive_profile["2G"]["true_positive"] == pytest.approx(1.0)
    assert math.isnan(d.false_positive_profile["3G"]["true_positive"])  # empty group


def test_normalisation_uses_average_instances(tmp_path):
    # class 0 has 1 GT, class 1 has 3 -> N̄ = 2; class 0 ranked FP, TP:
    # R = 0, 1; P_N = 0, 1*2/(2+1) = 2/3 -> AP_N(c0) = 2/3 (plain precision would be 1/2)
    gt = [(0, 0, 0.0, 10.0), (1, 1, 0.0, 10.0), (1, 1, 20.0, 30.0), (1, 1, 40.0, 50.0)]
    preds = [(0, 0, 50.0, 60.0, 0.9), (0, 0, 0.0, 10.0, 0.8)]
    g, p = write_case(tmp_path, gt, preds)
    a = analyse(p, g, DiagnosisOptions())
    assert g.average_num_instances == 2.0
    assert a.all.ap[0, g.classes.index("c0")] == pytest.approx(2 / 3)
    assert a.all.ap[0, g.classes.index("c1")] == 0.0


def test_limit_keeps_top_factor_times_n(tmp_path):
    gt = [(0, 0, 0.0, 10.0)]
    preds = [(0, 0, 50.0 + i, 51.0 + i, 0.9 - i / 100) for i in range(3)] + [(0, 0, 0.0, 10.0, 0.1)]
    g, p = write_case(tmp_path, gt, preds)
    d = diagnose(p, g, DiagnosisOptions(limit_factor=3))
    # limited to the 3 FPs: AP 0; unlimited: R reaches 1 at rank 4: P_N = 1/(1+3) -> AP .25
    assert d.average_mAP_N["fp_analysis"] == 0.0
    assert d.average_mAP_N["all"] == pytest.approx(0.25)


def test_fn_cut_frees_low_precision_matches(tmp_path):
    # one GT, 30 background FPs above its TP: P_N at the TP = 1/(1+30) < 0.05 -> cut, missed
    gt = [(0, 0, 0.0, 10.0)]
    preds = [(0, 0, 50.0 + i, 51.0 + i, 0.9 - i / 100) for i in range(30)] + [(0, 0, 0.0, 10.0, 0.1)]
    g, p = write_case(tmp_path, gt, preds)
    d = diagnose(p, g)
    assert d.false_negative["length"]["M"] == 1.0  # length 10 s: bucket (6, 12]
    assert d.average_mAP_N["fn_analysis"] == 0.0
    assert d.average_mAP_N["all"] == pytest.approx(1 / 31)
    # quirk 5 fixed: one evaluation, nothing cut
    d1 = diagnose(p, g, DiagnosisOptions(single_evaluation=True))
    assert d1.false_negative["length"]["M"] == 0.0
    assert d1.average_mAP_N["fn_analysis"] == d1.average_mAP_N["all"]


def test_quirk3_first_gt_on_duplicate_segments(tmp_path):
    # CliffDiving (c0) and Diving (c1) on the same segment, CliffDiving first in the file
    gt = [(0, 0, 10.0, 20.0), (0, 1, 10.0, 20.0)]
    preds = [(0, 1, 10.0, 20.0, 0.9), (0, 1, 10.0, 20.0, 0.8), (0, 1, 10.0, 30.0, 0.7)]
    types, _ = _types(tmp_path, gt, preds)
    # g* = the CliffDiving row: the second Diving detection is "wrong label", the third
    # (tIoU 0.5 ... 10/20 = .5 >= .5) also wrong label, never double detection
    assert types == ["true_positive", "wrong_label", "wrong_label"]
    types, _ = _types(tmp_path, gt, preds, prefer_same_label=True)
    assert types == ["true_positive", "double_detection", "double_detection"]


def test_quirk2_tiou_ties_visit_later_gt_first(tmp_path):
    # two class-0 GTs at the same tIoU (8/12) from the prediction [10, 20]
    gt = [(0, 0, 8.0, 18.0), (0, 0, 12.0, 22.0)]
    preds = [(0, 0, 10.0, 20.0, 0.9)]
    g, p = write_case(tmp_path, gt, preds)
    later = analyse(p, g, DiagnosisOptions()).all.matched[0, 0]
    earlier = analyse(p, g, DiagnosisOptions(earlier_gt_on_tiou_ties=True)).all.matched[0, 0]
    assert (later, earlier) == (1, 0)  # GT rows


def test_quirk1_score_ties(tmp_path):
    # equal scores: a TP and an FP. DETAD's argsort()[::-1] visits the later row first
    # (small arrays: insertion sort is stable, then reversed); the stable order the earlier.
    gt = [(0, 0, 0.0, 10.0)]
    preds = [(0, 0, 0.0, 10.0, 0.5), (0, 0, 50.0, 60.0, 0.5)]
    g, p = write_case(tmp_path, gt, preds)
    d = diagnose(p, g)  # FP first: P_N at the TP = 1/(1+1): AP .5
    assert d.average_mAP_N["all"] == pytest.approx(0.5)
    d = diagnose(p, g, DiagnosisOptions(stable_ties=True))  # TP first: AP 1
    assert d.average_mAP_N["all"] == pytest.approx(1.0)


def test_quirk4_video_without_gt_is_background_with_note(tmp_path):
    gt = [(0, 0, 0.0, 10.0)]
    preds = [(1, 0, 0.0, 10.0, 0.9), (1, 0, 0.0, 10.0, 0.8)]
    g, p = write_case(tmp_path, gt, preds)
    d = diagnose(p, g)
    assert d.false_positive_profile["1G"]["background"] == 1.0
    assert any("without ground truth" in n for n in d.notes)


def test_sensitivity_drops_other_buckets_true_positives(tmp_path):
    # one class: a short GT (2 s, XS) and a long one (20 s, XL), both found; one FP
    gt = [(0, 0, 0.0, 2.0), (0, 0, 10.0, 30.0)]
    preds = [(0, 0, 10.0, 30.0, 0.9), (0, 0, 50.0, 51.0, 0.8), (0, 0, 0.0, 2.0, 0.7)]
    g, p = write_case(tmp_path, gt, preds)
    d = diagnose(p, g)
    # XS bucket: ranked [FP, TP] (the XL TP dropped), n = 1, N̄ = 2: P_N at TP = 2/(2+1)
    assert d.sensitivity["length"]["XS"] == pytest.approx(2 / 3)
    # XL bucket: ranked [TP, FP]: AP 1
    assert d.sensitivity["length"]["XL"] == pytest.approx(1.0)
    assert math.isnan(d.sensitivity["length"]["M"])  # no GT there
    assert d.false_negative["length"]["XS"] == 0.0


def test_bucket_index_matches_pandas_cut():
    pd = pytest.importorskip("pandas")
    edges = (-1, 1, 40, 80, math.inf)
    x = np.array([-1, 0, 1, 1.5, 40, 41, 80, 81, 1e9, -2])
    ours = bucket_index(x, edges)
    theirs = pd.cut(x, bins=edges, labels=False, include_lowest=True)
    assert ours.tolist() == [-1 if np.isnan(t) else int(t) for t in theirs]


def test_harness_annotation_computes_characteristics(tmp_path):
    gt = [(0, 0, 0.0, 2.0), (0, 1, 10.0, 30.0)]
    g, _ = write_case(tmp_path, gt, [], duration=50.0, detad=False)
    assert g.length.tolist() == [2.0, 20.0]
    assert g.coverage.tolist() == [2.0 / 50.0, 20.0 / 50.0]
    assert g.num_instances.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("prefer", [False, True])
def test_agrees_with_loop_reference(tmp_path, seed, prefer):
    gt, preds = ref.random_case(seed)
    g, p = write_case(tmp_path, gt, preds)
    opts = DiagnosisOptions(stable_ties=True, prefer_same_label=prefer, limit_factor=3)
    d = diagnose(p, g, opts)
    a = analyse(p, g, opts)
    names = {f"c{c}": c for c in range(3)}
    buckets = {"length": [int(b) for b in bucket_index(g.length, ((0, 3, 6, 12, 18, math.inf)))]}
    # reference predictions in library order (file order = per video)
    rp = [(int(p.video[i]), names[g.classes[p.label[i]]], p.start[i], p.end[i], p.score[i])
          for i in range(len(p))]
    rg = [(int(g.video[j]), names[g.classes[g.label[j]]], g.start[j], g.end[j])
          for j in range(len(g.gt_id))]
    r = ref.diagnose(rg, rp, limit=3, bins=buckets, prefer_same=prefer)
    assert d.average_mAP_N["all"] == pytest.approx(r["all"], abs=1e-12)
    assert d.average_mAP_N["fp_analysis"] == pytest.approx(r["fp_analysis"], abs=1e-12)
    got_types = {i: ERROR_TYPES[a.types_fp[0, i]] for i in np.flatnonzero(a.fp.member)}
    assert got_types == r["types"]
    for grp, fr in r["profile"].items():
        for t, v in fr.items():
            assert d.false_positive_profile[grp][t] == pytest.approx(v, nan_ok=True, abs=1e-12)
    for t, v in r["impact"].items():
        assert d.error_impact[t] == pytest.approx(v, abs=1e-12)
    labels = ("XS", "S", "M", "L", "XL")
    for b, v in r["sensitivity"]["length"].items():
        assert d.sensitivity["length"][labels[b]] == pytest.approx(v, abs=1e-12)
    for b, v in r["false_negative"]["length"].items():
        assert d.false_negative["length"][labels[b]] == pytest.approx(v, abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_default_orders_agree_with_reference_without_ties(tmp_path, seed):
    gt, preds = ref.random_case(seed, videos=6, preds=60)
    preds = [(v, c, s, e, sc + i * 1e-7) for i, (v, c, s, e, sc) in enumerate(preds)]  # distinct
    g, p = write_case(tmp_path, gt, preds)
    d = diagnose(p, g, DiagnosisOptions(limit_factor=2))  # DETAD's (non-stable) orders
    names = {f"c{c}": c for c in range(3)}
    rp = [(int(p.video[i]), names[g.classes[p.label[i]]], p.start[i], p.end[i], p.score[i])
          for i in range(len(p))]
    rg = [(int(g.video[j]), names[g.classes[g.label[j]]], g.start[j], g.end[j])
          for j in range(len(g.gt_id))]
    r = ref.diagnose(rg, rp, limit=2)
    assert d.average_mAP_N["all"] == pytest.approx(r["all"], abs=1e-12)
    for t, v in r["impact"].items():
        assert d.error_impact[t] == pytest.approx(v, abs=1e-12)
    for grp, fr in r["profile"].items():
        for t, v in fr.items():
            assert d.false_positive_profile[grp][t] == pytest.approx(v, nan_ok=True, abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_cut_of_the_uncut_evaluation_equals_a_cut_evaluation(tmp_path, seed):
    from reports.diagnosis.matching import evaluate, video_pairs, with_cut

    gt, preds = ref.random_case(seed, videos=5, preds=80)
    g, p = write_case(tmp_path, gt, preds)
    pairs = video_pairs(p, g, 0.1)
    full = np.arange(len(p))
    ev = evaluate(p, g, pairs, full, (0.3, 0.5, 0.7), 0.0)
    direct = evaluate(p, g, pairs, full, (0.3, 0.5, 0.7), 0.2)
    cut = with_cut(ev, g, 0.2)
    assert np.array_equal(cut.matched, direct.matched) and np.array_equal(cut.ap, direct.ap)
    if seed == 0:  # this case's cut frees matches (the comparison is not vacuous)
        assert (cut.matched >= 0).sum() < (ev.matched >= 0).sum()
