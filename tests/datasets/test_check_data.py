"""python -m harness check-data: exit codes, the summary table, every finding reported."""

from __future__ import annotations

import numpy as np
import pytest

from datasets.checks import check_dataset
from harness.cli import main

CONFIG = """
data_root = {root!r}
_data = dict(type='FeatureTALDataset', data_root=data_root, ann_file='annotations.json',
             feat_dir='features', num_classes=3, input_dim=8, feat_stride=4, num_frames=16)
train_dataloader = dict(batch_size=2, dataset=dict(_data, subset='training', is_training=True,
                                                   max_seq_len=64))
val_dataloader = dict(batch_size=1, dataset=dict(_data, subset='validation'))
test_dataloader = val_dataloader
val_evaluator = dict(type='TemporalMAPMetric', ann_file=f'{{data_root}}/annotations.json',
                     subset='validation')
del _data
"""


@pytest.fixture
def config(tal_data, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "cfg.py"
    path.write_text(CONFIG.format(root=str(tal_data.root)))
    return path


def test_clean_data_exit_0_with_table(config, capsys):
    assert main(["check-data", str(config)]) == 0
    out = capsys.readouterr().out
    assert "videos" in out and "warnings" in out and "ok: no errors" in out
    rows = [[c.strip() for c in line.split("│")[1:-1]]
            for line in out.splitlines() if "FeatureTALDataset" in line]
    # train, then val + test merged (identical datasets): dataset, split, videos, GT, errors, warnings
    assert len(rows) == 2
    assert rows[0][0].endswith("annotations.json [training]") and rows[0][1:] == ["train", "3", "5", "0", "0"]
    assert rows[1][0].endswith("[validation]") and rows[1][1:] == ["val, test", "2", "2", "0", "0"]


def test_every_problem_reported_exit_1(config, tal_data, capsys):
    (tal_data.feat_dir / "vid_a.npy").unlink()
    (tal_data.feat_dir / "vid_b.npy").write_bytes(b"\x93NUMPY garbage")
    arr = np.load(tal_data.feat_dir / "vid_c.npy")
    arr[0, 0] = np.inf
    np.save(tal_data.feat_dir / "vid_c.npy", arr)
    np.save(tal_data.feat_dir / "vid_d.npy", np.zeros((10, 8), np.float32))  # 16 s would be ~120
    tal_data.db["vid_e"]["annotations"][0]["segment"] = [2.0, 0.5]
    tal_data.write_ann()
    assert main(["check-data", str(config)]) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert "vid_a" in out and "feature files missing" in out
    assert "vid_b.npy: unreadable feature file" in out
    assert "vid_c.npy: 1 non-finite" in out
    assert "vid_d.npy" in out and "10 feature steps" in out
    assert "'vid_e' annotation 0: end 0.5 < start 2.0" in out
    assert captured.err.startswith("error: check-data: 3 error(s)") and captured.err.count("\n") == 1


def test_data_root_override_and_split(tal_data, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "moved.py"
    path.write_text(CONFIG.format(root=str(tmp_path / "nowhere")))
    assert main(["check-data", str(path), "--split", "val"]) == 1
    capsys.readouterr()
    assert main(["check-data", str(path), "--data-root", str(tal_data.root), "--split", "train"]) == 0
    out = capsys.readouterr().out
    assert "train" in out and "val, test" not in out


def test_missing_config_is_exit_2(tmp_path, capsys):
    assert main(["check-data", str(tmp_path / "none.py")]) == 2
    assert "error:" in capsys.readouterr().err


def test_config_with_bad_dataset_args_is_reported(tal_data, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "bad.py"
    path.write_text(CONFIG.format(root=str(tal_data.root)).replace("input_dim=8", "input_dim=8, bogus=1"))
    assert main(["check-data", str(path)]) == 1
    assert "cannot build the train dataset" in capsys.readouterr().out


def test_check_dataset_counts(tal_data):
    ds = tal_data.dataset(lazy_init=True)
    result = check_dataset(ds, split="train")
    assert (result.num_videos, result.num_gt, result.errors, result.warnings) == (3, 5, [], [])


def test_annotation_checksum_printed(config, tal_data, capsys):
    import hashlib

    assert main(["check-data", str(config)]) == 0
    digest = hashlib.sha256(tal_data.ann.read_bytes()).hexdigest()
    assert f"sha256 {digest}  {tal_data.ann}" in capsys.readouterr().out
