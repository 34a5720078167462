"""Code fingerprint: a hash of the sources that change a run's numbers.

Every run manifest records it (``code_fingerprint``); a report whose runs carry another
fingerprint than the working tree shows a banner (the numbers may be out of date). Sources
(``SOURCES``, relative to the repository root): the models, the baselines, the datasets and
their transforms, the metrics, the configs and the training loop (loops, optimizer,
schedulers, hooks). Documentation, tests, reports and the CLI are not part of it. The hash is
SHA-256 over (path, content) of every ``.py`` file under them, sorted by path, so it does not
depend on timestamps, the checkout location or git.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SOURCES = (
    "models", "baselines", "datasets", "harness/metrics", "harness/configs", "harness/hooks",
    "harness/loops.py", "harness/optim.py", "harness/schedulers.py",
    "harness/experiments/variants.py",
)
SUFFIXES = (".py",)
LENGTH = 16  # hex digits shown and compared


def source_files(root: Path, sources: tuple[str, ...] = SOURCES) -> list[Path]:
    """The files hashed, sorted by their path relative to ``root``."""
    root = Path(root)
    files: set[Path] = set()
    for name in sources:
        p = root / name
        if p.is_file() and p.suffix in SUFFIXES:
            files.add(p)
        elif p.is_dir():
            files.update(f for f in p.rglob("*") if f.is_file() and f.suffix in SUFFIXES
                         and "__pycache__" not in f.parts)
    return sorted(files, key=lambda f: f.relative_to(root).as_posix())


def code_fingerprint(root: Path, sources: tuple[str, ...] = SOURCES) -> str:
    """SHA-256 (first ``LENGTH`` hex digits) of the number-changing sources under ``root``."""
    h = hashlib.sha256()
    for f in source_files(root, sources):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:LENGTH]
