"""The CLI stays instant: --help imports no command module and no heavy library, each
SUBCOMMAND --help only light ones, and evaluate runs without torch and mmengine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "mmengine", "numpy", "pandas", "scipy", "matplotlib")
PROBE = """
import contextlib, io, json, sys
from harness.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main({argv!r})
    except SystemExit as exc:
        code = exc.code
print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}))
"""


def _probe(argv: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.splitlines()[-1])


def _tops(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_top_level_help_imports_no_command_module():
    got = _probe(["--help"])
    assert got["code"] == 0
    assert not [m for m in got["modules"] if m.startswith("harness.commands.")]
    assert not _tops(got["modules"]) & set(HEAVY)


def test_every_subcommand_help_is_light():
    from harness.cli import command_names

    names = command_names()
    assert {"evaluate", "train", "show-config", "sweep"} <= set(names)
    for name in names:
        got = _probe([name, "--help"])
        assert got["code"] == 0, name
        heavy = _tops(got["modules"]) & set(HEAVY)
        assert not heavy, f"{name} --help imports {sorted(heavy)}"
        loaded = {m for m in got["modules"] if m.startswith("harness.commands.")}
        assert len(loaded) == 1, (name, loaded)


def test_evaluate_imports_neither_torch_nor_mmengine(tmp_path):
    ann = tmp_path / "gt.json"
    ann.write_text(json.dumps({"database": {"v1": {
        "subset": "validation", "duration": 10.0,
        "annotations": [{"segment": [1.0, 3.0], "label": "jump", "label_id": 0}]}}}))
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps({"results": {"v1": [
        {"label": 0, "score": 0.9, "segment": [1.0, 3.0]}]}}))
    got = _probe(["evaluate", "--ground-truth", str(ann), "--predictions", str(pred), "--json"])
    assert got["code"] == 0
    assert "harness.metrics.detection" in got["modules"]  # it did evaluate
    assert not _tops(got["modules"]) & {"torch", "mmengine"}


def test_command_list_comes_from_literals_without_importing(monkeypatch):
    import harness.cli as cli

    imported = []
    real = cli.importlib.import_module
    monkeypatch.setattr(cli.importlib, "import_module", lambda name: imported.append(name) or real(name))
    parser = cli.build_parser(["evaluate", "--json"])
    assert imported == ["harness.commands.evaluate"]
    assert "show-config" in parser.format_help()
