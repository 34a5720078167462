"""The provenance footer of every page and table: commits, config hashes, seeds, dates, hardware.

Sources, in order: ``runs.csv`` (git commit and dirty flag of every run, config hashes, seeds),
``summary.csv`` (config hash per row), ``meta.json`` (aggregation options; ``created``,
``git_sha`` and ``hardware`` when the aggregation records them) and, when the run folders are
present, the run manifests (:mod:`reports.runinfo`: hardware, versions, run dates).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from reports.frames import AggregateFrames
from reports.runinfo import RunInfo

UNKNOWN = "not recorded"


@dataclass(frozen=True)
class Provenance:
    """Label/value pairs shown at the foot of every page and below every LaTeX table."""

    experiment: str
    scale: str
    commits: str
    configs: str
    seeds: str
    run_dates: str
    aggregated: str
    rendered: str
    hardware: str
    versions: str
    options: str
    report_commit: str
    code_fingerprint: str = UNKNOWN
    environment: str = ""

    def items(self) -> list[tuple[str, str]]:
        return [
            ("experiment", f"{self.experiment} ({self.scale} scale)"),
            ("git commit of the runs", self.commits),
            ("configs hash", self.configs),
            ("seeds", self.seeds),
            ("run dates", self.run_dates),
            ("aggregated", self.aggregated),
            ("rendered", self.rendered),
            ("hardware", self.hardware),
            ("versions of the runs", self.versions),
            ("code fingerprint", self.code_fingerprint),
            ("aggregation options", self.options),
            ("report code commit", self.report_commit),
            ("report environment", self.environment or UNKNOWN),
        ]


def configs_digest(hashes: list[str]) -> str:
    """SHA-256 (first 16 hex digits) of the sorted distinct config hashes, and their count."""
    distinct = sorted({h for h in hashes if h})
    if not distinct:
        return "no runs"
    digest = hashlib.sha256("\n".join(distinct).encode()).hexdigest()[:16]
    return f"{digest} (over {len(distinct)} config hash{'es' if len(distinct) > 1 else ''})"


def _commits(frames: AggregateFrames) -> str:
    runs = frames.runs
    if runs.empty:
        return str(frames.meta.get("git_sha") or "no runs")
    pairs = runs[["git_sha", "git_dirty"]].drop_duplicates()
    out = []
    for sha, dirty in pairs.itertuples(index=False):
        text = sha[:12] if sha else "unknown"
        out.append(text + (" (dirty)" if str(dirty) == "True" else ""))
    return ", ".join(dict.fromkeys(out))


def _seeds(frames: AggregateFrames) -> str:
    seeds = sorted({int(s) for s in frames.runs["seed"]}) if not frames.runs.empty else []
    return ", ".join(map(str, seeds)) if seeds else "none"


def _dates(infos: dict[tuple[str, int], RunInfo]) -> str:
    dates = sorted(i.created[:10] for i in infos.values() if i.created)
    if not dates:
        return UNKNOWN + " (run folders not available)"
    return dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"


def _aggregated(frames: AggregateFrames) -> str:
    created = frames.meta.get("created")
    if created:
        return str(created)
    if frames.source is not None and (Path(frames.source) / "summary.csv").is_file():
        mtime = (Path(frames.source) / "summary.csv").stat().st_mtime
        stamp = _dt.datetime.fromtimestamp(mtime, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        return f"{stamp} (summary.csv modification time)"
    return UNKNOWN


def _options(meta: dict) -> str:
    if not meta:
        return UNKNOWN
    return (f"confidence {meta.get('confidence', '?')}, video bootstrap B = "
            f"{meta.get('bootstrap_samples', '?')} (seed {meta.get('bootstrap_seed', '?')}), "
            f"{meta.get('runs', '?')} runs in {meta.get('cells', '?')} cells, "
            f"{meta.get('excluded_records', 0)} excluded records, {meta.get('problems', 0)} problems")


def build_provenance(
    frames: AggregateFrames, infos: dict[tuple[str, int], RunInfo], *, report_commit: str,
    rendered: str | None = None, code_fingerprint: str = "",
) -> Provenance:
    """Collect the footer of one report.

    Args:
        frames: the aggregate.
        infos: run details keyed by (run folder, seed) (may be empty).
        report_commit: git commit of the code rendering the report (e.g. ``abc123 (dirty)``).
        rendered: timestamp of the rendering (default: now, UTC).
    """
    hashes = list(frames.runs["config_hash"]) + list(frames.summary["config_hash"])
    hardware = sorted({i.hardware for i in infos.values() if i.hardware})
    if not hardware and frames.meta.get("hardware"):
        hardware = [str(frames.meta["hardware"])]
    versions = sorted({i.versions for i in infos.values() if i.versions})
    if not versions and frames.meta.get("versions"):
        versions = [str(frames.meta["versions"])]
    now = rendered or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return Provenance(
        experiment=frames.experiment, scale=frames.scale, commits=_commits(frames),
        configs=configs_digest(hashes), seeds=_seeds(frames), run_dates=_dates(infos),
        aggregated=_aggregated(frames), rendered=now,
        hardware="; ".join(hardware) or UNKNOWN + " (run folders not available)",
        versions="; ".join(versions) or UNKNOWN + " (neither in the run folders nor in this "
        "aggregate's meta.json: re-aggregate to record them)", options=_options(frames.meta),
        report_commit=report_commit, code_fingerprint=code_fingerprint or UNKNOWN,
        environment=environment_versions(),
    )


def environment_versions() -> str:
    """Versions of the libraries that render the report (no torch)."""
    out = [f"python {platform.python_version()}"]
    for name in ("numpy", "pandas", "scipy", "matplotlib", "jinja2"):
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(out)
