"""Folder-level helpers: manifest reading and comparison, a file lock, atomic publication.

A dataset is written into a temporary sibling folder, its manifest last, and renamed
into place, so a half-written dataset never looks complete.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from harness.errors import DataError
from harness.io import loads_json

MANIFEST = "manifest.json"
IDENTITY_KEYS = ("preset", "quality", "seed", "generator_version", "num_train", "num_test")


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest, or None when it has none; DataError when unreadable."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = loads_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # invalid JSON or a duplicated key
        raise DataError(f"{path}: unreadable manifest ({exc})") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: manifest is not a JSON object")
    return data


def identity(manifest: dict) -> dict:
    """The fields that decide whether two synthetic datasets are the same."""
    return {k: manifest.get(k) for k in IDENTITY_KEYS}


def describe(ident: dict) -> str:
    return (
        f"preset {ident.get('preset')} quality {ident.get('quality')} seed {ident.get('seed')} "
        f"v{ident.get('generator_version')} ({ident.get('num_train')}/{ident.get('num_test')} videos)"
    )


HARNESS_FILES = ("annotations.json", "video_scores.json", MANIFEST)
HARNESS_DIRS = ("features",)


def foreign_entries(folder: Path, manifest: dict | None) -> list[str]:
    """Entries of ``folder`` the harness did not write: anything not listed in its manifest
    (only ``features/*.npy``, ``annotations.json``, ``video_scores.json`` can be listed) and
    not the manifest itself. ``--force`` may replace a folder only when this is empty."""
    listed = set((manifest or {}).get("files") or {}) if manifest is not None else set()
    owned = {rel for rel in listed
             if rel in HARNESS_FILES or (rel.startswith("features/") and rel.endswith(".npy")
                                         and rel.count("/") == 1)}
    if manifest is not None:
        owned.add(MANIFEST)
    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_dir() and not p.is_symlink() and rel in HARNESS_DIRS:
            continue
        if p.is_symlink() or not p.is_file() or rel not in owned:
            if p.is_dir() and not p.is_symlink() and any(p.iterdir()):
                continue  # a non-empty foreign folder: its files are listed instead
            out.append(rel + ("/" if p.is_dir() else ""))
    return out


def changed_files(folder: Path, manifest: dict) -> list[str]:
    """Files the manifest lists that are absent or have another size, with the reason."""
    out = []
    for rel, info in sorted((manifest.get("files") or {}).items()):
        p = folder / rel
        if not p.is_file():
            out.append(f"{rel} (missing)")
        elif p.stat().st_size != info.get("bytes"):
            out.append(f"{rel} ({p.stat().st_size} bytes, manifest says {info.get('bytes')})")
    return out


def listing(items: list[str], limit: int = 5) -> str:
    """``a, b, c and 4 more``."""
    head = ", ".join(items[:limit])
    return head + (f" and {len(items) - limit} more" if len(items) > limit else "")


def is_empty_dir(folder: Path) -> bool:
    return folder.is_dir() and not any(folder.iterdir())


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Exclusive inter-process lock for writing ``folder`` (a ``.<name>.lock`` sibling file)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock_path = folder.parent / f".{folder.name}.lock"
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def new_temp_dir(folder: Path) -> Path:
    """A fresh sibling ``.<name>.tmp-<pid>-<hex>``; stale ones (from a crash) are removed.

    Call under :func:`folder_lock`: no other writer of ``folder`` is running then.
    """
    for stale in folder.parent.glob(f".{folder.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    return tmp


def publish(tmp: Path, folder: Path) -> None:
    """Move the complete ``tmp`` folder to ``folder``, replacing what was there."""
    old = None
    if folder.exists():
        old = folder.parent / f".{folder.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        os.rename(folder, old)
    os.rename(tmp, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
