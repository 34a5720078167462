"""The tolerance rule, the baseline file and the benchmark definition, on hand-made numbers."""

from __future__ import annotations

import json
import math
import zlib

import numpy as np
import pytest

from harness.drift.baseline import (
    Baseline,
    MethodBaseline,
    Provenance,
    read_baseline,
    seed_stats,
    write_baseline,
)
from harness.drift.benchmark import BENCHMARKS, DriftBenchmark, cfg_options, get_benchmark
from harness.drift.compare import (
    FLOOR_PP,
    K_SD,
    baseline_differences,
    check_compatible,
    compare_exact,
    compare_spread,
    config_changes,
    environment_differences,
    spread_tolerance,
)
from harness.drift.execute import BenchmarkRun, SeedRun
from harness.errors import ConfigError, DataError

METRICS = ("mAP@0.30", "mAP@0.50", "average_mAP")
BENCH = DriftBenchmark(name="t", methods=(("af", "a.py"), ("td", "t.py")), seeds=(0, 1, 2))


def _prov(**changes) -> Provenance:
    base = dict(git_sha="abc", git_dirty=False, created="2026-01-01T00:00:00+00:00",
                versions={"python": "3.11.7", "torch": "2.13.0", "numpy": "2.4.6"},
                cpu="cpu-x", torch_threads=1, device="cpu", data_fingerprint="f" * 64,
                numerics_key="k1", numerics={"cpu_flags": "aa", "torch_build": {"BLAS_INFO": "mkl"}})
    base.update(changes)
    return Provenance(**base)


def _values(method: str, seed: int) -> dict[str, float]:
    rng = np.random.default_rng([zlib.crc32(method.encode()), seed])
    return {m: float(v) for m, v in zip(METRICS, rng.uniform(0.2, 0.6, len(METRICS)))}


def _baseline(prov: Provenance | None = None) -> Baseline:
    methods = {}
    for m, c in BENCH.methods:
        runs = {s: _values(m, s) for s in BENCH.seeds}
        mean, sd = seed_stats(runs)
        methods[m] = MethodBaseline(config=c, config_hash=f"hash-{m}", runs=runs, mean=mean, sd=sd)
    return Baseline(BENCH, prov or _prov(), methods, {"k_sd": K_SD})


def _run(shift: dict | None = None, failed: tuple = ()) -> BenchmarkRun:
    shift = shift or {}
    runs = []
    for m, _ in BENCH.methods:
        for s in BENCH.seeds:
            if (m, s) in failed:
                runs.append(SeedRun(m, s, error="boom"))
                continue
            v = _values(m, s)
            for key, d in shift.get((m, s), {}).items():
                v[key] = d(v[key])
            runs.append(SeedRun(m, s, metrics=v))
    return BenchmarkRun(BENCH, tuple(runs), {m: f"hash-{m}" for m, _ in BENCH.methods}, "f" * 64, 1.0)


def test_exact_rule_accepts_identical_values_and_flags_one_ulp():
    rows = compare_exact(_baseline(), _run())
    assert len(rows) == 2 * 3 * len(METRICS) and all(r.status == "ok" for r in rows)
    up = {("td", 1): {"mAP@0.50": lambda x: float(np.nextafter(x, 1.0))}}
    rows = compare_exact(_baseline(), _run(up))
    moved = [r for r in rows if r.moved]
    assert [r.label for r in moved] == ["td seed 1 mAP@0.50"]
    assert moved[0].status == "DRIFT" and moved[0].tolerance == 0.0 and 0 < moved[0].delta < 1e-12


def test_failed_and_missing_values_are_drift():
    rows = compare_exact(_baseline(), _run(failed=(("af", 2),)))
    failed = [r for r in rows if r.status == "FAILED"]
    assert [(r.method, r.seed, r.note) for r in failed] == [("af", 2, "boom")]
    run = _run()
    del run.runs[0].metrics["mAP@0.30"]
    assert [r.label for r in compare_exact(_baseline(), run) if r.moved] == ["af seed 0 mAP@0.30"]


