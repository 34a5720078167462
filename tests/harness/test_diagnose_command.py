"""``python -m harness diagnose``: one file (text, --json schema, --out), and a group of runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "reports" / "diagnosis"))
from helpers import write_case  # noqa: E402

from harness.cli import main  # noqa: E402

KEYS = ["tiou", "num_predictions", "average_num_instances_per_class", "average_mAP_N",
        "false_positive_profile", "error_impact", "sensitivity", "false_negative"]


def _case(tmp_path):
    gt = [(0, 0, 0.0, 10.0), (0, 1, 20.0, 25.0), (1, 1, 5.0, 9.0)]
    preds = [(0, 0, 0.0, 10.0, 0.9), (0, 0, 1.0, 10.0, 0.8), (0, 1, 20.0, 30.0, 0.5),
             (1, 1, 5.0, 9.0, 0.7), (2, 0, 3.0, 4.0, 0.6)]
    write_case(tmp_path, gt, preds)
    return tmp_path / "gt.json", tmp_path / "pred.json"


def test_json_has_the_spec_schema(tmp_path, capsys):
    gt, pred = _case(tmp_path)
    assert main(["diagnose", "--ground-truth", str(gt), "--predictions", str(pred), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data)[: len(KEYS)] == KEYS
    assert list(data["false_positive_profile"]) == [f"{g}G" for g in range(1, 11)]
    assert set(data["false_positive_profile"]["1G"]) == {
        "true_positive", "double_detection", "wrong_label", "localization", "confusion", "background"}
    assert set(data["error_impact"]) == {"double_detection", "wrong_label", "localization",
                                         "confusion", "background"}
    assert list(data["sensitivity"]["num_instances"]) == ["XS", "S", "M", "L"]
    assert data["false_positive_profile"]["10G"]["true_positive"] is None  # empty group -> null
    assert data["num_predictions"] == 5 and data["tiou"] == [0.5]
    assert data["options"]["prefer_same_label"] is False


def test_quirk_switches_reach_the_options(tmp_path, capsys):
    gt, pred = _case(tmp_path)
    main(["diagnose", "--gt", str(gt), "--predictions", str(pred), "--json", "--fix-quirks"])
    opts = json.loads(capsys.readouterr().out)["options"]
    assert all(opts[k] for k in ("stable_ties", "earlier_gt_on_tiou_ties", "prefer_same_label",
                                 "single_evaluation"))


def test_text_and_out_folder(tmp_path):
    gt, pred = _case(tmp_path)
    out = subprocess.run([sys.executable, "-m", "harness", "diagnose", "--gt", str(gt),
                          "--predictions", str(pred), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "false-positive profile" in out and "note: 1 predictions in 1 videos without" in out
    assert (tmp_path / "o" / "diagnosis.json").is_file()
    assert (tmp_path / "o" / "false_positive_profile.png").is_file()


def test_missing_file_is_one_line_error(tmp_path, capsys):
    gt, _ = _case(tmp_path)
    assert main(["diagnose", "--gt", str(gt), "--predictions", str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.json: predictions file not found" in err


def test_group_of_runs_writes_page(tmp_path):
    from harness.reporting.diagnosis import Group, RunInput, diagnose_group

    gt, pred = _case(tmp_path)
    group = Group("synthetic", {m: {s: RunInput(m, s, pred, str(gt), None) for s in (0, 1)}
                                for m in ("ActionFormer", "TriDet")})
    page, _ = diagnose_group(group, tmp_path / "d", {}, timelines=2, top_k=5, timeline_tiou=0.5)
    text = page.read_text()
    assert "TriDet − ActionFormer" in text
    summary = json.loads((tmp_path / "d" / "summary.json").read_text())
    # identical runs: every paired difference is 0
    assert summary["paired"]["TriDet - ActionFormer"]["error_impact/background"]["mean"] == 0.0
    for name in ("diagnosis.tex", "timelines_tridet.png", "timelines_actionformer.html",
                 "runs/tridet_seed1.json", "error_impact.png"):
        assert (tmp_path / "d" / name).is_file(), name


def test_experiment_runs_are_collected_and_diagnosed(tmp_path):
    """Fake run folders of two methods (the aggregation tests' layout) -> groups -> pages."""
    sys.path.insert(0, str(ROOT / "tests" / "harness" / "aggregate"))
    from test_aggregate import A_KEY, B_KEY, _annotations, _write_run

    from harness.experiments import experiment_from_dict
    from harness.reporting.diagnosis import collect_groups, diagnose_group
    from harness.sweep.plan import cell_hash

    root = tmp_path / "repo"
    (root / "harness" / "configs" / "cfg").mkdir(parents=True)
    for name in ("a", "b"):
        (root / "harness" / "configs" / "cfg" / f"{name}.py").write_text(
            f"data_root = 'data'\nmodel = dict(type='{name}')\n")
    exp = experiment_from_dict({"name": "t", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "CLTDR-GMG", "features": "I3D", "real": "cfg/a"},
        {"table": 1, "dataset": "THUMOS14", "method": "ActionFormer", "features": "I3D", "real": "cfg/b"},
    ]})
    cells = {c.row.key: c for c in exp.cells("real", repo_root=root)}
    ann = tmp_path / "ann.json"
    gt = _annotations(ann)
    for key, name, skill in ((A_KEY, "a", 0.9), (B_KEY, "b", 0.5)):
        for s in range(3):
            _write_run(tmp_path / "runs" / "cfg" / name / f"seed{s}", seed=s,
                       config_hash=cell_hash(cells[key], root), gt=gt, ann=ann, skill=skill)
    groups, notes = collect_groups(exp, "real", tmp_path / "runs", None, None, repo_root=root)
    assert [g.title for g in groups] == ["THUMOS14 / I3D"] and not notes
    assert {m: sorted(s) for m, s in groups[0].runs.items()} == {"CLTDR-GMG": [0, 1, 2],
                                                                 "ActionFormer": [0, 1, 2]}
    assert groups[0].runs["ActionFormer"][0].subset == "validation"
    page, _ = diagnose_group(groups[0], tmp_path / "out", {}, 2, 5, 0.5)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    a = summary["per_method"]["CLTDR-GMG"]["average_mAP_N/all"]
    b = summary["per_method"]["ActionFormer"]["average_mAP_N/all"]
    diff = summary["paired"]["ActionFormer - CLTDR-GMG"]["average_mAP_N/all"]
    assert a["n"] == b["n"] == diff["n"] == 3
    assert abs(diff["mean"] - (b["mean"] - a["mean"])) < 1e-12
    assert "ActionFormer − CLTDR-GMG" in page.read_text()


def test_experiment_cli_prints_paired_differences_and_writes_the_table(tmp_path, monkeypatch, capsys):
    import harness.reporting.diagnosis as diag

    gt, pred = _case(tmp_path)
    group = diag.Group("THUMOS14 / I3D", {m: {s: diag.RunInput(m, s, pred, str(gt), None) for s in (0, 1)}
                                          for m in ("ActionFormer", "TriDet")})
    monkeypatch.setattr(diag, "collect_groups", lambda *a, **k: ([group], ["a note"]))
    code = main(["diagnose", "table1", "--out", str(tmp_path / "o"), "--tables", str(tmp_path / "t"),
                 "--timelines", "0"])
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == str(tmp_path / "o" / "index.html")
    assert any(line.strip().startswith("TriDet - ActionFormer: average-mAP_N +0.00") for line in out)
    table = json.loads((tmp_path / "t" / "table1-synthetic" / "diagnosis" / "thumos14-i3d.json").read_text())
    assert table["group"] == "THUMOS14 / I3D" and "TriDet - ActionFormer" in table["paired"]
    assert "a note" in (tmp_path / "o" / "index.html").read_text()
