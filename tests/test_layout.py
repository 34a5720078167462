"""The generic package names resolve to this project's folders, and the CLI is wired."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["harness", "models", "baselines", "datasets", "reports"])
def test_packages_resolve_inside_repository(name):
    mod = __import__(name)
    assert Path(mod.__file__).resolve().is_relative_to(ROOT / name), mod.__file__


def test_cli_help_lists_subcommands():
    out = subprocess.run(
        [sys.executable, "-m", "harness", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "registry" in out and "bench" in out


def test_harness_error_is_one_line(tmp_path, capsys):
    import harness.commands.registry as reg
    from harness.cli import main

    # a subcommand failing with HarnessError prints one line and exits non-zero
    from harness.errors import DataError

    orig = reg.run
    try:
        def boom(args):
            raise DataError(f"{tmp_path / 'x.json'}: malformed JSON")
        reg.run = boom
        code = main(["registry"])
    finally:
        reg.run = orig
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and "x.json" in err


def test_atomic_write_json_replaces_whole_file(tmp_path):
    import json

    from harness.io import atomic_write_json

    p = atomic_write_json(tmp_path / "a" / "r.json", {"x": 1})
    atomic_write_json(p, {"x": 2})
    assert json.loads(p.read_text()) == {"x": 2}
    assert [f.name for f in p.parent.iterdir()] == ["r.json"]
    import os

    mask = os.umask(0)
    os.umask(mask)
    assert p.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600
    with pytest.raises(ValueError):
        atomic_write_json(p, {"x": float("nan")})
    assert json.loads(p.read_text()) == {"x": 2}
