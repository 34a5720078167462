"""What a run folder holds: a finished record, a failed one, a partial run, or nothing.

Used by the sweep (what to run, resume or skip) and by aggregation (which records count).
A run counts only through a ``record.json`` that parses as a :class:`~harness.records.RunRecord`
with status ``ok``: checkpoints, logs and half-written temporaries of a partial run never do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.io import loads_json
from harness.records import RunRecord

RECORD = "record.json"
LOCK = ".sweep.lock"
LOG = "train.log"
SEED_DIR = re.compile(r"^seed(\d+)$")
STATES = ("done", "stale", "failed", "corrupt", "partial", "fresh")


@dataclass(frozen=True)
class RunInspection:
    """State of one run folder.

    Attributes:
        state: ``done`` (ok record, expected config hash), ``stale`` (ok record of another
            config hash), ``failed`` (record with status failed), ``corrupt`` (``record.json``
            that does not parse), ``partial`` (no record, a checkpoint to resume from),
            ``fresh`` (nothing usable).
        record: the parsed record, if any.
        checkpoint: the checkpoint a resume would start from, if any.
        problem: why a record is corrupt or stale.
    """

    state: str
    record: RunRecord | None = None
    checkpoint: Path | None = None
    problem: str = ""


def read_record(path: Path) -> tuple[RunRecord | None, str]:
    """(record, "") or (None, why it cannot be read)."""
    try:
        data = loads_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"unreadable ({type(exc).__name__})"
    except ValueError as exc:  # invalid JSON or a duplicated key
        return None, f"not valid JSON ({exc})"
    if not isinstance(data, dict):
        return None, "not a run record (a JSON object is expected)"
    try:
        return RunRecord.from_json(data), ""
    except (KeyError, TypeError, ValueError) as exc:
        return None, f"not a run record ({type(exc).__name__}: {str(exc)[:120]})"


def folder_seed(work_dir: Path) -> int | None:
    """The seed a ``seed<k>`` folder is for, else None."""
    m = SEED_DIR.match(Path(work_dir).name)
    return int(m.group(1)) if m else None


def record_problem(record: RunRecord, seed: int | None) -> tuple[str, str] | None:
    """Why ``record`` does not count as a finished run of ``seed`` — (kind, message) with kind
    ``failed``, ``foreign`` or ``corrupt`` — or None when it does. The one rule of the sweep
    (what to skip) and of aggregation (what to count)."""
    if record.status != "ok":
        return "failed", record.error or "status failed"
    if seed is not None and record.seed != seed:
        return "foreign", f"record of seed {record.seed} in folder seed{seed}"
    if record.average_mAP is None or not record.mAP:
        return "corrupt", "ok record without results"
    return None


_EPOCH = re.compile(r"^epoch_(\d+)\.pth$")


def find_checkpoint(work_dir: Path) -> Path | None:
    """The checkpoint ``train --resume`` would start from: the file named in
    ``last_checkpoint`` inside ``work_dir``, else the highest ``epoch_<k>.pth``.

    The same rule as :func:`harness.checkpoint.find_resume_checkpoint`, without importing torch
    into the sweep process (a test checks that both agree).
    """
    marker = work_dir / "last_checkpoint"
    if marker.is_file():
        try:
            candidate = work_dir / Path(marker.read_text().strip()).name
        except OSError:
            candidate = None
        if candidate is not None and candidate.is_file():
            return candidate
    if not work_dir.is_dir():
        return None
    epochs = [(int(m.group(1)), p) for p in work_dir.glob("epoch_*.pth") if (m := _EPOCH.match(p.name))]
    return max(epochs)[1] if epochs else None


def inspect_run(work_dir: Path, expected_hash: str | None = None) -> RunInspection:
    """The state of ``work_dir`` (see :class:`RunInspection`); a missing folder is fresh."""
    path = work_dir / RECORD
    if path.is_file():
        record, problem = read_record(path)
        if record is None:
            return RunInspection("corrupt", checkpoint=find_checkpoint(work_dir), problem=problem)
        bad = record_problem(record, folder_seed(work_dir))
        if bad is not None and bad[0] == "failed":
            return RunInspection("failed", record, find_checkpoint(work_dir), record.error or "")
        if bad is not None:  # another seed's record (its checkpoints are not ours) or no results
            checkpoint = None if bad[0] == "foreign" else find_checkpoint(work_dir)
            return RunInspection("corrupt", record, checkpoint, bad[1])
        if expected_hash and record.config_hash != expected_hash:
            return RunInspection("stale", record, None, (
                f"record of config hash {record.config_hash[:12]}, the config now hashes to "
                f"{expected_hash[:12]}"))
        return RunInspection("done", record)
    if not work_dir.is_dir():
        return RunInspection("fresh")
    checkpoint = find_checkpoint(work_dir)
    return RunInspection("partial" if checkpoint is not None else "fresh", checkpoint=checkpoint)


def seed_dirs(run_dir: Path) -> tuple[list[tuple[int, Path]], list[Path]]:
    """(seed, folder) pairs under ``run_dir`` sorted by seed, and the other entries (foreign)."""
    seeds, foreign = [], []
    if not run_dir.is_dir():
        return seeds, foreign
    for child in sorted(run_dir.iterdir()):
        m = SEED_DIR.match(child.name)
        if m and child.is_dir():
            seeds.append((int(m.group(1)), child))
        elif not child.name.startswith("."):
            foreign.append(child)
    return sorted(seeds), foreign
