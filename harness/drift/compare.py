"""Compare a benchmark execution with its baseline: the tolerance rule, as pure functions.

**Tolerance rule.**

- *Exact* when the environment equals the baseline's: same library versions (python, torch,
  mmengine, numpy, pandas, scipy, CUDA/cuDNN if any), same CPU model, same threads per
  training, same device and the same dataset bytes. The trainings are then deterministic,
  so every (method, seed, metric) must equal the baseline bit for bit (tolerance 0); any
  difference is drift caused by the code or the configs.
- *Spread* otherwise: a notice lists what differs; floating-point differences make a run
  behave like a reseeded one, so the mean over the n compared seeds of each (method, metric)
  must satisfy |Δ| ≤ max(K_SD · sd · √(2/n), FLOOR_PP), with sd the baseline's own sample std
  over its seeds (percentage points; the floor alone when the baseline has one seed).
  √(2/n)·sd is the std of the difference of two n-seed means, so K_SD = 3 is a 3-sigma bound.

The git commit is recorded, not compared: code changes are what the check exists to find.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from harness.drift.baseline import Baseline, Provenance
from harness.drift.benchmark import DriftBenchmark
from harness.drift.execute import BenchmarkRun

K_SD = 3.0
FLOOR_PP = 1.0
EXACT, SPREAD = "exact", "spread"
TOLERANCE = dict(
    exact="equal bit for bit (same library versions, CPU model, threads, device and data)",
    spread=f"|Δ seed mean| <= max({K_SD:g}·sd·sqrt(2/n), {FLOOR_PP:g} pp), sd = baseline seed std",
    k_sd=K_SD, floor_pp=FLOOR_PP,
)


@dataclass(frozen=True)
class CompareRow:
    """One compared value (percent units for display; ``seed`` None = mean over seeds).

    Attributes:
        method, seed, metric: what is compared.
        baseline, now: values in percent (None when absent).
        delta: now − baseline in percentage points (None when either is absent).
        tolerance: allowed |delta| in percentage points (0 in exact mode).
        status: ``ok``, ``DRIFT``, ``MISSING`` (metric absent on one side) or ``FAILED``.
        note: e.g. the error of a failed run.
    """

    method: str
    seed: int | None
    metric: str
    baseline: float | None
    now: float | None
    delta: float | None
    tolerance: float
    status: str
    note: str = ""

    @property
    def moved(self) -> bool:
        return self.status != "ok"

    @property
    def label(self) -> str:
        where = "mean" if self.seed is None else f"seed {self.seed}"
        return f"{self.method} {where} {self.metric}"


def environment_differences(base: Provenance, now: Provenance) -> list[str]:
    """Human-readable differences of the environments ('' list: exact mode applies)."""
    out = []
    a, b = base.environment(), now.environment()
    for lib in sorted(set(a["versions"]) | set(b["versions"])):
        va, vb = a["versions"].get(lib), b["versions"].get(lib)
        if va != vb:
            out.append(f"{lib} {va or 'absent'} -> {vb or 'absent'}")
    for key in ("cpu", "torch_threads", "device", "data_fingerprint"):
        if a[key] != b[key]:
            va, vb = (str(a[key])[:12], str(b[key])[:12]) if key == "data_fingerprint" else (a[key], b[key])
            out.append(f"{key} {va!r} -> {vb!r}")
    if a["numerics_key"] != b["numerics_key"] or a["numerics_key"] == "absent":
        changed = sorted(k for k in set(base.numerics) | set(now.numerics)
                         if base.numerics.get(k) != now.numerics.get(k))
        out.append(f"numerics key {a['numerics_key']} -> {b['numerics_key']}"
                   + (f" ({', '.join(changed)})" if changed and base.numerics else ""))
    return out


def spread_tolerance(sd: float | None, n: int) -> float:
    """Allowed |Δ| (percentage points) of an n-seed mean, sd in fractions (or None)."""
    if sd is None or n < 1:
        return FLOOR_PP
    return max(K_SD * 100.0 * sd * math.sqrt(2.0 / n), FLOOR_PP)


def _pct(x: float | None) -> float | None:
    return None if x is None else 100.0 * x


def _failed_rows(run: BenchmarkRun) -> list[CompareRow]:
    return [CompareRow(r.method, r.seed, "(run)", None, None, None, 0.0, "FAILED", r.error or "")
            for r in run.failed()]


def compare_exact(baseline: Baseline, run: BenchmarkRun) -> list[CompareRow]:
    """Every (method, seed, metric): equal to the baseline or drift."""
    rows = _failed_rows(run)
    for r in run.runs:
        if r.error is not None:
            continue
        base = baseline.methods[r.method].runs[r.seed]
        for metric in dict.fromkeys([*base, *r.metrics]):
            b, v = base.get(metric), r.metrics.get(metric)
            if b is None or v is None:
                rows.append(CompareRow(r.method, r.seed, metric, _pct(b), _pct(v), None, 0.0, "MISSING"))
                continue
            status = "ok" if v == b else "DRIFT"
            rows.append(CompareRow(r.method, r.seed, metric, _pct(b), _pct(v), 100.0 * (v - b), 0.0, status))
    return rows


def compare_spread(baseline: Baseline, run: BenchmarkRun) -> list[CompareRow]:
    """Per (method, metric): the mean over the seeds both have, within the spread tolerance."""
    rows = _failed_rows(run)
    for method in run.benchmark.method_names:
        mb = baseline.methods[method]
        now = {r.seed: r.metrics for r in run.runs if r.method == method and r.error is None}
        seeds = [s for s in now if s in mb.runs]
        if not seeds:
            continue
        metrics = dict.fromkeys([m for s in seeds for m in (*mb.runs[s], *now[s])])
        for metric in metrics:
            b = [mb.runs[s][metric] for s in seeds if metric in mb.runs[s]]
            v = [now[s][metric] for s in seeds if metric in now[s]]
            tol = spread_tolerance(mb.sd.get(metric), len(seeds))
            if len(b) != len(seeds) or len(v) != len(seeds):
                rows.append(CompareRow(method, None, metric, _pct(_mean(b)), _pct(_mean(v)), None,
                                       tol, "MISSING"))
                continue
            delta = 100.0 * (_mean(v) - _mean(b))
            rows.append(CompareRow(method, None, metric, _pct(_mean(b)), _pct(_mean(v)), delta, tol,
                                   "ok" if abs(delta) <= tol else "DRIFT"))
    return rows


def _mean(x: list[float]) -> float | None:
    return sum(x) / len(x) if x else None


def config_changes(baseline: Baseline, run: BenchmarkRun) -> list[str]:
    """Methods whose config (leaf + benchmark overrides) changed since the baseline."""
    out = []
    for method in run.benchmark.method_names:
        old, new = baseline.methods[method].config_hash, run.config_hashes.get(method, "")
        if old and new and old != new:
            out.append(f"{method}: config changed since the baseline (hash {old[:12]} -> {new[:12]})")
    return out


def check_compatible(baseline: Baseline, run_bench: DriftBenchmark, path: str | os.PathLike[str]) -> None:
    """The baseline was made for this benchmark and holds every selected method and seed.

    Raises:
        ConfigError: one line naming the file and the mismatch.
    """
    from harness.errors import ConfigError

    a, b = baseline.benchmark.definition(), run_bench.definition()
    diff = [f"{k} {a.get(k)!r} vs {b.get(k)!r}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    if diff:
        raise ConfigError(f"{path}: baseline made for another benchmark definition ({'; '.join(diff)}); "
                          "regenerate it with --update")
    for method in run_bench.method_names:
        if method not in baseline.methods:
            raise ConfigError(f"{path}: baseline has no results for {method}; add them with --update "
                              f"or check the others with --methods {','.join(baseline.methods)}")
        missing = [s for s in run_bench.seeds if s not in baseline.methods[method].runs]
        if missing:
            raise ConfigError(f"{path}: baseline has no {method} runs for seeds {missing}; "
                              "regenerate it with --update")


def baseline_differences(old: Baseline, new: Baseline) -> tuple[list[str], list[CompareRow]]:
    """What an update changes: (provenance/definition lines, value rows that differ)."""
    lines = []
    po, pn = old.provenance, new.provenance
    if po.git_sha != pn.git_sha:
        lines.append(f"commit {po.git_sha or 'unknown'} -> {pn.git_sha or 'unknown'}")
    lines += environment_differences(po, pn)
    a, b = old.benchmark.definition(), new.benchmark.definition()
    lines += [f"benchmark {k} {a.get(k)!r} -> {b.get(k)!r}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    rows: list[CompareRow] = []
    for method in dict.fromkeys([*old.methods, *new.methods]):
        mo, mn = old.methods.get(method), new.methods.get(method)
        if mo is None or mn is None:
            lines.append(f"{method}: {'added' if mo is None else 'removed'}")
            continue
        if mo.config_hash != mn.config_hash:
            lines.append(f"{method}: config hash {mo.config_hash[:12]} -> {mn.config_hash[:12]}")
        for seed in sorted(set(mo.runs) | set(mn.runs)):
            ro, rn = mo.runs.get(seed, {}), mn.runs.get(seed, {})
            for metric in dict.fromkeys([*ro, *rn]):
                vo, vn = ro.get(metric), rn.get(metric)
                if vo == vn:
                    continue
                delta = None if vo is None or vn is None else 100.0 * (vn - vo)
                rows.append(CompareRow(method, seed, metric, _pct(vo), _pct(vn), delta, 0.0, "changed"))
    return lines, rows
