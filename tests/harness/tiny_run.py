"""Test-only tiny model, dataset, collate and metric for the runner tests.

Registered in the harness registries (force=True, so importing twice is harmless); configs load
them with ``custom_imports=dict(imports=['tests.harness.tiny_run'])``. They follow the shared
contracts (dataset item, collate, model modes) and use every global random generator the real
pieces use: numpy (random crop), torch (dropout), so that resume exactness is tested.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from torch import nn

from harness.registry import DATASETS, FUNCTIONS, METRICS, MODELS


@DATASETS.register_module(force=True)
class TinyTALDataset(BaseDataset):
    """Videos with one planted event per video (features = class direction inside it)."""

    def __init__(self, *, num_videos=8, channels=6, num_classes=2, length=24,
                 random_crop=False, data_seed=0, subset="training", **kwargs):
        self.num_videos, self.channels, self.num_classes = num_videos, channels, num_classes
        self.length, self.random_crop, self.data_seed = length, random_crop, data_seed
        self.subset = subset
        super().__init__(serialize_data=False, lazy_init=False, **kwargs)

    def load_data_list(self):
        rng = np.random.default_rng(self.data_seed)
        items = []
        for i in range(self.num_videos):
            t = self.length - int(rng.integers(0, 6))
            start = int(rng.integers(1, t // 2))
            end = start + int(rng.integers(3, t // 2))
            label = int(rng.integers(0, self.num_classes))
            feats = rng.normal(0, 0.3, size=(self.channels, t)).astype(np.float32)
            feats[label, start:end] += 2.0
            items.append(dict(video_id=f"v{i}", feats=feats, segment=(start, end), label=label))
        return items

    def prepare_data(self, idx):
        info = self.get_data_info(idx)
        feats = torch.from_numpy(info["feats"].copy())
        start, end = info["segment"]
        if self.random_crop:  # numpy global RNG, as the real truncation transform
            cut = int(np.random.randint(0, 3))
            feats = feats[:, : feats.shape[1] - cut]
            end = min(end, feats.shape[1])
        return dict(
            feats=feats,
            segments=torch.tensor([[float(start), float(end)]]),
            labels=torch.tensor([info["label"]]),
            video_id=info["video_id"],
            fps=30.0,
            duration=feats.shape[1] * 4 / 30.0,
            feat_stride=4.0,
            feat_num_frames=16.0,
        )


@FUNCTIONS.register_module(force=True)
def tiny_collate(batch):
    t_max = max(b["feats"].shape[1] for b in batch)
    inputs = torch.zeros(len(batch), batch[0]["feats"].shape[0], t_max)
    masks = torch.zeros(len(batch), 1, t_max, dtype=torch.bool)
    samples = []
    for i, b in enumerate(batch):
        t = b["feats"].shape[1]
        inputs[i, :, :t] = b["feats"]
        masks[i, 0, :t] = True
        samples.append({**{k: v for k, v in b.items() if k != "feats"}, "feat_len": t})
    return dict(inputs=inputs, masks=masks, data_samples=samples)


@MODELS.register_module(force=True)
class TinyTALModel(BaseModel):
    """Conv1d -> LayerNorm -> dropout -> Linear per step; loss normalised by a Python float."""

    def __init__(self, *, in_channels=6, num_classes=2, width=8, nan_after=None):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, width, 3, padding=1)
        self.norm = nn.LayerNorm(width)
        self.drop = nn.Dropout(0.2)
        self.cls = nn.Linear(width, num_classes)
        self.num_classes = num_classes
        # official-style float state, not in the state_dict (as models.losses.LossNormalizer)
        self.loss_normalizer = SimpleNamespace(value=10.0)
        self.nan_after = nan_after
        self.steps = 0

    def _logits(self, inputs):
        x = self.conv(inputs).transpose(1, 2)  # [B, T, W]
        return self.cls(self.drop(torch.relu(self.norm(x))))  # [B, T, K]

    def _targets(self, masks, data_samples):
        tgt = torch.zeros(masks.shape[0], masks.shape[2], self.num_classes)
        for i, s in enumerate(data_samples):
            for (a, b), c in zip(s["segments"].tolist(), s["labels"].tolist()):
                tgt[i, int(a):int(b), c] = 1.0
        return tgt

    def forward(self, inputs, masks, data_samples=None, mode="tensor"):
        logits = self._logits(inputs)
        if mode == "tensor":
            return logits
        valid = masks[:, 0, :].float()  # [B, T]
        if mode == "loss":
            self.steps += 1
            tgt = self._targets(masks, data_samples)
            per = nn.functional.binary_cross_entropy_with_logits(logits, tgt, reduction="none")
            num_pos = float(tgt.sum())
            norm = 0.9 * self.loss_normalizer.value + 0.1 * max(num_pos, 1.0)
            self.loss_normalizer.value = norm
            loss = (per.sum(-1) * valid).sum() / norm
            if self.nan_after is not None and self.steps > self.nan_after:
                loss = loss * float("nan")
            return dict(loss_cls=loss, num_pos=torch.tensor(num_pos))
        return self._predict(logits.sigmoid(), valid, data_samples)

    def _predict(self, probs, valid, data_samples):
        out = []
        for i, s in enumerate(data_samples):
            segs, scores, labels = [], [], []
            p = probs[i] * valid[i][:, None]  # [T, K]
            for c in range(self.num_classes):
                on = (p[:, c] > 0.5).tolist() + [False]
                start = None
                for t, flag in enumerate(on):
                    if flag and start is None:
                        start = t
                    elif not flag and start is not None:
                        segs.append([start * 4 / 30.0, t * 4 / 30.0])
                        scores.append(float(p[start:t, c].mean()))
                        labels.append(c)
                        start = None
            out.append(dict(video_id=s["video_id"], segments=torch.tensor(segs).reshape(-1, 2),
                            scores=torch.tensor(scores), labels=torch.tensor(labels, dtype=torch.long)))
        return out


@METRICS.register_module(force=True)
class TinyScoreMetric(BaseMetric):
    """Not an mAP: a deterministic function of the predictions, named like the real metric."""

    default_prefix = ""  # unprefixed keys, as TemporalMAPMetric (and no missing-prefix warning)

    def process(self, data_batch, data_samples):
        for pred in data_samples:
            self.results.append(float(pred["scores"].sum()) + len(pred["scores"]))

    def compute_metrics(self, results):
        value = math.tanh(sum(results) / 100.0)
        return {"mAP@0.50": value, "average_mAP": value}


from mmengine.hooks import Hook  # noqa: E402

from harness.registry import HOOKS  # noqa: E402


@HOOKS.register_module(force=True)
class WeightRecorderHook(Hook):
    """Keeps the initial weights and the weights after every optimiser step (tests only)."""

    priority = "LOWEST"
    instances: list = []

    def __init__(self):
        self.initial = None
        self.after_step = []
        WeightRecorderHook.instances.append(self)

    def _state(self, runner):
        model = runner.model.module if hasattr(runner.model, "module") else runner.model
        return {k: v.detach().clone() for k, v in model.state_dict().items()}

    def before_train(self, runner):
        self.initial = self._state(runner)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.after_step.append(self._state(runner))


@HOOKS.register_module(force=True)
class InterruptHook(Hook):
    """Raises after the checkpoint of epoch ``after_epoch`` (1-based) is written (tests only)."""

    priority = "LOWEST"

    def __init__(self, after_epoch=None):
        self.after_epoch = after_epoch

    def after_train_epoch(self, runner):
        if self.after_epoch is not None and runner.epoch + 1 == self.after_epoch:
            raise RuntimeError(f"interrupted after epoch {self.after_epoch}")
