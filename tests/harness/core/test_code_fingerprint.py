"""Code fingerprint: changes with the sources that change numbers, and only with them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from harness.core.fingerprint import code_fingerprint, source_files
from harness.manifest import RunManifest


def _tree(root: Path) -> Path:
    for rel, text in {"models/a.py": "x = 1\n", "datasets/t.py": "y = 2\n",
                      "harness/configs/c.py": "lr = 0.1\n", "harness/cli.py": "cli\n",
                      "README.md": "doc\n", "tests/test_a.py": "t\n"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_fingerprint_follows_number_changing_sources_only(tmp_path):
    root = _tree(tmp_path / "repo")
    before = code_fingerprint(root)
    assert [f.relative_to(root).as_posix() for f in source_files(root)] == [
        "datasets/t.py", "harness/configs/c.py", "models/a.py"]
    (root / "README.md").write_text("other doc\n")
    (root / "harness/cli.py").write_text("other cli\n")
    (root / "tests/test_a.py").write_text("other test\n")
    assert code_fingerprint(root) == before
    (root / "harness/configs/c.py").write_text("lr = 0.2\n")
    assert code_fingerprint(root) != before
    # the location of the checkout does not matter
    copy = shutil.copytree(root, tmp_path / "elsewhere")
    assert code_fingerprint(copy) == code_fingerprint(root)
    # a renamed file changes it (the path is hashed)
    (root / "models/a.py").rename(root / "models/b.py")
    assert code_fingerprint(root) != code_fingerprint(copy)


def test_old_manifests_read_without_fingerprint():
    m = RunManifest.from_json(dict(git_sha=None, git_dirty=None, config_hash="h", seed=0))
    assert m.code_fingerprint == ""
    assert RunManifest.from_json(m.to_json()) == m


def test_freshness_banner_only_when_runs_differ(tmp_path):
    from harness.reporting.freshness import code_check

    root = _tree(tmp_path / "repo")
    now = code_fingerprint(root)
    runs = pd.DataFrame(dict(run_name=["r", "r", "s"], seed=[0, 0, 1], code_fingerprint=[now, now, ""]))
    banner, line = code_check(runs, root)
    assert banner == "" and now in line and "1 run(s) recorded before code fingerprints" in line
    runs.loc[2, "code_fingerprint"] = "0123456789abcdef"
    banner, _ = code_check(runs, root)
    assert banner.startswith("Not fresh: 1 of 2 runs") and "0123456789abcdef" in banner


def test_manifest_records_the_working_tree_fingerprint():
    from harness.manifest import REPO_ROOT, collect_manifest

    m = collect_manifest(config_hash="h", seed=0)
    assert m.code_fingerprint == code_fingerprint(REPO_ROOT) and len(m.code_fingerprint) == 16
    assert m.to_json()["code_fingerprint"] == m.code_fingerprint
