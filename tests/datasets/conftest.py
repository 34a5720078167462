"""A tiny on-disk TAL dataset (annotation JSON + .npy features) for the data-layer tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

C = 8
STRIDE, FRAMES, FPS = 4, 16, 30.0


@dataclass
class TalData:
    root: Path
    ann: Path
    feat_dir: Path
    db: dict

    def write_ann(self) -> None:
        self.ann.write_text(json.dumps({"version": "tiny", "database": self.db}))

    def dataset(self, **kw):
        from datasets import FeatureTALDataset

        args = dict(data_root=str(self.root), ann_file="annotations.json", feat_dir="features",
                    subset="training", num_classes=3, input_dim=C, feat_stride=STRIDE,
                    num_frames=FRAMES)
        args.update(kw)
        return FeatureTALDataset(**args)


def _video(subset, duration, anns):
    return {"subset": subset, "duration": duration, "fps": FPS,
            "annotations": [{"label": n, "label_id": i, "segment": list(s)} for n, i, s in anns]}


@pytest.fixture
def tal_data(tmp_path) -> TalData:
    """3 training + 2 validation videos, labels a/b/c (ids 0/1/2), C = 8 features."""
    db = {
        "vid_a": _video("training", 20.0, [("a", 0, (2.0, 5.0)), ("b", 1, (8.0, 12.5))]),
        "vid_b": _video("training", 12.0, [("c", 2, (1.0, 3.0))]),
        "vid_c": _video("training", 30.0, [("a", 0, (10.0, 20.0)), ("c", 2, (21.0, 22.0))]),
        "vid_d": _video("validation", 16.0, [("b", 1, (3.0, 6.0))]),
        "vid_e": _video("validation", 10.0, [("a", 0, (0.5, 2.0))]),
    }
    feat_dir = tmp_path / "features"
    feat_dir.mkdir()
    rng = np.random.default_rng(0)
    for vid, entry in db.items():
        steps = int(entry["duration"] * FPS / STRIDE) - 3  # (frames - clip)/stride + 1
        np.save(feat_dir / f"{vid}.npy", rng.standard_normal((steps, C)).astype(np.float32))
    data = TalData(tmp_path, tmp_path / "annotations.json", feat_dir, db)
    data.write_ann()
    return data
