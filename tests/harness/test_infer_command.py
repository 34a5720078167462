"""``python -m harness infer``: the README recipe, run as written on a fresh checkpoint."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = "harness/configs/actionformer/synthetic_thumos_like.py"


def _recipe() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- infer-recipe: begin -->\s*```bash\n(.*?)```", text, re.S).group(1)
    return block.replace("\\\n", " ").strip().splitlines()


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    import torch
    from mmengine.registry import DefaultScope

    import models  # noqa: F401
    from harness.registry import MODELS
    from harness.runner import load_config

    tmp = tmp_path_factory.mktemp("infer")
    cfg = load_config(ROOT / CONFIG)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope("harness"):
        model = MODELS.build(cfg.model)
    torch.save({"state_dict_ema": model.state_dict()}, tmp / "epoch_1.pth")
    feats = np.random.default_rng(0).normal(size=(300, 64)).astype(np.float32)  # [T, C]
    np.save(tmp / "video_validation_0000.npy", feats)
    return tmp


def test_readme_recipe_runs(checkpoint, tmp_path):
    lines = _recipe()
    assert lines[0].startswith("CKPT=") and lines[1].startswith("FEATURES=")
    command = lines[2].split("#")[0].strip()
    assert command.startswith("python -m harness infer " + CONFIG)
    command = command.replace("python ", f"{sys.executable} ", 1)
    command = command.replace("results/infer/demo", str(tmp_path / "demo")) + " --trust --device cpu"
    env = dict(os.environ, CKPT=str(checkpoint / "epoch_1.pth"),
               FEATURES=str(checkpoint / "video_validation_0000.npy"), PYTHONPATH=str(ROOT))
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == str(tmp_path / "demo" / "detections.json")
    data = json.loads((tmp_path / "demo" / "detections.json").read_text())
    dets = data["results"]["video_validation_0000"]
    assert 0 < len(dets) <= 100
    assert data["duration"] == pytest.approx(300 * 4 / 30)  # T·stride/fps
    scores = [d["score"] for d in dets]
    assert scores == sorted(scores, reverse=True)
    for d in dets:
        assert 0.0 <= d["segment"][0] <= d["segment"][1] <= data["duration"] + 1e-6
    # names come from the config's annotation file when the synthetic data exists locally
    # (after `make train`), else they are class_<id>
    from harness.commands.infer import class_names
    from harness.runner import load_config

    ann = load_config(ROOT / CONFIG).test_evaluator.get("ann_file")
    names = class_names(ann if ann and (ROOT / ann).is_file() else None, 10**4)
    for d in dets:
        assert d["label"] == names[d["label_id"]]
    assert (tmp_path / "demo" / "timeline.png").stat().st_size > 1000


def test_class_names_and_missing_features(checkpoint, tmp_path, capsys):
    from harness.cli import main

    names = tmp_path / "names.json"
    names.write_text(json.dumps([f"action {i}" for i in range(10)]))
    args = ["infer", CONFIG, "--checkpoint", str(checkpoint / "epoch_1.pth"), "--trust",
            "--features", str(checkpoint / "video_validation_0000.npy"), "--fps", "30",
            "--duration", "20", "--top", "5", "--classes", str(names), "--out", str(tmp_path / "o")]
    assert main(args) == 0
    data = json.loads((tmp_path / "o" / "detections.json").read_text())
    dets = data["results"]["video_validation_0000"]
    assert len(dets) == 5 and all(d["label"] == f"action {d['label_id']}" for d in dets)
    assert max(d["segment"][1] for d in dets) <= 20.0 + 1e-6
    capsys.readouterr()
    bad = list(args)
    bad[bad.index("--features") + 1] = str(tmp_path / "none.npy")
    assert main(bad) == 2
    assert "none.npy: feature file not found" in capsys.readouterr().err


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="no CUDA device")
def test_infer_on_gpu_matches_cpu(checkpoint, tmp_path):
    from harness.cli import main

    out = {}
    for device in ("cpu", "cuda"):
        args = ["infer", CONFIG, "--checkpoint", str(checkpoint / "epoch_1.pth"), "--trust",
                "--features", str(checkpoint / "video_validation_0000.npy"), "--fps", "30",
                "--top", "20", "--device", device, "--out", str(tmp_path / device)]
        assert main(args) == 0
        out[device] = json.loads((tmp_path / device / "detections.json").read_text())
    assert out["cuda"]["device"].startswith("cuda")
    a = out["cpu"]["results"]["video_validation_0000"]
    b = out["cuda"]["results"]["video_validation_0000"]
    assert len(a) == len(b)
    np.testing.assert_allclose([d["score"] for d in a], [d["score"] for d in b], atol=1e-4)