def test_environment_differences_name_what_changed():
    assert environment_differences(_prov(), _prov(git_sha="other", created="later", hostname="h")) == []
    diff = environment_differences(
        _prov(), _prov(versions={"python": "3.11.7", "torch": "2.14.0", "numpy": "2.4.6", "cuda": "12"},
                       cpu="cpu-y", torch_threads=2, data_fingerprint="e" * 64))
    assert diff == ["cuda absent -> 12", "torch 2.13.0 -> 2.14.0", "cpu 'cpu-x' -> 'cpu-y'",
                    "torch_threads 1 -> 2", "data_fingerprint 'ffffffffffff' -> 'eeeeeeeeeeee'"]


def test_same_coarse_cpu_name_but_other_numerics_is_not_exact():
    """The exact rule once keyed on the coarse CPU name ("AMD EPYC"): two set-ups with other
    flags or another BLAS counted as the same."""
    other = _prov(numerics_key="k2", numerics={"cpu_flags": "bb", "torch_build": {"BLAS_INFO": "openblas"}})
    assert environment_differences(_prov(), other) == ["numerics key k1 -> k2 (cpu_flags, torch_build)"]
    # a baseline without a key (made before the key existed) never counts as the same
    assert environment_differences(_prov(numerics_key="", numerics={}), _prov(numerics_key="", numerics={}))


def test_numerics_key_identifies_flags_blas_threads_and_versions():
    from harness.manifest import numerics_info, numerics_key

    info = numerics_info()
    assert {"cpu_model", "cpu_ids", "cpu_flags", "cpu_capability", "torch_build", "numpy_blas",
            "versions", "torch_threads", "interop_threads", "env"} <= set(info)
    for key, value in [("cpu_flags", "other"), ("torch_threads", 99), ("numpy_blas", "x"),
                       ("env", {"MKL_CBWR": "AVX2"}), ("versions", {"torch": "0"})]:
        assert numerics_key(dict(info, **{key: value})) != numerics_key(info), key


def test_spread_tolerance_formula():
    assert spread_tolerance(None, 3) == FLOOR_PP
    assert spread_tolerance(0.0001, 3) == FLOOR_PP  # 0.01 pp spread: the floor wins
    assert spread_tolerance(0.01, 3) == pytest.approx(K_SD * 1.0 * math.sqrt(2 / 3))
    assert spread_tolerance(0.01, 2) == pytest.approx(3.0)


def test_spread_rule_compares_seed_means_against_the_baselines_spread():
    b = _baseline()
    sd = b.methods["af"].sd["average_mAP"]
    tol = spread_tolerance(sd, 3)
    inside = {("af", s): {"average_mAP": lambda x: x + 0.9 * tol / 100} for s in (0, 1, 2)}
    rows = compare_spread(b, _run(inside))
    assert len(rows) == 2 * len(METRICS) and all(r.seed is None for r in rows)
    assert all(r.status == "ok" for r in rows)
    row = next(r for r in rows if r.method == "af" and r.metric == "average_mAP")
    assert row.delta == pytest.approx(0.9 * tol) and row.tolerance == pytest.approx(tol)
    outside = {("af", 0): {"average_mAP": lambda x: x + 3 * 1.1 * tol / 100}}  # mean moves 1.1 tol
    moved = [r.label for r in compare_spread(b, _run(outside)) if r.moved]
    assert moved == ["af mean average_mAP"]


def test_check_compatible_and_config_changes(tmp_path):
    b = _baseline()
    check_compatible(b, BENCH.select(("td",), (1,)), tmp_path / "b.json")  # a subset is fine
    with pytest.raises(ConfigError, match="another benchmark definition.*num_train 64 vs 8"):
        check_compatible(b, DriftBenchmark(name="t", methods=BENCH.methods, seeds=(0,), num_train=8), "b")
    more = DriftBenchmark(name="t", methods=(*BENCH.methods, ("new", "n.py")), seeds=(0,))
    with pytest.raises(ConfigError, match="no results for new.*--methods af,td"):
        check_compatible(b, more, "b")
    with pytest.raises(ConfigError, match="no af runs for seeds \\[7\\]"):
        check_compatible(b, DriftBenchmark(name="t", methods=BENCH.methods, seeds=(7,)), "b")
    run = _run()
    run.config_hashes["td"] = "hash-changed"
    assert config_changes(b, run) == ["td: config changed since the baseline (hash hash-td -> hash-changed)"]


