"""One-line errors (not tracebacks) for output folders that are files, lie under a file or are
read-only, and for results / data roots that do not exist."""

from __future__ import annotations

import errno
import os

import pytest
from runner_helpers import TINY_CONFIG

from harness.cli import main
from harness.errors import HarnessError
from harness.io import ensure_output_dir


def _one_line_error(capsys, argv, *needles):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for n in needles:
        assert n in err, err
    return err


@pytest.fixture
def a_file(tmp_path):
    f = tmp_path / "a_file"
    f.write_text("x")
    return f


@pytest.mark.parametrize("cmd", ["train", "test"])
def test_work_dir_is_a_file_or_under_a_file(cmd, a_file, capsys):
    extra = ["--checkpoint", str(a_file)] if cmd == "test" else []
    _one_line_error(capsys, [cmd, str(TINY_CONFIG), *extra, "--work-dir", str(a_file)], "is a file")
    _one_line_error(capsys, [cmd, str(TINY_CONFIG), *extra, "--work-dir", str(a_file / "sub")],
                    "lies under", "which is a file")


def test_aggregate_and_report_out_under_a_file(a_file, tmp_path, capsys):
    (tmp_path / "runs").mkdir()
    _one_line_error(capsys, ["aggregate", "table1", "--results", str(tmp_path / "runs"),
                             "--out", str(a_file), "--bootstrap", "0"], "lies under")
    _one_line_error(capsys, ["report", "table1", "--out", str(a_file), "--tables", str(tmp_path / "t")],
                    "is a file")


def test_make_data_out_is_a_file(a_file, capsys):
    _one_line_error(capsys, ["make-data", "synthetic", "--preset", "anet-like", "--num-train", "1",
                             "--num-test", "1", "--out", str(a_file)], "is a file")


def test_aggregate_of_a_missing_results_folder_fails(tmp_path, capsys):
    _one_line_error(capsys, ["aggregate", "table1", "--results", str(tmp_path / "nonexistent"),
                             "--out", str(tmp_path / "t")], "results folder does not exist")


def test_check_data_never_creates_data_under_a_missing_root(tmp_path, capsys):
    root = tmp_path / "nonexistent"
    _one_line_error(capsys, ["check-data", "harness/configs/actionformer/synthetic_thumos_like.py",
                             "--data-root", str(root)], "does not exist", "never creates it")
    assert not root.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_dir(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(HarnessError, match="read-only|cannot create"):
            ensure_output_dir(ro / "x")
    finally:
        ro.chmod(0o755)


def test_a_late_file_system_refusal_is_one_line(monkeypatch, tmp_path, capsys):
    """Whatever command hits a read-only file system gets `error: FILE: reason`."""
    import harness.commands.make_data as md

    def refuse(args):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / "out" / "x.json"))

    monkeypatch.setattr(md, "run", refuse)
    _one_line_error(capsys, ["make-data", "synthetic", "--preset", "anet-like"],
                    "x.json: Read-only file system")
