"""harness/EXTENDING.md, followed literally in a scratch copy of the tree.

Blocks marked ``file=PATH`` are written to ``PATH``; ``bash`` blocks run line by line (a
trailing backslash continues a line) from the root of a scratch copy of the tree (code and
configs); ``bash norun`` blocks are parsed against the CLI only.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "harness" / "EXTENDING.md"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.M | re.S)


def _blocks() -> list[tuple[str, str, str]]:
    """(language, info after the language, text) of every fenced block, in order."""
    return [(m.group(1), m.group(2).strip(), m.group(3)) for m in FENCE.finditer(GUIDE.read_text())]


def _commands(text: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def _harness_argv(command: str) -> list[str] | None:
    argv = shlex.split(command)
    if "-m" in argv and argv[argv.index("-m") + 1] == "harness":
        return argv[argv.index("-m") + 2:]
    return None


PACKAGES = ("harness", "models", "baselines", "datasets", "reports")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A scratch copy of the tree (code and configs, no results) with the guide's files
    written at their paths: the guide's commands run from its root as from a checkout."""
    root = tmp_path_factory.mktemp("guide")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=ignore)
    for _lang, info, text in _blocks():
        m = re.search(r"file=(\S+)", info)
        if m:
            path = root / m.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return root


def test_guide_declares_the_recipes():
    text = GUIDE.read_text()
    for heading in ("A new method", "A new dataset", "A new experiment", "GPUs, DDP and Slurm"):
        assert heading in text
    assert "custom_imports = dict(imports=['my_tal.conv_block']" in text
    files = [re.search(r"file=(\S+)", info).group(1) for _, info, _ in _blocks() if "file=" in info]
    assert "my_tal/conv_block.py" in files and "my_experiment.json" in files


def test_every_command_of_the_guide_parses():
    parser = build_parser()
    seen = 0
    for lang, _info, text in _blocks():
        if lang != "bash":
            continue
        for command in _commands(text):
            argv = _harness_argv(command)
            if argv is None:
                continue
            parser.parse_args(argv)  # SystemExit on an unknown option
            seen += 1
    assert seen >= 12


def test_recipes_run_as_written(scratch):
    env = dict(os.environ, PYTHONPATH=str(scratch), HARNESS_NO_PROGRESS="1", COLUMNS="250")
    ran = []
    for lang, info, text in _blocks():
        if lang != "bash" or "norun" in info:
            continue
        for command in _commands(text):
            if command.startswith("export "):
                continue  # the same PYTHONPATH is set above
            argv = shlex.split(command)
            if argv[0] == "python":
                argv[0] = sys.executable
            proc = subprocess.run(argv, cwd=scratch, env=env, capture_output=True, text=True,
                                  timeout=900)
            assert proc.returncode == 0, f"{command}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            ran.append((command, proc.stdout))
    assert len(ran) == 5
    # the new method trained and left a record in the sweep's folder for its config
    record = scratch / "results/runs/convdet/synthetic_thumos_like__mid/seed0/record.json"
    data = json.loads(record.read_text())
    assert data["status"] == "ok" and data["model"] == "convdet" and len(data["mAP"]) == 5
    # check-data found the toy dataset clean, the sweep planned both rows x 3 seeds
    assert any("check-data" in c for c, _ in ran)
    plan = next(out for c, out in ran if "--dry-run" in c)
    assert "convdet/synthetic_thumos_like__mid-5ep" in plan and "actionformer" in plan
