"""Speed and memory of the detectors at THUMOS14 I3D scale (``python -m harness bench --only models``).

Per model, device and mode: a training step (forward + backward + AdamW step, batch 2,
T 2304, C_in 2048, dims 512, the official THUMOS config) and inference of one 2304-step video
including Soft-NMS; medians over iterations, peak memory. Modes: ``plain`` (the PyTorch
blocks as built) and ``compiled`` (the ``torch_compile`` speed switch,
:mod:`models.detectors.compile`; compilation happens in the warm-up calls and its time is a
row of its own). Each case runs in a fresh process (spawn) with 2 torch threads so peak RSS
is its own. ActionFormer, TriDet and CLTDR-GMG are entries of ``MODELS``; the official CPU
timings are the ranges of issue #15 (official code, two rounds on one of these 2-core
machines, same process layout), and every CPU row gives its ratio to them.

Also Table 8's parameter counts (models built on the meta device, no memory or time): the
CLTDR-GMG backbone and total with the FFT global extractor and with self-attention, for the
I3D input of the paper's 9.5M and for the InternVideo2-6B input of the ablation config, beside
the paper's 9.5M / 26.1M (models.md §4.5).
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME = "models"
DESCRIPTION = "detector training step and per-video inference at THUMOS14 I3D scale (T 2304)"

ROOT = Path(__file__).resolve().parents[2]
THREADS = 2
BATCH, LENGTH, INPUT_DIM, NUM_CLASSES = 2, 2304, 2048, 20


@dataclass(frozen=True)
class BenchModel:
    """A benchmarked model: its base config and the official timings on 2 CPU cores.

    Attributes:
        config: model base config (dataset numbers filled by the benchmark).
        official_train_s, official_infer_s: official code, (low, high) s/step and s/video
            over the measured rounds (None: unknown).
    """

    config: str
    official_train_s: tuple[float, float] | None
    official_infer_s: tuple[float, float] | None


# official code on 2 CPU cores, issue #15 (2026-12-07, two rounds, ``make bench`` layout)
MODELS: dict[str, BenchModel] = {
    "actionformer": BenchModel("harness/configs/_base_/models/actionformer.py", (3.49, 3.52), (0.64, 0.68)),
    "tridet": BenchModel("harness/configs/_base_/models/tridet.py", (3.04, 3.08), (0.56, 0.62)),
    "cltdr_gmg": BenchModel("harness/configs/_base_/models/cltdr_gmg.py", (4.31, 4.32), (0.79, 0.84)),
}
MODES = ("plain", "compiled")
# Table 8: (row, gmg.global_extractor, the paper's backbone parameters in millions)
TABLE8 = (("FFT", "fft", 9.5), ("Self-Attention", "self_attention", 26.1))
# input dims: I3D (the configuration matching the paper's 9.5M) and InternVideo2-6B (Tables 6-11)
TABLE8_INPUTS = (("I3D", INPUT_DIM), ("InternVideo2-6B", 3200))


def build_model(name: str, overrides: dict[str, Any] | None = None) -> Any:
    """The model of ``MODELS[name]`` with THUMOS I3D dataset numbers (then ``overrides``)."""
    from mmengine.config import Config

    import baselines  # noqa: F401  (registers the baselines)
    import models  # noqa: F401  (registers CLTDR-GMG)
    from harness.registry import MODELS as REGISTRY

    cfg = Config.fromfile(str(ROOT / MODELS[name].config))
    cfg.model.update(input_dim=INPUT_DIM, num_classes=NUM_CLASSES, max_seq_len=LENGTH)
    cfg.model.update(overrides or {})
    return REGISTRY.build(cfg.model)


def table8_counts() -> list[dict[str, Any]]:
    """Table 8's parameter counts: one dict per (row, input) with ``total`` and ``backbone``.

    Models are built on the meta device (shapes only), with the official THUMOS config and
    ``gmg.global_extractor`` switched; the counts are those of ``parameter_counts``.
    """
    import torch

    from models.cltdr_gmg import parameter_counts

    out = []
    for row, extractor, paper_m in TABLE8:
        for features, input_dim in TABLE8_INPUTS:
            with torch.device("meta"):
                model = build_model("cltdr_gmg", dict(input_dim=input_dim,
                                                      gmg=dict(global_extractor=extractor)))
            counts = parameter_counts(model)
            out.append({"row": row, "features": features, "input_dim": input_dim,
                        "paper_backbone_m": paper_m, "total": counts["total"],
                        "backbone": counts["backbone"]})
    return out


def _table8_rows() -> list[dict[str, Any]]:
    rows = []
    for c in table8_counts():
        case = f"cltdr_gmg Table 8 {c['row']} ({c['features']} input, C_in {c['input_dim']})"
        rows.append({"benchmark": NAME, "case": case, "metric": "backbone parameters",
                     "value": c["backbone"] / 1e6, "unit": "M",
                     "note": f"paper {c['paper_backbone_m']}M"})
        rows.append({"benchmark": NAME, "case": case, "metric": "total parameters",
                     "value": c["total"] / 1e6, "unit": "M"})
    return rows


def _fake_batch(device: str, batch: int) -> tuple[Any, Any, list[dict[str, Any]]]:
    import torch

    g = torch.Generator().manual_seed(0)
    inputs = torch.randn(batch, INPUT_DIM, LENGTH, generator=g).to(device)
    masks = torch.ones(batch, 1, LENGTH, dtype=torch.bool, device=device)
    samples = []
    for i in range(batch):
        starts = torch.randint(0, LENGTH - 200, (8,), generator=g).float()
        lens = torch.randint(4, 200, (8,), generator=g).float()
        samples.append({
            "segments": torch.stack((starts, starts + lens), 1).to(device),
            "labels": torch.randint(0, NUM_CLASSES, (8,), generator=g).to(device),
            "video_id": f"bench_{i}", "fps": 30.0, "duration": LENGTH * 4 / 30.0,
            "feat_stride": 4, "feat_num_frames": 16,
        })
    return inputs, masks, samples


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def _median(fn: Any, repeats: int, warmup: int, device: str) -> tuple[float, float]:
    """(median wall s, median CPU s of this process) over ``repeats`` calls after warm-up."""
    for _ in range(warmup):
        fn()
        _sync(device)
    walls, cpus = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        _sync(device)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def measure(
    name: str, device: str, quick: bool, amp: bool = False, mode: str = "plain"
) -> dict[str, float]:
    """Time the training step and the inference of ``name`` on ``device`` (this process).

    ``amp``: float16 autocast with a dynamic loss scale, as ``--amp`` (mmengine's
    ``AmpOptimWrapper``) runs it on CUDA. ``mode``: 'plain' or 'compiled' (the speed switch;
    the first calls compile, their wall time is ``compile_s``).
    """
    import torch

    from models.detectors.compile import enable_compile

    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    if device.startswith("cuda"):
        torch.backends.cudnn.benchmark = False  # the harness trains deterministically
    model = build_model(name).to(device)
    compiled = mode == "compiled"
    if compiled:
        enable_compile(model, True)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.05)
    scaler = torch.amp.GradScaler(device.split(":")[0], enabled=amp)
    inputs, masks, samples = _fake_batch(device, BATCH)

    def autocast() -> Any:
        return torch.autocast(device.split(":")[0], dtype=torch.float16, enabled=amp)

    def train_step() -> None:
        model.train()
        optim.zero_grad(set_to_none=True)
        with autocast():
            losses = model(inputs, masks, samples, mode="loss")
        scaler.scale(sum(v for k, v in losses.items() if "loss" in k)).backward()
        scaler.step(optim)
        scaler.update()

    def infer() -> None:
        model.eval()
        with torch.no_grad(), autocast():
            model(inputs[:1], masks[:1], samples[:1], mode="predict")

    cuda = device.startswith("cuda")
    repeats = 3 if quick else (20 if cuda else 10)
    warmup = 3 if cuda else 1  # CUDA: context, kernels and allocator caches
    compile_s = 0.0
    if compiled:  # the compiling calls: train graph (forward + backward), eval graph
        t0 = time.perf_counter()
        train_step()
        infer()
        _sync(device)
        compile_s = time.perf_counter() - t0
    train_wall, train_cpu = _median(train_step, repeats, warmup, device)
    infer_wall, infer_cpu = _median(infer, repeats, warmup, device)
    out = {
        "compile_s": compile_s,
        "train_s": train_wall, "train_cpu_s": train_cpu, "infer_s": infer_wall,
        "infer_cpu_s": infer_cpu,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }
    if cuda:
        out["peak_cuda_gb"] = torch.cuda.max_memory_allocated() / 2**30
    return out


def _measure_in_child(args: tuple[str, str, bool, bool, str]) -> dict[str, float]:
    return measure(*args)


def devices(choice: str = "auto") -> list[str]:
    """The devices to time: ``auto`` = the CPU and CUDA when present; ``cpu``; ``cuda``."""
    import torch

    if choice == "cpu":
        return ["cpu"]
    if choice == "cuda" and not torch.cuda.is_available():
        raise SystemExit("bench --device cuda: no CUDA device is available")
    cuda = ["cuda"] if torch.cuda.is_available() else []
    return cuda if choice == "cuda" else ["cpu"] + cuda


def _ratio_note(value: float, official: tuple[float, float]) -> str:
    lo, hi = official
    return f"ratio vs official {value / hi:.2f}-{value / lo:.2f}"


def _case(name: str, device: str, amp: bool, mode: str) -> str:
    return f"{name} {device}{' amp-fp16' if amp else ''} {mode} B{BATCH} T{LENGTH} C{INPUT_DIM}"


def _failed_row(name: str, device: str, amp: bool, mode: str, exc: BaseException) -> dict[str, Any]:
    text = (str(exc).strip().splitlines() or [""])[0][:200]
    return {"benchmark": NAME, "case": _case(name, device, amp, mode), "metric": "train step (fwd+bwd+AdamW)",
            "value": "n/a", "unit": "s", "ok": False, "note": f"{type(exc).__name__}: {text}"}


def _rows(
    name: str, device: str, res: dict[str, float], amp: bool = False, mode: str = "plain",
    plain: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Rows of one measurement: train step and inference (CPU: beside the official range;
    'compiled': also the speed-up over ``plain``), compile time, peak memory."""
    spec = MODELS[name]
    case = _case(name, device, amp, mode)
    rows: list[dict[str, Any]] = []
    for key, metric, official in (
        ("train_s", "train step (fwd+bwd+AdamW)", spec.official_train_s),
        ("infer_s", "inference per video incl. NMS", spec.official_infer_s),
    ):
        notes = [f"cpu time/{THREADS} threads: {res[key.replace('_s', '_cpu_s')] / THREADS:.3g} s"]
        row: dict[str, Any] = {
            "benchmark": NAME, "case": case, "metric": metric, "value": res[key], "unit": "s",
        }
        if device == "cpu" and official is not None:
            row["target"] = f"<= {official[1]} (official {official[0]}-{official[1]})"
            row["ok"] = res[key] <= official[1]
            notes.append(_ratio_note(res[key], official))
        if plain is not None and res[key] > 0:
            notes.append(f"speed-up over plain {plain[key] / res[key]:.2f}x")
        row["note"] = "; ".join(notes)
        rows.append(row)
    if mode == "compiled":
        rows.append({"benchmark": NAME, "case": case, "metric": "compile (first train + eval call)",
                     "unit": "s", "value": res.get("compile_s", 0.0)})
    rows.append({"benchmark": NAME, "case": case, "metric": "peak RSS", "unit": "GB",
                 "value": res["peak_rss_gb"]})
    if "peak_cuda_gb" in res:
        rows.append({"benchmark": NAME, "case": case, "metric": "peak CUDA memory",
                     "unit": "GB", "value": res["peak_cuda_gb"]})
    return rows


def run(quick: bool, device: str = "auto") -> list[dict[str, Any]]:
    """All models, plain then compiled, on the devices of ``device`` (see :func:`devices`);
    CUDA also with AMP."""
    ctx = mp.get_context("spawn")
    rows: list[dict[str, Any]] = []
    for name in MODELS:
        for dev in devices(device):
            for amp in (False, True) if dev.startswith("cuda") else (False,):
                plain: dict[str, float] | None = None
                for mode in MODES:
                    try:
                        with ctx.Pool(1) as pool:
                            res = pool.apply(_measure_in_child, ((name, dev, quick, amp, mode),))
                    except Exception as exc:  # noqa: BLE001  e.g. inductor cannot compile here
                        if mode == "plain":
                            raise
                        rows.append(_failed_row(name, dev, amp, mode, exc))
                        continue
                    rows.extend(_rows(name, dev, res, amp, mode, plain))
                    plain = res if mode == "plain" else plain
    return rows + _table8_rows()
