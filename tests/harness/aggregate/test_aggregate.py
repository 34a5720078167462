"""Aggregation of run records: statistics per cell, hash policy, bad files, bootstrap,
comparisons, schema and the CLI — on run folders written here (records + predictions)."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from harness.aggregate import AggregateOptions, aggregate, write_tables
from harness.core import stats
from harness.core.schemas import COMPARISON_SCHEMA, RUN_SCHEMA, SUMMARY_SCHEMA, check_schema
from harness.experiments import experiment_from_dict
from harness.manifest import RunManifest
from harness.metrics import evaluate_detection, write_predictions
from harness.records import BestOnTest, CurvePoint, RunRecord
from harness.sweep.plan import cell_hash

TIOU = (0.3, 0.39999999999999997, 0.5, 0.6, 0.7)
A_KEY, B_KEY = "1|THUMOS14||CLTDR-GMG||I3D", "1|THUMOS14||ActionFormer||I3D"


def _annotations(path: Path) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    db, rows = {}, []
    for v in range(14):
        anns = []
        for _ in range(rng.integers(0, 4) if v % 5 else 0):  # every 5th video has no GT
            s = float(np.round(rng.uniform(0, 80), 2))
            e = float(np.round(s + rng.uniform(2, 15), 2))
            c = int(rng.integers(0, 3))
            anns.append({"label": f"c{c}", "label_id": c, "segment": [s, e]})
            rows.append((f"v{v}", s, e, c))
        db[f"v{v}"] = {"subset": "validation", "duration": 100.0, "fps": 30.0, "annotations": anns}
    db["train0"] = {"subset": "training", "duration": 50.0, "fps": 30.0, "annotations": [
        {"label": "c0", "label_id": 0, "segment": [1.0, 2.0]}]}
    path.write_text(json.dumps({"version": "test", "database": db}))
    return pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label"])


def _predictions(gt: pd.DataFrame, seed: int, skill: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 100 * int(skill * 10))
    rows = []
    for r in gt.itertuples():
        jitter = (1 - skill) * 4
        rows.append((r.video_id, r.t_start + rng.normal(0, jitter), r.t_end + rng.normal(0, jitter),
                     r.label, float(rng.uniform(0.3, 1.0))))
    for v in range(14):  # false positives everywhere, also on videos without GT
        for _ in range(3):
            s = rng.uniform(0, 90)
            rows.append((f"v{v}", s, s + rng.uniform(1, 8), int(rng.integers(0, 3)),
                         float(rng.uniform(0, 0.8))))
    df = pd.DataFrame(rows, columns=["video_id", "t_start", "t_end", "label", "score"])
    df["t_end"] = np.maximum(df.t_end, df.t_start)
    return df


def _write_run(folder: Path, *, seed: int, config_hash: str, gt: pd.DataFrame, ann: Path,
               skill: float, status: str = "ok") -> RunRecord:
    folder.mkdir(parents=True, exist_ok=True)
    pred = _predictions(gt, seed, skill)
    write_predictions(folder / "predictions.json", pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = evaluate_detection(gt, pred, TIOU)
    curve = (CurvePoint(1, res.average_mAP - 0.01, {"mAP@0.50": res.mAP[2] - 0.01}),
             CurvePoint(2, res.average_mAP + 0.02,
                        {f"mAP@{t:.2f}": m + 0.02 for t, m in zip(TIOU, res.mAP)}))
    record = RunRecord(
        model="cfg", config_name="cfg/x", config_path="x.py", config_hash=config_hash, seed=seed,
        dataset="d", feature_set="f", status=status, error=None if status == "ok" else "boom",
        manifest=RunManifest(git_sha="abc", git_dirty=False, config_hash=config_hash, seed=seed,
                             code_fingerprint="f" * 16, versions={"python": "3.11"}),
        test_split="validation", tiou=TIOU, mAP=tuple(res.mAP), average_mAP=res.average_mAP,
        epochs=2, max_epochs=2, test_curve=curve,
        best_on_test=BestOnTest(epoch=2, average_mAP=res.average_mAP + 0.02),
        evaluator={"subset": "validation", "ground_truth_source": str(ann),
                   "options": {"gt_dedup": True, "drop_zero_length_gt": True, "excluded_videos": []}},
        predictions="predictions.json",
    )
    record.write(folder / "record.json")
    return record


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """Run folders of two methods on one test set: A (seeds 0-3, better), B (seeds 0-2)."""
    base = tmp_path_factory.mktemp("agg")
    root = base / "repo"
    for name in ("a", "b"):
        (root / "harness" / "configs" / "cfg").mkdir(parents=True, exist_ok=True)
        (root / "harness" / "configs" / "cfg" / f"{name}.py").write_text(
            f"data_root = 'data'\nmodel = dict(type='{name}')\n")
    exp = experiment_from_dict({"name": "t", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "CLTDR-GMG", "features": "I3D", "real": "cfg/a"},
        {"table": 1, "dataset": "THUMOS14", "method": "ActionFormer", "features": "I3D", "real": "cfg/b"},
        {"table": 1, "dataset": "THUMOS14", "method": "TALLFormer", "features": "Swin"},
    ], "comparisons": [{"a": A_KEY, "b": B_KEY}]})
    cells = {c.row.key: c for c in exp.cells("real", repo_root=root)}
    hashes = {k: cell_hash(cells[k], root) for k in (A_KEY, B_KEY)}
    ann = base / "ann.json"
    gt = _annotations(ann)
    results = base / "runs"
    records = {}
    for key, name, seeds, skill in ((A_KEY, "a", range(4), 0.9), (B_KEY, "b", range(3), 0.5)):
        for s in seeds:
            records[(key, s)] = _write_run(results / "cfg" / name / f"seed{s}", seed=s,
                                           config_hash=hashes[key], gt=gt, ann=ann, skill=skill)
    return dict(root=root, exp=exp, results=results, records=records, hashes=hashes, ann=ann, gt=gt)


def _run(tree, scale="real", **kw):
    options = AggregateOptions(**{"bootstrap_samples": 200, "improvement_samples": 300, **kw})
    return aggregate(tree["exp"], scale, tree["results"], options, repo_root=tree["root"])


@pytest.fixture(scope="module")
def result(tree):
    return _run(tree)


def _row(df, key, metric="avg"):
    return df[(df.row_key == key) & (df.metric == metric)].iloc[0]


def test_summary_statistics_per_cell(tree, result):
    values = [100 * tree["records"][(A_KEY, s)].average_mAP for s in range(4)]
    r = _row(result.summary, A_KEY)
    s = stats.summarize(values)
    assert (r.n, r.seeds, r.kind) == (4, "0,1,2,3", "run")
    assert (r["mean"], r["std"], r.ci_low, r.ci_high, r.pi_low, r.pi_high, r["min"], r["max"]) == pytest.approx(
        (s.mean, s.std, s.ci.low, s.ci.high, s.pi.low, s.pi.high, s.minimum, s.maximum))
    assert r.paper == 69.9 and r.delta == pytest.approx(s.mean - 69.9)
    assert r.verdict == stats.verdict(69.9, s.ci, 4) and r.verdict in stats.VERDICTS
    assert "69.72" in r.paper_flag  # the paper's printed average disagrees with its columns
    per_t = _row(result.summary, A_KEY, "0.4")  # thresholds become the paper's metric names
    assert per_t.n == 4 and per_t.paper == 80.3
    assert math.isnan(r.seed_boot_low)  # seed bootstrap only for n >= 10
    # runs.csv: one row per (run, metric): 4 seeds x (5 thresholds + avg)
    assert len(result.runs[result.runs.row_key == A_KEY]) == 24


def test_reported_only_rows_carry_the_paper_values(result):
    rows = result.summary[result.summary.row_key == "1|THUMOS14||TALLFormer||Swin"]
    assert set(rows.metric) == {"0.3", "0.5", "0.7", "avg"} and (rows.n == 0).all()
    assert (rows.kind == "reported-only").all() and _row(rows, rows.row_key.iloc[0]).paper == 59.2


def test_best_on_test_is_reported_beside_the_result(result):
    r = _row(result.summary, A_KEY)
    assert r.inflation_mean == pytest.approx(2.0)  # the curve's best epoch is +0.02 mAP
    assert r.best_on_test_mean == pytest.approx(r["mean"] + 2.0)
    runs = result.runs[(result.runs.row_key == A_KEY) & (result.runs.metric == "0.5")]
    assert (runs.best_epoch == 2).all()
    assert (runs.best_on_test - runs.value).to_numpy() == pytest.approx(np.full(4, 2.0))


def test_video_bootstrap_is_deterministic_and_seeded(tree, result):
    r = _row(result.summary, A_KEY)
    assert r.video_boot_samples == 200 and r.video_boot_low < r["mean"] < r.video_boot_high
    again = _run(tree)
    pd.testing.assert_frame_equal(result.summary, again.summary)
    other = _run(tree, bootstrap_seed=1)
    assert _row(other.summary, A_KEY).video_boot_low != r.video_boot_low
    off = _run(tree, bootstrap_samples=0)
    assert _row(off.summary, A_KEY).video_boot_samples == 0 and math.isnan(
        _row(off.summary, A_KEY).video_boot_low)


def test_paired_comparison_on_common_seeds(tree, result):
    c = result.comparisons[result.comparisons.metric == "avg"].iloc[0]
    a = [100 * tree["records"][(A_KEY, s)].average_mAP for s in range(3)]
    b = [100 * tree["records"][(B_KEY, s)].average_mAP for s in range(3)]
    assert (c.a, c.b, c.seeds, c.n) == (A_KEY, B_KEY, "0,1,2", 3)  # seed 3 of A has no partner
    w = stats.welch_interval(a, b)
    assert (c.delta, c.welch_low, c.welch_high) == pytest.approx((w.estimate, w.low, w.high))
    assert c.p_improve == stats.probability_of_improvement(a, b) == 1.0
    assert c.p_low <= c.p_improve <= c.p_high
    assert c.video_delta_low < c.delta < c.video_delta_high  # same resamples for A and B


def test_records_of_another_config_hash_are_not_mixed(tree, tmp_path):
    import shutil

    results = tmp_path / "runs"
    shutil.copytree(tree["results"], results)
    odd = results / "cfg" / "a" / "seed3" / "record.json"
    rec = RunRecord.read(odd)
    rec.with_updates(config_hash="f" * 64).write(odd)
    opts = AggregateOptions(bootstrap_samples=0, improvement_samples=50)
    # policy 1: the current config's hash
    res = aggregate(tree["exp"], "real", results, opts, repo_root=tree["root"])
    r = _row(res.summary, A_KEY)
    assert (r.n, r.excluded) == (3, 1) and "excluded 1 record" in r.note
    assert "stale" in set(res.problems.kind)
    # policy 2: without the config, the most frequent hash (here also 3 vs 1)
    for f in ("a", "b"):
        (tree["root"] / "harness" / "configs" / "cfg" / f"{f}.py").rename(tmp_path / f"{f}.py")
    try:
        res2 = aggregate(tree["exp"], "real", results, opts, repo_root=tree["root"])
    finally:
        for f in ("a", "b"):
            (tmp_path / f"{f}.py").rename(tree["root"] / "harness" / "configs" / "cfg" / f"{f}.py")
    r2 = _row(res2.summary, A_KEY)
    assert (r2.n, r2.excluded, r2.config_hash) == (3, 1, tree["hashes"][A_KEY])
    assert "most frequent" in r2.note


def test_corrupt_and_foreign_files_are_reported_and_skipped(tree, tmp_path):
    import shutil

    results = tmp_path / "runs"
    shutil.copytree(tree["results"], results)
    run_dir = results / "cfg" / "a"
    (run_dir / "notes.txt").write_text("hello")  # foreign file
    (run_dir / "seed7").mkdir()  # running or killed: no record
    (run_dir / "seed8").mkdir()
    (run_dir / "seed8" / "record.json").write_text("{ not json")
    (run_dir / "seed9").mkdir()
    (run_dir / "seed9" / "record.json").write_text(json.dumps({"some": "thing"}))
    failed = RunRecord.read(run_dir / "seed0" / "record.json").with_updates(
        seed=10, status="failed", error="non-finite loss", mAP=(), tiou=(), average_mAP=None)
    (run_dir / "seed10").mkdir()
    failed.write(run_dir / "seed10" / "record.json")
    moved = RunRecord.read(run_dir / "seed1" / "record.json")
    (run_dir / "seed11").mkdir()
    moved.write(run_dir / "seed11" / "record.json")  # a record copied into the wrong folder
    (results / "cfg" / "b" / "seed0" / "predictions.json").write_text("garbage")
    res = aggregate(tree["exp"], "real", results, AggregateOptions(bootstrap_samples=20),
                    repo_root=tree["root"])
    kinds = dict(zip(res.problems.path.map(lambda p: Path(p).relative_to(results).as_posix()),
                     res.problems.kind))
    assert kinds["cfg/a/notes.txt"] == "foreign" and kinds["cfg/a/seed7"] == "incomplete"
    assert kinds["cfg/a/seed8/record.json"] == kinds["cfg/a/seed9/record.json"] == "corrupt"
    assert kinds["cfg/a/seed10/record.json"] == "failed"
    assert kinds["cfg/a/seed11/record.json"] == "foreign"
    assert kinds["cfg/b/seed0"] == "bootstrap"  # unreadable predictions: no bootstrap
    assert _row(res.summary, A_KEY).n == 4  # only the good records count
    b = _row(res.summary, B_KEY)
    assert b.n == 3 and b.video_boot_samples == 0  # one seed lacks flags: no cell bootstrap


def test_synthetic_scale_has_no_paper_verdict(tree):
    import shutil

    res = _run(tree, "synthetic", bootstrap_samples=0)
    r = _row(res.summary, A_KEY)  # the entries declare no synthetic config: nothing read
    assert r.n == 0 and r.kind == "reported-only"
    exp = experiment_from_dict({"name": "s", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "CLTDR-GMG", "features": "I3D",
         "synthetic": "cfg/a"}]})
    results = tree["results"].parent / "syn"
    if not results.exists():
        shutil.copytree(tree["results"], results)
    syn = aggregate(exp, "synthetic", results, AggregateOptions(bootstrap_samples=0),
                    repo_root=tree["root"])
    r = _row(syn.summary, A_KEY)
    assert r.n == 4 and math.isnan(r.delta) and r.verdict == "" and "synthetic" in r.note


def test_schema_is_declared_and_enforced(result, tmp_path):
    assert list(result.runs.columns) == list(RUN_SCHEMA)
    assert list(result.summary.columns) == list(SUMMARY_SCHEMA)
    assert list(result.comparisons.columns) == list(COMPARISON_SCHEMA)
    assert str(result.runs.seed.dtype) == "int64" and str(result.runs.best_epoch.dtype) == "Int64"
    assert set(result.runs.code_fingerprint) == {"f" * 16}  # from the records' manifests
    assert result.meta["versions"] == "python 3.11"
    with pytest.raises(ValueError, match="columns"):
        check_schema(result.runs.drop(columns=["seed"]), RUN_SCHEMA, "runs")
    with pytest.raises(ValueError):
        check_schema(result.runs.assign(seed="zero"), RUN_SCHEMA, "runs")
    paths = write_tables(result, tmp_path / "out")
    assert sorted(p.name for p in paths) == ["comparisons.csv", "meta.json", "problems.csv",
                                             "runs.csv", "summary.csv"]
    back = pd.read_csv(tmp_path / "out" / "summary.csv", keep_default_na=False, na_values=[""])
    assert list(back.columns) == list(SUMMARY_SCHEMA) and len(back) == len(result.summary)
    meta = json.loads((tmp_path / "out" / "meta.json").read_text())
    assert meta["bootstrap_samples"] == 200 and meta["runs"] == 7
    assert meta["created"].endswith("UTC") and "cores" in meta["hardware"]  # report footer
    assert not list((tmp_path / "out").glob(".*.tmp"))  # atomic writes leave no temporaries


def test_aggregate_cli(tree, tmp_path, monkeypatch, capsys):
    from harness.cli import main

    exp_file = tmp_path / "exp.json"
    exp_file.write_text(json.dumps({"name": "cli", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "ActionFormer", "features": "I3D",
         "real": "cfg/b"}]}))
    # configs resolve against the repository root: without cfg/b there, the majority hash is used
    code = main(["aggregate", str(exp_file), "--scale", "real", "--results", str(tree["results"]),
                 "--out", str(tmp_path / "tables"), "--bootstrap", "30"])
    assert code == 0
    out = capsys.readouterr().out
    assert "average mAP" in out and "cli-real" in out
    summary = pd.read_csv(tmp_path / "tables" / "cli-real" / "summary.csv")
    assert summary[summary.metric == "avg"].n.iloc[0] == 3


def test_rows_sharing_a_run_folder_share_its_records(tree):
    iv2, gate = "1|THUMOS14||CLTDR-GMG||InternVideo2-6B", "7|THUMOS14||CLTDR-GMG|gate=on|InternVideo2-6B"
    exp = experiment_from_dict({"name": "shared", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "CLTDR-GMG", "features": "InternVideo2-6B",
         "real": "cfg/a"},
        {"table": 7, "dataset": "THUMOS14", "method": "CLTDR-GMG", "features": "InternVideo2-6B",
         "variant": "gate=on", "real": "cfg/a"}]})
    res = aggregate(exp, "real", tree["results"], AggregateOptions(bootstrap_samples=50),
                    repo_root=tree["root"])
    a, b = _row(res.summary, iv2), _row(res.summary, gate)
    assert a.n == b.n == 4 and a["mean"] == b["mean"] and a.video_boot_low == b.video_boot_low
    assert (a.paper, b.paper) == (74.3, 74.3)
    half = _row(res.summary, iv2, "0.5")
    assert "T1 78.4" in half.paper_flag and "T7 77.9" in half.paper_flag
    assert len(res.runs) == 2 * 4 * 6  # each row lists its runs
    assert not res.problems.duplicated().any()
