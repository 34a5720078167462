"""Real shapes, measured on rehearsal data (synthetic features of the real size on the real
annotations, ``python -m harness rehearse``).

Cases (each in a fresh spawned process, so peak RSS is its own):

- **loading**: videos/s and MB/s of the real test dataset of each real format at its real
  size: THUMOS14 I3D ``.npy`` (2048), VideoMAEv2 ``.npy`` (1408), InternVideo2-6B ``.pt``
  (3200, float16), EPIC SlowFast ``.npz`` (2304), ActivityNet TSP ``.npy`` (512), through
  the config's whole pipeline (``FeatureTALDataset[i]``), on the videos closest to the
  median duration (``--pick median``).
- **train step / epoch**: per method, the real ``thumos14_i3d`` config at full width on a
  THUMOS14 rehearsal: seconds per training iteration (difference of a 1- and a 3-iteration
  run, so set-up cancels), peak RSS of the process, inference seconds per median test video;
  extrapolated to one full epoch (200 training videos / batch 2 iterations + 212 test videos
  when the config evaluates every epoch) and to the official schedule (``max_epochs`` of the
  config, the per-epoch test curve where the config records one, then the final test).

Nothing here is timed by the tests (``tests/harness/bench/test_real_shapes_bench.py`` runs
the code at toy sizes and checks the rows).
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

NAME = "real_shapes"
DESCRIPTION = "data loading per real format, THUMOS14-size training step, epoch and schedule extrapolated"

LOADING = (  # (dataset, config whose test set is read, feature set)
    ("thumos14", "actionformer/thumos14_i3d", "i3d"),
    ("thumos14", "actionformer/thumos14_videomaev2", "videomaev2"),
    ("thumos14", "actionformer/thumos14_internvideo2_6b", "internvideo2_6b"),
    ("epic100", "actionformer/epic100_verb_slowfast", "slowfast"),
    ("anet13", "tridet/anet13_tsp", "tsp"),
)
METHODS = ("actionformer", "tridet", "cltdr_gmg")
THUMOS_TRAIN_VIDEOS, THUMOS_TEST_VIDEOS = 200, 212
CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SOURCES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "real"


def _quiet_loaders(batch: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for loader in ("train_dataloader", "val_dataloader", "test_dataloader"):
        out.update({f"{loader}.num_workers": 0, f"{loader}.persistent_workers": False})
    return out


def rehearse_root(dataset: str, out: Path, videos: int, sets: tuple[str, ...] | None = None) -> Path:
    from datasets.real.rehearse import RehearsalSpec, rehearse

    rehearse(RehearsalSpec(dataset=dataset, source_dir=str(SOURCES), feature_sets=sets, videos=videos,
                           pick="median"), out)
    return out


def loading(dataset: str, config: str, feature_set: str, videos: int, root: Path) -> dict[str, float]:
    """Read every test video of the rehearsed root through the config's test dataset."""
    from mmengine.config import Config

    import datasets
    from harness.registry import DATASETS

    rehearse_root(dataset, root, videos, (feature_set,))
    cfg = Config.fromfile(str(CONFIGS / f"{config}.py"))
    datasets.override_data_root(cfg, str(root))
    ds = DATASETS.build(dict(cfg.test_dataloader.dataset, serialize_data=False))
    n = len(ds)
    t0 = time.perf_counter()
    nbytes = 0
    for i in range(n):
        item = ds[i]
        nbytes += item["feats"].numel() * 4
    wall = time.perf_counter() - t0
    return {"videos": n, "seconds": wall, "videos_per_s": n / wall, "mb_per_s": nbytes / 2**20 / wall,
            "steps_per_video": nbytes / 4 / n / item["feats"].shape[0]}


def _train_run(config: Path, root: Path, work: Path, iters: int, overrides: dict) -> float:
    import torch

    from harness.runner import resolve_run_config, runner_from_resolved

    opts = {"schedule": "smoke", **_quiet_loaders(), **overrides}
    resolved = resolve_run_config(config, 0, work, opts, root)
    batch = int(resolved.cfg.train_dataloader.batch_size)
    resolved.cfg.train_dataloader.dataset.indices = batch * iters
    runner = runner_from_resolved(resolved)
    t0 = time.perf_counter()
    runner.train()
    wall = time.perf_counter() - t0
    torch.use_deterministic_algorithms(False)
    assert runner.iter == iters, (runner.iter, iters)
    return wall


