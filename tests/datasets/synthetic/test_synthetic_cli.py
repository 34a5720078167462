"""``make-data synthetic`` and ``trivial-baseline`` through the CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys

from harness.cli import main


def test_make_data_creates_keeps_refuses_and_forces(tmp_path, capsys):
    out = tmp_path / "anet"
    args = ["make-data", "synthetic", "--preset", "anet-like", "--num-train", "2", "--num-test", "2",
            "--out", str(out)]
    assert main(args) == 0
    assert "created" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["preset"], manifest["quality"], manifest["seed"]) == ("anet-like", "mid", 0)
    assert (out / "video_scores.json").is_file() and len(list((out / "features").iterdir())) == 4

    assert main(args) == 0
    assert "already holds this dataset" in capsys.readouterr().out

    assert main(args + ["--seed", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "--force" in err
    assert json.loads((out / "manifest.json").read_text())["seed"] == 0

    assert main(args + ["--seed", "5", "--force"]) == 0
    assert "replaced" in capsys.readouterr().out
    assert json.loads((out / "manifest.json").read_text())["seed"] == 5


def test_make_data_help_lists_presets():
    out = subprocess.run([sys.executable, "-m", "harness", "make-data", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "thumos-like" in out and "--quality" in out and "--force" in out


def test_trivial_baseline_json(small_sets, capsys):
    assert main(["trivial-baseline", str(small_sets["thumos-like"]), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dataset"]["preset"] == "thumos-like" and len(out["tiou"]) == 5
    assert out["oracle"]["mAP"] == [1.0] * 5 and out["oracle"]["average_mAP"] == 1.0
    assert 0.0 <= out["trivial"]["average_mAP"] < 1.0 and len(out["trivial"]["mAP"]) == 5


def test_trivial_baseline_table_and_missing_folder(small_sets, tmp_path, capsys):
    assert main(["trivial-baseline", str(small_sets["anet-like"])]) == 0
    out = capsys.readouterr().out
    assert "oracle" in out and "100.0" in out and "trivial" in out
    assert main(["trivial-baseline", str(tmp_path / "nothing")]) == 2
    assert "no manifest.json" in capsys.readouterr().err
