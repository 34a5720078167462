"""The public annotation files shipped in tests/fixtures/real: whole, unmodified, documented."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real"


def _sums() -> dict[str, str]:
    out = {}
    for line in (FIXTURES / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        out[name] = digest
    return out


def test_every_file_matches_the_upstream_checksum_and_is_documented():
    sums = _sums()
    files = sorted(p.name for p in FIXTURES.glob("*.gz"))
    assert files and sorted(f[:-3] for f in files) == sorted(sums)
    readme = (FIXTURES / "README.md").read_text()
    for name in sums:
        data = gzip.decompress((FIXTURES / f"{name}.gz").read_bytes())
        assert hashlib.sha256(data).hexdigest() == sums[name], name
        assert f"`{name}`" in readme, f"{name}: no source/licence line in README.md"
    assert "CC BY-NC 4.0" in readme and "**training** CSV" in readme


def test_repository_copy_stays_small():
    assert sum(p.stat().st_size for p in FIXTURES.iterdir()) < 3 * 2**20
