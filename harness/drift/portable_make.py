"""``drift --portable --update``: (re)generate the portable drift artefacts in one command.

Writes into ``results/baselines/portable/`` (see :mod:`harness.drift.portable`):

- ``data/``: the synthetic thumos-like set (8 training, 4 test videos, data seed 0);
- ``evaluator/*.json`` + expectations: prediction files drawn from the test ground truth
  (jittered true positives, duplicates, false positives on other classes, tied scores, labels
  by name, a video without ground truth) and their exact results;
- ``train_batches.pt`` / ``test_batches.pt``: collated batches (random crops drawn with seed 0);
- ``<method>/weights.pt``: the checkpoint of layers (b) and (c): the method's initialisation
  (seed 0) trained for FIT_ITERS iterations on the training videos;
- ``<method>/after.pt``: the weights after layer (c)'s TRAIN_ITERS iterations;
- ``expected.json``: every expected value, the tolerances and the numerics of the machine
  that generated them.

Regenerate after a deliberate change of the numerics (model code, evaluator, optimiser).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from harness.drift import portable as P


def _collate_batches(dataset_cfg: dict, batch_size: int, n: int | None, seed: int) -> list[dict]:
    """``n`` batches of a seeded random order (cycling), or, with ``n`` None, every item in
    order; random crops are drawn from the seeded global generators."""
    import torch

    from datasets.collate import tal_collate
    from harness.registry import DATASETS

    P.seed_all(seed)
    ds = DATASETS.build(dict(dataset_cfg))
    if n is None:
        order = list(range(len(ds)))
        return [tal_collate([ds[k] for k in order[i:i + batch_size]]) for i in range(0, len(order), batch_size)]
    order = torch.randperm(len(ds), generator=torch.Generator().manual_seed(seed)).tolist()
    return [tal_collate([ds[order[(b * batch_size + j) % len(order)]] for j in range(batch_size)])
            for b in range(n)]


def _predictions(gt_path: Path, seed: int) -> dict[str, dict]:
    """Three prediction files over the test ground truth (see the module docstring)."""
    from datasets.annotations import load_annotations

    videos = [v for v in load_annotations(gt_path) if v.subset == "validation"]
    rng = np.random.default_rng(seed)
    files: dict[str, dict] = {"jitter.json": {}, "names_ties.json": {}, "extra_video.json": {}}
    for v in videos:
        dets, named = [], []
        ids = v.label_ids.tolist() if v.label_ids is not None else list(v.labels)
        for (s, e), label, lab_id in zip(v.segments.tolist(), v.labels, ids):
            for _ in range(3):
                js, je = rng.normal(0, 0.15 * (e - s), 2)
                dets.append({"label": lab_id, "score": float(rng.uniform(0.2, 1.0)),
                             "segment": [float(s + js), float(max(s + js + 0.1, e + je))]})
            named.append({"label": label, "score": 0.5, "segment": [float(s), float(e)]})  # tied scores
        for _ in range(5):  # false positives
            s = float(rng.uniform(0, v.duration - 2))
            dets.append({"label": dets[0]["label"], "score": float(rng.uniform(0, 0.6)),
                         "segment": [s, s + float(rng.uniform(0.5, 5))]})
        files["jitter.json"][v.video_id] = dets
        files["names_ties.json"][v.video_id] = named + [dict(d, score=0.5) for d in dets[:4]]
        files["extra_video.json"][v.video_id] = dets[::2]
    files["extra_video.json"]["not_in_ground_truth"] = [dict(d) for d in dets[:3]]
    return {name: {"version": "portable-drift", "results": res} for name, res in files.items()}


def _fit(model, cfg, batches: list[dict], iters: int) -> None:
    """FIT_ITERS iterations cycling through ``batches`` (makes a checkpoint that detects)."""
    P.train_steps(model, cfg, [batches[i % len(batches)] for i in range(iters)], P.SEED)


def generate(root: Path = P.ROOT, log=print) -> Path:
    """Write every artefact under ``root`` (replacing the previous ones); returns expected.json."""
    from datasets.synthetic.generator import SyntheticSpec, write_dataset
    from harness.io import atomic_write_json
    from harness.manifest import library_versions, numerics_info, numerics_key
    from harness.metrics import evaluate_detection, load_ground_truth, load_predictions

    root = Path(root)
    spec = SyntheticSpec(P.DATA["preset"], P.DATA["quality"], P.DATA["seed"],
                         num_train=P.DATA["num_train"], num_test=P.DATA["num_test"])
    write_dataset(spec, root / "data", force=True)
    gt_path = root / "data" / "annotations.json"
    expected: dict = {"schema": P.SCHEMA, "tolerance": P.TOL, "versions": library_versions(),
                      "numerics": numerics_info(), "evaluator": {}, "inference": {}, "training": {}}
    expected["numerics_key"] = numerics_key(expected["numerics"])

    shutil.rmtree(root / "evaluator", ignore_errors=True)
    for name, blob in _predictions(gt_path, P.SEED).items():
        atomic_write_json(root / "evaluator" / name, blob, indent=None)
        for subset, reference in (("validation", False), ("validation", True)):
            key = name if not reference else f"{name}#reference"
            res = evaluate_detection(load_ground_truth(gt_path, subset), load_predictions(root / "evaluator" / name),
                                     np.linspace(0.3, 0.7, 5), reference=reference)
            result = res.to_json()
            result.pop(P.PATH_KEY, None)
            expected["evaluator"][key] = {"subset": subset, "reference": reference, "result": result}
    log(f"(a) {len(expected['evaluator'])} evaluator results")

    cfg0 = P.method_cfg("actionformer", root)
    size = cfg0.train_dataloader.batch_size
    train_batches = _collate_batches(cfg0.train_dataloader.dataset, size, P.TRAIN_ITERS, P.SEED)
    fit_batches = _collate_batches(cfg0.train_dataloader.dataset, size, 6, P.SEED + 1)
    test_batches = _collate_batches(cfg0.test_dataloader.dataset, 1, None, P.SEED)
    _save(root / "train_batches.pt", train_batches)
    _save(root / "test_batches.pt", test_batches)
    for method in P.METHODS:
        cfg = P.method_cfg(method, root)
        P.seed_all(P.SEED)
        model = P.build_model(cfg)
        _fit(model, cfg, fit_batches, P.FIT_ITERS)
        weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
        _save(root / method / "weights.pt", weights)
        outs = P.infer(model, test_batches)
        res = P.score(cfg, root, outs)
        expected["inference"][method] = {"mAP": list(res.mAP), "average_mAP": res.average_mAP,
                                         "detections": P.top_detections(outs)}
        model = P.build_model(cfg)  # fresh: plain Python state (loss normaliser) as the check has it
        model.load_state_dict(weights)
        steps = P.train_steps(model, cfg, train_batches, P.SEED)
        _save(root / method / "after.pt", {k: v.detach().clone() for k, v in model.state_dict().items()})
        expected["training"][method] = {"iterations": steps}
        log(f"(b) {method}: average mAP {100 * res.average_mAP:.2f}; (c) losses "
            + ", ".join(f"{s['loss']:.4f}" for s in steps))
    return atomic_write_json(root / P.EXPECTED, expected, indent=1)


def _save(path: Path, obj) -> None:
    import io

    import torch

    from harness.io import atomic_write_bytes

    buf = io.BytesIO()
    torch.save(obj, buf)
    atomic_write_bytes(path, buf.getvalue())
