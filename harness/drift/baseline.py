"""The stored drift baseline (``results/baselines/<benchmark>.json``): per method, per seed,
per metric values, the seed spread, and the provenance that decides how strictly a later run
is compared (:mod:`harness.drift.compare`).

Values are fractions exactly as the run records hold them (JSON round-trips floats exactly),
so a bit-exact comparison is possible.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from harness.drift.benchmark import DriftBenchmark
from harness.drift.execute import BenchmarkRun
from harness.errors import DataError
from harness.io import atomic_write_json, loads_json

SCHEMA = "tal-harness drift baseline"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Provenance:
    """Where and with what the baseline was made.

    Attributes:
        git_sha, git_dirty: the code (None outside a git checkout).
        created: UTC time, ISO 8601.
        versions: python, torch, mmengine, numpy, pandas, scipy (CUDA/cuDNN if present).
        cpu: CPU model; torch_threads: threads per training; device: 'cpu'.
        data_fingerprint: SHA-256 over the benchmark dataset's file hashes.
        hostname, platform, command: for the reader.
    """

    git_sha: str | None
    git_dirty: bool | None
    created: str
    versions: dict[str, str]
    cpu: str
    torch_threads: int | None
    device: str
    data_fingerprint: str
    hostname: str = ""
    platform: str = ""
    command: tuple[str, ...] = ()
    numerics_key: str = ""
    numerics: dict[str, Any] = field(default_factory=dict)

    def environment(self) -> dict[str, Any]:
        """What must be equal for runs to be bit-exact (the code itself is what is checked):
        the numerics key (:func:`harness.manifest.numerics_info`: CPU model, family/model/
        stepping and flags, BLAS/oneDNN builds, library versions, threads, kernel-selecting
        environment) and the data. A baseline without a key never counts as the same."""
        return dict(versions=dict(self.versions), cpu=self.cpu, torch_threads=self.torch_threads,
                    device=self.device, data_fingerprint=self.data_fingerprint,
                    numerics_key=self.numerics_key or "absent")

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["command"] = list(self.command)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Provenance:
        d = dict(d)
        d["command"] = tuple(d.get("command", ()))
        return cls(**d)


@dataclass(frozen=True)
class MethodBaseline:
    """One method's stored results.

    Attributes:
        config, config_hash: the leaf and the hash of it with the benchmark's overrides.
        runs: seed → metric → value (fraction).
        mean, sd: per metric over the seeds (sd: sample std, ddof 1; None for one seed).
    """

    config: str
    config_hash: str
    runs: dict[int, dict[str, float]]
    mean: dict[str, float] = field(default_factory=dict)
    sd: dict[str, float | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["runs"] = {str(s): dict(m) for s, m in self.runs.items()}
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MethodBaseline:
        d = dict(d)
        d["runs"] = {int(s): {str(k): float(v) for k, v in m.items()} for s, m in d["runs"].items()}
        return cls(**d)


@dataclass(frozen=True)
class Baseline:
    """A baseline file: benchmark definition, provenance, method results, the rule's constants."""

    benchmark: DriftBenchmark
    provenance: Provenance
    methods: dict[str, MethodBaseline]
    tolerance: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dict(schema=SCHEMA, schema_version=SCHEMA_VERSION,
                    benchmark=self.benchmark.to_json(), provenance=self.provenance.to_json(),
                    tolerance=dict(self.tolerance),
                    methods={m: b.to_json() for m, b in self.methods.items()})

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Baseline:
        return cls(benchmark=DriftBenchmark.from_json(d["benchmark"]),
                   provenance=Provenance.from_json(d["provenance"]),
                   methods={m: MethodBaseline.from_json(b) for m, b in d["methods"].items()},
                   tolerance=dict(d.get("tolerance") or {}))


def seed_stats(runs: dict[int, dict[str, float]]) -> tuple[dict[str, float], dict[str, float | None]]:
    """(mean, sample sd) per metric over seeds; sd None with fewer than two seeds."""
    import numpy as np

    metrics = list(dict.fromkeys(k for m in runs.values() for k in m))
    mean, sd = {}, {}
    for k in metrics:
        x = np.array([m[k] for m in runs.values() if k in m], dtype=np.float64)
        mean[k] = float(x.mean())
        sd[k] = float(x.std(ddof=1)) if len(x) > 1 else None
    return mean, sd


def provenance_of(run: BenchmarkRun) -> Provenance:
    """The provenance of a benchmark execution (from its runs' manifests)."""
    man = run.manifest()
    if man is None:
        raise DataError("drift: no run of the benchmark finished; nothing to record")
    hw = man.hardware or {}
    return Provenance(
        git_sha=man.git_sha, git_dirty=man.git_dirty,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        versions=dict(man.versions), cpu=str(hw.get("cpu", "")),
        torch_threads=hw.get("torch_threads"), device=man.device,
        data_fingerprint=run.data_fingerprint, hostname=man.hostname,
        platform=str(hw.get("platform", "")),
        command=("python -m harness", *sys.argv[1:]),
        numerics_key=str(hw.get("numerics_key", "")), numerics=dict(hw.get("numerics") or {}),
    )


def baseline_from_run(run: BenchmarkRun, tolerance: dict[str, Any]) -> Baseline:
    """A new baseline from a benchmark execution in which every run finished."""
    failed = run.failed()
    if failed:
        raise DataError("drift: cannot record a baseline, runs failed: "
                        + "; ".join(f"{r.method} seed {r.seed}: {r.error}" for r in failed))
    methods = {}
    for method, config in run.benchmark.methods:
        runs = {r.seed: dict(r.metrics) for r in run.runs if r.method == method}
        mean, sd = seed_stats(runs)
        methods[method] = MethodBaseline(config=config, config_hash=run.config_hashes.get(method, ""),
                                         runs=runs, mean=mean, sd=sd)
    return Baseline(run.benchmark, provenance_of(run), methods, dict(tolerance))


def read_baseline(path: str | os.PathLike[str]) -> Baseline:
    """Read and validate a baseline file.

    Raises:
        DataError: missing, unreadable, not a drift baseline, or malformed (one line).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: drift baseline not found; create it with "
                        f"python -m harness drift --update --baseline {path}")
    try:
        data = loads_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read the drift baseline ({exc})") from None
    except ValueError as exc:  # invalid JSON or a duplicated key
        raise DataError(f"{path}: drift baseline is not valid JSON ({exc}); "
                        "regenerate it with --update") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise DataError(f"{path}: not a drift baseline (schema {SCHEMA!r} expected)")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise DataError(f"{path}: drift baseline schema version {data.get('schema_version')!r}, "
                        f"this code reads {SCHEMA_VERSION}; regenerate it with --update")
    try:
        baseline = Baseline.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"{path}: malformed drift baseline ({type(exc).__name__}: {exc})") from None
    for name, mb in baseline.methods.items():
        for seed, metrics in mb.runs.items():
            if not metrics or not all(math.isfinite(v) for v in metrics.values()):
                raise DataError(f"{path}: {name} seed {seed} has no finite metrics")
    return baseline


def write_baseline(baseline: Baseline, path: str | os.PathLike[str]) -> Path:
    """Write atomically (a reader sees the old file or the whole new one)."""
    return atomic_write_json(path, baseline.to_json())
