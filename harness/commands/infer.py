"""``python -m harness infer CONFIG --checkpoint CKPT --features FILE``: detect actions in one video.

Runs one feature file through the config's model, with the config's test-time steps (channel
slice, downsampling, resize, the grid rule) and no annotation file. Writes into ``--out``
(default ``results/infer/<video>/``):

- ``detections.json``: ``{video_id, fps, duration, config, checkpoint, weights, results:
  {video_id: [{label, label_id, score, segment: [start_s, end_s]}]}}``, the top ``--top``
  detections by score, in seconds with class names (ActivityNet results format inside, so
  ``diagnose --predictions`` reads it);
- ``timeline.png``: the detections along time, coloured by class, shaded by score.

``--fps`` defaults to the dataset's ``default_fps``; ``--duration`` to T·feat_stride/fps
(give the video's duration for the exact clipping the official evaluation applies).
Class names come from ``--classes`` (a JSON list, or an annotation JSON with ``label`` and
``label_id``), else from the config's test annotation file when it exists, else ``class_<id>``.
Checkpoints load as in ``test``: ``--official`` for official releases (``weights_only``).
The last line printed is the path of ``detections.json``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "infer"
HELP = "detect actions in one video's feature file (JSON in seconds with class names + timeline PNG)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", help="leaf config of the model")
    p.add_argument("--checkpoint", required=True, help="checkpoint file (.pth / .pth.tar)")
    p.add_argument("--features", required=True, help="feature file of one video ([T, C]: .npy, .pt, .pkl, ...)")
    p.add_argument("--fps", type=float, default=None, help="video frames per second (default: the dataset's)")
    p.add_argument("--duration", type=float, default=None, help="video duration in seconds")
    p.add_argument("--top", type=int, default=200, metavar="K", help="detections kept (default 200)")
    p.add_argument("--out", default=None, help="output folder (default results/infer/<video>)")
    p.add_argument("--official", action="store_true", help="official release (weights_only, 'module.' stripped)")
    p.add_argument("--trust", action="store_true", help="the checkpoint was written by this harness")
    p.add_argument("--classes", default=None, help="class names: JSON list or annotation JSON")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: cuda when available)")
    p.add_argument("--cfg-options", nargs="+", default=None, metavar="KEY=VALUE", help="override config keys")
    p.add_argument("--timeline-top", type=int, default=30, help="detections drawn on the timeline")


def class_names(source: str | None, num_classes: int) -> list[str]:
    """Names by label id from a JSON list or an annotation file; ``class_<id>`` for the rest."""
    from harness.errors import DataError

    names = [f"class_{i}" for i in range(num_classes)]
    if source is None or not Path(source).is_file():
        return names
    try:
        from harness.io import loads_json

        data = loads_json(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{source}: cannot read class names ({exc})") from None
    if isinstance(data, list):
        for i, n in enumerate(data[:num_classes]):
            names[i] = str(n)
        return names
    for video in (data.get("database") or {}).values():
        for ann in video.get("annotations", []) if isinstance(video, dict) else []:
            lid = ann.get("label_id")
            if isinstance(lid, int) and 0 <= lid < num_classes:
                names[lid] = str(ann.get("label"))
    return names


def _pipeline(ds: dict):
    from datasets.base import standard_pipeline
    from harness.registry import TRANSFORMS

    steps = standard_pipeline(is_training=False, downsample_rate=int(ds.get("downsample_rate", 1) or 1),
                              resize_length=ds.get("resize_length"),
                              grid_rule=ds.get("grid_rule", "actionformer"))
    return [TRANSFORMS.build(s) for s in steps]


def run(args: argparse.Namespace) -> int:
    import numpy as np
    import torch
    from mmengine.registry import DefaultScope

    import datasets  # noqa: F401  (registers the transforms)
    import models  # noqa: F401  (registers the models)
    from datasets.collate import tal_collate
    from harness.commands.test import load_weights
    from harness.errors import ConfigError, DataError
    from harness.io import atomic_write_json
    from harness.registry import MODELS
    from harness.runner import load_config, parse_cfg_options
    from reports.diagnosis.inputs import GroundTruth, predictions_from_results
    from reports.diagnosis.timeline import timeline_figure

    feats = Path(args.features)
    if not feats.is_file():
        raise DataError(f"{feats}: feature file not found")
    cfg = load_config(args.config, parse_cfg_options(args.cfg_options))
    ds = dict(cfg.test_dataloader.dataset)
    fps = args.fps or ds.get("default_fps")
    if not fps or fps <= 0:
        raise ConfigError(f"{args.config}: the dataset sets no default_fps; give --fps")
    video = feats.name.split(".")[0]
    info = dict(video_id=video, feat_path=str(feats), fps=float(fps), duration=0.0,
                feat_stride=float(ds["feat_stride"]), feat_num_frames=float(ds["num_frames"]),
                segments_sec=np.zeros((0, 2)), labels=np.zeros(0, dtype=np.int64),
                channels=ds.get("channels"), input_dim=ds.get("input_dim"))
    steps = _pipeline(ds)
    item = steps[0](dict(info))  # load: [C, T]
    length = int(item["feats"].shape[1])
    duration = args.duration if args.duration is not None else length * info["feat_stride"] / fps
    item["duration"] = float(duration)
    for step in steps[1:]:
        item = step(item)
    batch = tal_collate([item])
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    with DefaultScope.overwrite_default_scope("harness"):
        model = MODELS.build(cfg.model)
    weights, key = load_weights(Path(args.checkpoint), official=args.official, trust=args.trust)
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if missing or unexpected:
        raise ConfigError(f"{args.checkpoint}: weights do not fit the config's model: {len(missing)} "
                          f"missing (e.g. {missing[:3]}), {len(unexpected)} unexpected (e.g. {unexpected[:3]})")
    model.to(device).eval()
    with torch.no_grad():
        res = model(batch["inputs"].to(device), batch["masks"].to(device), batch["data_samples"],
                    mode="predict")[0]
    segs = res["segments"].detach().cpu().double().numpy().reshape(-1, 2)  # [M, 2] seconds
    scores = res["scores"].detach().cpu().double().numpy().reshape(-1)  # [M]
    labels = res["labels"].detach().cpu().numpy().astype(np.int64).reshape(-1)  # [M]
    order = np.argsort(-scores, kind="stable")[: max(0, args.top)]
    num_classes = int(cfg.model.get("num_classes", int(labels.max()) + 1 if len(labels) else 1))
    evaluator = cfg.get("test_evaluator") or {}
    names = class_names(args.classes or (evaluator.get("ann_file") if isinstance(evaluator, dict) else None),
                        max(num_classes, int(labels.max()) + 1 if len(labels) else 1))
    dets = [{"label": names[labels[i]], "label_id": int(labels[i]), "score": float(scores[i]),
             "segment": [float(segs[i, 0]), float(segs[i, 1])]} for i in order]
    out = Path(args.out) if args.out else Path("results/infer") / video
    result = {"video_id": video, "fps": float(fps), "duration": float(duration),
              "config": str(args.config), "checkpoint": str(args.checkpoint), "weights": key,
              "device": str(device), "num_features": length,
              "results": {video: dets}, "external_data": {}}
    path = atomic_write_json(out / "detections.json", result)
    gt = GroundTruth(videos=(video,), classes=tuple(names), video=np.zeros(0, np.int64),
                     label=np.zeros(0, np.int64), gt_id=np.zeros(0, np.int64), start=np.zeros(0),
                     end=np.zeros(0), coverage=np.zeros(0), length=np.zeros(0),
                     num_instances=np.zeros(0), duration=np.array([float(duration)]))
    preds = predictions_from_results({video: dets}, gt, str(path))
    timeline_figure(gt, preds, None, [0], out / "timeline.png", f"{video}: top detections",
                    top_k=args.timeline_top)
    for d in dets[:5]:
        print(f"{d['segment'][0]:8.2f} {d['segment'][1]:8.2f}  {d['score']:.3f}  {d['label']}")
    print(f"{len(dets)} detections ({device}) -> {out / 'timeline.png'}")
    print(path)
    return 0