def test_baseline_round_trip_is_exact_and_atomic(tmp_path):
    b = _baseline()
    b.methods["af"].runs[0]["mAP@0.30"] = 0.1 + 0.2  # not representable in few digits
    path = write_baseline(b, tmp_path / "sub" / "b.json")
    again = read_baseline(path)
    assert again == b
    assert again.methods["af"].runs[0]["mAP@0.30"] == 0.1 + 0.2
    assert [p.name for p in path.parent.iterdir()] == ["b.json"]


def test_seed_stats():
    mean, sd = seed_stats({0: {"a": 0.1}, 1: {"a": 0.3}})
    assert mean["a"] == pytest.approx(0.2) and sd["a"] == pytest.approx(math.sqrt(0.02))
    assert seed_stats({0: {"a": 0.1}})[1] == {"a": None}


@pytest.mark.parametrize("content, message", [
    (None, "drift baseline not found; create it with python -m harness drift --update"),
    ("{not json", "line 1 column 2"),
    ('{"schema": "something else"}', "not a drift baseline"),
    ('{"schema": "tal-harness drift baseline", "schema_version": 1, "benchmark": {}}', "malformed drift baseline"),
])
def test_bad_baseline_files_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(DataError) as info:
        read_baseline(path)
    assert message in str(info.value) and str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_non_finite_values_are_refused(tmp_path):
    d = _baseline().to_json()
    d["methods"]["af"]["runs"]["0"]["mAP@0.30"] = float("nan")
    (tmp_path / "b.json").write_text(json.dumps(d))
    with pytest.raises(DataError, match="af seed 0 has no finite metrics"):
        read_baseline(tmp_path / "b.json")


def test_update_differences():
    old = _baseline()
    new = _baseline(_prov(git_sha="def", versions={"python": "3.11.7", "torch": "2.14.0", "numpy": "2.4.6"}))
    new.methods["td"].runs[2]["mAP@0.50"] += 0.01
    del new.methods["af"]
    lines, rows = baseline_differences(old, new)
    assert lines == ["commit abc -> def", "torch 2.13.0 -> 2.14.0", "af: removed"]
    assert [(r.label, round(r.delta, 9)) for r in rows] == [("td seed 2 mAP@0.50", 1.0)]


def test_benchmark_definitions():
    ci = get_benchmark("ci")
    assert ci.method_names == ("actionformer", "tridet", "cltdr_gmg") and ci.threads == 1
    assert set(BENCHMARKS) == {"ci", "smoke"}
    with pytest.raises(ConfigError, match="unknown drift benchmark"):
        get_benchmark("nope")
    sub = ci.select(("tridet",), (1,))
    assert sub.methods == (("tridet", ci.config_of("tridet")),) and sub.seeds == (1,)
    assert sub.definition() == ci.definition()
    with pytest.raises(ConfigError, match="--methods: bogus not in benchmark"):
        ci.select(("bogus",), None)
    with pytest.raises(ConfigError, match="--seeds"):
        ci.select(None, (9,))
    assert DriftBenchmark.from_json(json.loads(json.dumps(ci.to_json()))) == ci


def test_cfg_options_cover_every_loader_and_the_schedule_only_when_shortened():
    opts = cfg_options(get_benchmark("ci"))
    for loader in ("train_dataloader", "val_dataloader", "test_dataloader"):
        assert f"{loader}.dataset.num_train=64" in opts and f"{loader}.dataset.num_test=32" in opts
    assert not any(o.startswith(("train_cfg.max_epochs", "param_scheduler", "default_hooks")) for o in opts)
    smoke = cfg_options(get_benchmark("smoke"))
    assert {"train_cfg.max_epochs=4", "param_scheduler.end=4", "param_scheduler.warmup=1",
            "train_cfg.curve_begin=3", "default_hooks.ema.decay=0.9"} <= set(smoke)