def train_probe(method: str, root: Path, work: Path, iters: int = 3, overrides: dict | None = None) -> dict[str, float]:
    """Seconds per iteration, inference seconds per test video and peak RSS of ``method``'s
    ``thumos14_i3d`` on a rehearsal root with at least ``2 * iters`` training videos."""
    from harness.evaluation import run_test
    from harness.runner import load_config, resolve_run_config, runner_from_resolved

    config = CONFIGS / method / "thumos14_i3d.py"
    extra = dict(overrides or {})
    one = _train_run(config, root, work / "one", 1, extra)
    more = _train_run(config, root, work / "more", iters, extra)
    per_iter = (more - one) / (iters - 1)
    resolved = resolve_run_config(config, 0, work / "test", {"schedule": "smoke", **_quiet_loaders(), **extra}, root)
    runner = runner_from_resolved(resolved)
    t0 = time.perf_counter()
    run_test(runner)
    infer = (time.perf_counter() - t0) / len(runner.test_dataloader.dataset)
    cfg = load_config(config, {**_quiet_loaders(), **extra})
    return {
        "train_iter_s": per_iter, "infer_video_s": infer,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "batch_size": float(cfg.train_dataloader.batch_size), "max_epochs": float(cfg.train_cfg.max_epochs),
        "curve_epochs": float(_curve_epochs(cfg)),
    }


def _curve_epochs(cfg) -> int:
    from harness.loops import curve_begin_epoch

    tc = cfg.train_cfg
    if not tc.get("record_test_curve", False):
        return 0
    begin = tc.get("curve_begin")
    begin = curve_begin_epoch(tc.max_epochs) if begin is None else int(begin)
    return int(tc.max_epochs) - begin


def extrapolate(probe: dict[str, float]) -> dict[str, float]:
    """Full THUMOS14 I3D epoch and official schedule from a probe (seconds)."""
    iters = THUMOS_TRAIN_VIDEOS // int(probe["batch_size"])  # drop_last
    epoch = iters * probe["train_iter_s"]
    test = THUMOS_TEST_VIDEOS * probe["infer_video_s"]
    schedule = probe["max_epochs"] * epoch + probe["curve_epochs"] * test + test
    return {"epoch_train_s": epoch, "test_s": test, "schedule_s": schedule}


def _child(args: tuple) -> dict[str, float]:
    import torch

    kind, payload, threads = args
    torch.set_num_threads(threads)
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "loading":
            return loading(*payload, root=Path(tmp) / "root")
        method, videos, iters, overrides = payload
        root = rehearse_root("thumos14", Path(tmp) / "root", videos, ("i3d",))
        return train_probe(method, root, Path(tmp) / "work", iters, overrides)


def _in_child(args: tuple) -> dict[str, float]:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(_child, (args,))


def run(quick: bool, threads: int = 2) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    videos = 4 if quick else 16
    for dataset, config, fs in LOADING:
        res = _in_child(("loading", (dataset, config, fs, videos), threads))
        case = f"{fs} ({dataset}, {int(res['videos'])} median-length test videos)"
        rows.append({"benchmark": NAME, "case": case, "metric": "loading", "value": res["videos_per_s"],
                     "unit": "videos/s", "note": f"{res['mb_per_s']:.0f} MB/s"})
    iters = 2 if quick else 4
    for method in METHODS:
        probe = _in_child(("train", (method, max(2 * iters, 4), iters, {}), threads))
        ext = extrapolate(probe)
        case = f"{method}/thumos14_i3d (full width, {threads} threads)"
        for metric, key, unit in (("train iteration", "train_iter_s", "s"), ("inference per video", "infer_video_s", "s"),
                                  ("peak RSS", "peak_rss_gb", "GB")):
            rows.append({"benchmark": NAME, "case": case, "metric": metric, "value": probe[key], "unit": unit})
        rows.append({"benchmark": NAME, "case": case, "metric": "one epoch (extrapolated)",
                     "value": ext["epoch_train_s"] / 3600, "unit": "h",
                     "note": f"{THUMOS_TRAIN_VIDEOS // int(probe['batch_size'])} iterations"})
        rows.append({"benchmark": NAME, "case": case, "metric": "official schedule (extrapolated)",
                     "value": ext["schedule_s"] / 3600, "unit": "h",
                     "note": f"{int(probe['max_epochs'])} epochs + {int(probe['curve_epochs']) + 1} test passes"})
    return rows
