"""Part B (``seeded``) of a trajectory file: the harness's own data, loader, model and optimiser
under the seed-exact switch (:mod:`harness.seed_exact`), compared with the official run.

The replay follows the runner: ``set_random_seed(seed)``; the training loader of the kind's
synthetic config, built by ``Runner.build_dataloader`` after :func:`apply_seed_exact` (the
synthetic thumos-like/mid seed-0 data is generated into a folder when none is given); the
harness model of the file's ``model_kwargs`` (its own initialisation under the seed); the
optimiser wrapper and scheduler of part A; the EMA hook. Then every epoch iterates the loader
and calls ``model.train_step``.

Checks (README §F.7): the random streams (base seed, permutations, the RNG digest after the
build and before/after every forward), the data (dataset order, every batch's videos, crop
lengths, GT and labels), the drop-path draws, then the trajectory as in part A with the part-B
noise floor, and the final weights and EMA.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch
from torch import Tensor

from harness.parity.compare import EXACT, Row, Tolerance, compare_scalar, compare_tensor
from harness.parity.trajectory import (
    TIGHT,
    _bounded_row,
    _fail,
    _state_rows,
    floor_bounded_rows,
)

SEEDED_KEYS: dict[str, str] = {
    "what": "info", "seconds": "info",
    "data": "compare (dataset order, annotations sha256; features_sha256 not recomputed)",
    "dataset_cfg": "input", "model_kwargs": "input", "overrides_vs_config_json": "info (applied in model_kwargs)",
    "opt_cfg": "input", "ema_decay": "input", "loader": "input", "schedule": "input",
    "drop_prob": "input", "drop_path_call_order": "compare", "input_noise": "input",
    "rng": "compare", "initial_state_dict_sha1": "compare", "batches": "compare",
    "drop_path_dropped": "compare", "trajectory": "compare", "final_state_dict": "compare",
    "ema_state_dict": "compare", "noise_floor_perturbed_init": "tolerance",
}
SYNTHETIC = "harness/configs/{kind}/synthetic_thumos_like.py"


def digest(state: Tensor) -> str:
    """sha1 of a ``torch.get_rng_state()`` (first 16 hex digits), as the file stores it."""
    return hashlib.sha1(state.numpy().tobytes()).hexdigest()[:16]


def state_sha1(state_dict: Mapping[str, Tensor]) -> str:
    """sha1 over sorted keys, shapes and bytes (README §F.5 ``initial_state_dict_sha1``)."""
    h = hashlib.sha1()
    for key in sorted(state_dict):
        t = state_dict[key].detach().contiguous().cpu()
        h.update(key.encode())
        h.update(str(tuple(t.shape)).encode())
        h.update(t.numpy().tobytes())
    return h.hexdigest()


def build_loader(kind: str, seeded: Mapping[str, Any], data_dir: str, seed: int):
    """The runner's training loader of the kind's synthetic config, seed-exact."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner

    from harness.parity.replay import REPO_ROOT
    from harness.seed_exact import apply_seed_exact

    cfg = Config.fromfile(str(REPO_ROOT / SYNTHETIC.format(kind=kind)))
    ds_cfg = seeded["dataset_cfg"]
    loader = cfg.train_dataloader
    loader.batch_size = int(seeded["loader"]["batch_size"])
    loader.num_workers = 0
    data = seeded["data"]  # the synthetic preset, quality and data seed the file was made on
    loader.dataset.update(preset=str(data["manifest_preset"]), quality=str(data["manifest_quality"]),
                          seed=int(data["manifest_seed"]))
    loader.dataset.update(data_root=data_dir, max_seq_len=int(ds_cfg["max_seq_len"]),
                          trunc_thresh=float(ds_cfg["trunc_thresh"]),
                          crop_ratio=tuple(ds_cfg["crop_ratio"]))
    apply_seed_exact(cfg)
    with DefaultScope.overwrite_default_scope("harness"):
        return Runner.build_dataloader(cfg.train_dataloader.to_dict(), seed=seed)


class _DropRecorder:
    """Forward hooks on every ``AffineDropPath``: which samples each call dropped."""

    def __init__(self, model) -> None:
        from models.layers.drop_path import AffineDropPath

        self.calls: list[list[bool]] = []
        self.order: list[str] = []
        for name, mod in model.named_modules():
            if isinstance(mod, AffineDropPath):
                mod.register_forward_hook(self._hook(name))  # the plain forward
                if hasattr(mod, "factor"):  # a fused path that bypasses forward
                    mod.factor = self._factor(name, mod)

    def _factor(self, name: str, mod):
        factor = mod.factor

        def wrapped(batch: int):
            out = factor(batch)  # [B, C, 1] when it drew, else the bare scale [1, C, 1]
            if mod.training and mod.drop_prob != 0.0:
                self.calls.append((out.detach().flatten(1) == 0).all(1).tolist())
                self.order.append(name)
            return out
        return wrapped

    def _hook(self, name: str):
        def hook(_mod, inputs, output):
            if not _mod.training:
                return
            x = inputs[0]
            dropped = (output.flatten(1).abs().sum(1) == 0) & (x.flatten(1).abs().sum(1) > 0)  # [B]
            self.calls.append(dropped.tolist())
            self.order.append(name)
        return hook


def replay_seeded(blob: Mapping[str, Any], data_dir: str | None = None) -> dict[str, Any]:
    """Run part B through the harness; the result mirrors the file's ``seeded`` layout."""
    from mmengine.runner import set_random_seed

    from harness.hooks.ema import ModelEMAHook
    from harness.parity.adapters import ADAPTERS
    from harness.parity.replay import (
        _loss_rows,
        _Recorder,
        build_optim_wrapper,
        build_scheduler,
        trajectory_tensors,
    )
    from models.layers.drop_path import set_drop_path_prob

    kind, seed = str(blob["model"]), int(blob["seed"])
    seeded = blob["seeded"]
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="tal_parity_data_")
        data_dir = str(Path(tmp.name) / "thumos-like-mid")
    set_random_seed(seed)  # the runner's randomness setup (official fix_random_seed)
    loader = build_loader(kind, seeded, data_dir, seed)
    state_before_model = torch.get_rng_state()
    model = ADAPTERS[kind].fresh({"config": dict(seeded["model_kwargs"])})  # type: ignore[misc]
    init_sha1 = state_sha1(model.state_dict())
    n_drop = set_drop_path_prob(model, float(seeded["drop_prob"][0]))
    model.train()
    opt = {"opt_cfg": seeded["opt_cfg"], "clip_grad_l2norm": seeded["model_kwargs"]["train_cfg"]["clip_grad_l2norm"],
           "schedule": {"warmup_epochs": seeded["opt_cfg"]["warmup_epochs"], "epochs": seeded["opt_cfg"]["epochs"],
                        "iters_per_epoch": len(loader)}}
    wrapper = build_optim_wrapper(model, kind, opt, None)
    scheduler = build_scheduler(wrapper, opt)
    runner = SimpleNamespace(model=model)
    ema = ModelEMAHook(decay=float(seeded["ema_decay"]))
    ema.before_train(runner)
    after_build = digest(torch.get_rng_state())
    recorder = _Recorder(model, wrapper)
    drops = _DropRecorder(model)
    out: dict[str, Any] = {"lr": [], "loss_normalizer_before": [], "loss_normalizer_after": [], "num_pos": [],
                           "pre": [], "post": [], "batches": [], "epoch_start": [], "drop": []}
    losses: dict[str, dict[str, list[float]]] = {}
    it = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _epoch in range(int(seeded["schedule"]["max_epochs"])):
            out["epoch_start"].append(digest(torch.get_rng_state()))
            for data in loader:
                out["pre"].append(digest(torch.get_rng_state()))
                out["batches"].append([{"video_id": s["video_id"], "feat_len": int(s["feat_len"]),
                                        "segments": s["segments"], "labels": s["labels"]}
                                       for s in data["data_samples"]])
                out["lr"].append([float(g["lr"]) for g in wrapper.optimizer.param_groups])
                out["loss_normalizer_before"].append(model.loss_normalizer.value)
                first = len(drops.calls)
                log_vars = model.train_step(data, wrapper)
                out["post"].append(digest(torch.get_rng_state()))
                out["drop"].append(drops.calls[first:])
                out["loss_normalizer_after"].append(model.loss_normalizer.value)
                out["num_pos"].append(int(round(float(log_vars["num_pos"]))))
                for section, values in _loss_rows(kind, model, log_vars).items():
                    for key, value in values.items():
                        losses.setdefault(section, {}).setdefault(key, []).append(value)
                scheduler.step()
                ema.after_train_iter(runner, it)
                it += 1
    sampler = loader.batch_sampler
    traj = trajectory_tensors(out, recorder, losses)
    result = {
        "dataset_order": [loader.dataset.get_data_info(i)["video_id"] for i in range(len(loader.dataset))],
        "state_before_model": digest(state_before_model), "digest_after_build": after_build,
        "initial_state_dict_sha1": init_sha1, "num_drop_path_modules": n_drop,
        "base_seed": sampler.base_seed, "sampler_permutations": sampler.permutations,
        "digest_epoch_start": out["epoch_start"], "digest_pre_forward": out["pre"],
        "digest_post_forward": out["post"], "batches": out["batches"], "drop_path_dropped": out["drop"],
        "drop_path_call_order": drops.order[: len(drops.order) // max(it, 1)],
        "trajectory": traj, "final_state_dict": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "ema_state_dict": dict(ema.ema or {}),
    }
    ann = Path(data_dir) / str(loader.dataset.ann_file if hasattr(loader.dataset, "ann_file") else "annotations.json")
    result["annotations_sha256"] = hashlib.sha256(ann.read_bytes()).hexdigest() if ann.is_file() else None
    if tmp is not None:
        tmp.cleanup()
    return result


def compare_seeded(seeded: Mapping[str, Any], act: Mapping[str, Any]) -> list[Row]:
    """Rows of every part-B check (README §F.7)."""
    rows = unknown_seeded_keys(seeded)
    rng = seeded["rng"]
    eq = lambda name, a, e: compare_scalar(name, a, e, EXACT)  # noqa: E731
    rows.append(eq("seeded.data.dataset_order", act["dataset_order"], list(seeded["data"]["dataset_order"])))
    rows.append(eq("seeded.data.annotations_sha256", act.get("annotations_sha256"),
                   seeded["data"]["annotations_sha256"]))
    # data.features_sha256: its hashing recipe is not documented; the features are checked
    # through the bit-identical losses of the first iterations instead
    rows.append(eq("seeded.rng.state_before_model (digest)", act["state_before_model"], digest(rng["state_before_model"])))
    rows.append(eq("seeded.initial_state_dict_sha1", act["initial_state_dict_sha1"], seeded["initial_state_dict_sha1"]))
    rows.append(eq("seeded.rng.digest_after_build", act["digest_after_build"], rng["digest_after_build"]))
    rows.append(eq("seeded.rng.state_after_build (digest)", act["digest_after_build"], digest(rng["state_after_build"])))
    rows.append(eq("seeded.rng.base_seed", act["base_seed"], int(rng["base_seed"])))
    rows.append(eq("seeded.rng.worker_python_seed", act["base_seed"] % 2**31, int(rng["worker_python_seed"])))
    rows.append(eq("seeded.rng.sampler_permutations", [list(p) for p in act["sampler_permutations"]],
                   [list(p) for p in rng["sampler_permutations"]]))
    for key in ("digest_epoch_start", "digest_pre_forward", "digest_post_forward"):
        rows.append(_first_diff(f"seeded.rng.{key}", act[key], list(rng[key])))
    rows.append(_info_row("seeded.rng.replay", "the file's own replay notes (not a harness value)"))
    rows += _batch_rows(seeded["batches"], act["batches"])
    rows.append(eq("seeded.drop_path_call_order", act["drop_path_call_order"], list(seeded["drop_path_call_order"])))
    rows.append(_first_diff("seeded.drop_path_dropped", act["drop_path_dropped"],
                            [[list(c) for c in calls] for calls in seeded["drop_path_dropped"]]))
    rows += _trajectory_rows(seeded, act["trajectory"])
    floor = seeded["noise_floor_perturbed_init"]
    fs_floor = {k: float(v["max_abs"]) for k, v in floor["final_state_dev"].items()}
    ema_floor = {k: float(v["max_abs"]) for k, v in floor["ema_state_dev"].items()}
    chaotic = first_floor_departure(floor["rel_dev"]) < CHAOTIC_BEFORE
    for name, key, fl in (("seeded.final_state_dict", "final_state_dict", fs_floor),
                          ("seeded.ema_state_dict", "ema_state_dict", ema_floor)):
        row = _state_rows(name, act[key], seeded[key], fl)[0]
        if chaotic and not row.ok and "dtype" not in row.note and "missing" not in row.note:
            row = _aggregate_state_row(name, act[key], seeded[key], fl, row)
        rows.append(row)
    return rows


CHAOTIC_BEFORE = 10  # a floor above 1e-6 this early: the run is chaotic (CLTDR-GMG, README F.7)


def first_floor_departure(rel_dev: Mapping[str, Tensor]) -> int:
    over = (torch.stack([v.double() for v in rel_dev.values()]) > TIGHT).any(0).nonzero()
    return int(over[0]) if over.numel() else int(next(iter(rel_dev.values())).shape[0])


def _aggregate_state_row(name: str, actual, expected, floor: Mapping[str, float], per_tensor: Row) -> Row:
    """Chaotic runs: the floor is one perturbed run, so a single tensor's floor is one sample
    of a wide distribution. The harness run is another 1-ulp perturbation: its deviations must
    have the floor's size, tensor by tensor in the median (<= 3x) and in sum (<= 3x)."""
    ratios, dev_sum, floor_sum = [], 0.0, 0.0
    for key, e in expected.items():
        dev = float((actual[key].double() - e.double()).abs().max()) if e.numel() else 0.0
        f = float(floor.get(key, 0.0))
        ratios.append(dev / max(f, 1e-6))
        dev_sum, floor_sum = dev_sum + dev, floor_sum + f
    ratios.sort()
    median = ratios[len(ratios) // 2]
    worst = max(median / 3, dev_sum / max(3 * floor_sum, 1e-12))
    note = (f"chaotic run: median dev/floor {median:.3g}, sum dev/sum floor {dev_sum / max(floor_sum, 1e-12):.3g}"
            f" (both <= 3); per-tensor 10x rule worst {per_tensor.worst:.3g} ({per_tensor.note})")
    return Row(per_tensor.name, per_tensor.max_abs, per_tensor.max_rel, worst,
               "median, sum <= 3x floor", worst <= 1.0, note)


def unknown_seeded_keys(seeded: Mapping[str, Any]) -> list[Row]:
    """A failed row per key of ``seeded`` this checker does not know."""
    return [_fail(f"seeded.{k}", "unknown key: not compared") for k in seeded if k not in SEEDED_KEYS]


def _info_row(name: str, note: str) -> Row:
    return Row(name, 0.0, 0.0, 0.0, "-", True, note)


def _first_diff(name: str, actual: list, expected: list) -> Row:
    if len(actual) != len(expected):
        return _fail(name, f"length {len(actual)} != {len(expected)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        if a != e:
            return _fail(name, f"first difference at iteration/epoch {i}: {a!r} != {e!r}"[:200])
    return Row(name, 0.0, 0.0, 0.0, "exact", True)


def _batch_rows(expected: list, actual: list) -> list[Row]:
    """Videos, crop lengths (= window length), GT and labels of every item, bit for bit."""
    if len(expected) != len(actual):
        return [_fail("seeded.batches", f"{len(actual)} batches != {len(expected)}")]
    bad: list[str] = []
    for i, (eb, ab) in enumerate(zip(expected, actual)):
        for j, (e, a) in enumerate(zip(eb, ab)):
            st, ed = e["window"]
            checks = {
                "video_id": a["video_id"] == e["video_id"],
                "window length": a["feat_len"] == ed - st,
                "segments": a["segments"].dtype == e["segments"].dtype and torch.equal(a["segments"], e["segments"]),
                "labels": a["labels"].dtype == e["labels"].dtype and torch.equal(a["labels"], e["labels"]),
            }
            bad += [f"batch {i} item {j}: {k}" for k, ok in checks.items() if not ok]
        if len(eb) != len(ab):
            bad.append(f"batch {i}: {len(ab)} items != {len(eb)}")
    note = f"{len(bad)} differ, first: {bad[0]}" if bad else "video, window length, segments, labels"
    return [Row("seeded.batches", 0.0 if not bad else math.inf, 0.0, 0.0 if not bad else math.inf,
                "exact", not bad, note)]


def _trajectory_rows(seeded: Mapping[str, Any], act: Mapping[str, Any]) -> list[Row]:
    exp = seeded["trajectory"]
    floor = seeded["noise_floor_perturbed_init"]["rel_dev"]
    over = (torch.stack([v.double() for v in floor.values()]) > TIGHT).any(0).nonzero()
    window = int(over[0]) if over.numel() else int(exp["lr"].shape[0])
    rows = [compare_scalar("seeded.trajectory.param_names", act["param_names"], exp["param_names"], EXACT),
            compare_tensor("seeded.trajectory.lr", act["lr"], exp["lr"], Tolerance(rtol=1e-12)),
            compare_tensor("seeded.trajectory.num_pos", act["num_pos"], exp["num_pos"], EXACT)]
    for key in ("loss_normalizer_before", "loss_normalizer_after"):
        rows.append(compare_tensor(f"seeded.trajectory.{key}", act[key], exp[key], Tolerance(rtol=1e-12)))
    pe, pa = torch.isnan(exp["grad_norm_per_param"]), torch.isnan(act["grad_norm_per_param"])
    rows.append(compare_tensor("seeded.trajectory.grad_present", pa, pe, EXACT))
    keys = {"losses.final_loss": "final_loss", "losses.cls_loss": "cls_loss", "losses.reg_loss": "reg_loss",
            "grad_norm": "grad_norm", "grad_norm_after_clip": "grad_norm"}
    for extra in ("losses_refined", "losses_before_refine"):
        if extra in exp:
            keys.update({f"{extra}.{k}": k for k in ("final_loss", "cls_loss", "reg_loss")})
    rows += floor_bounded_rows("seeded", exp, act, keys, floor, window)
    # the 128-iteration mean: 1e-4 relative (F.7), or 10x the floor run's own mean deviation
    mean_a, mean_e = float(act["losses"]["final_loss"].double().mean()), float(exp["losses"]["final_loss"].double().mean())
    mean_f = float(seeded["noise_floor_perturbed_init"]["losses"]["final_loss"].double().mean())
    mean_tol = max(1e-4, 10 * abs(mean_f - mean_e) / abs(mean_e))
    rows.append(compare_scalar("seeded.trajectory.losses.final_loss (mean)", mean_a, mean_e, Tolerance(rtol=mean_tol)))
    g_bound = max(10 * float(floor["grad_norm"].max()), 1e-5)
    n = len(exp["param_names"])
    allow = g_bound * exp["grad_norm"].double()[:, None].expand(-1, n) + 1e-9
    rows.append(_bounded_row("seeded.trajectory.grad_norm_per_param (all)", act["grad_norm_per_param"],
                             exp["grad_norm_per_param"], allow, f"{g_bound:.3g}·grad_norm(i) + 1e-9"))
    fs = seeded["noise_floor_perturbed_init"]["final_state_dev"]
    pn_allow = torch.tensor([10 * float(fs[k]["max_abs"]) * math.sqrt(seeded["final_state_dict"][k].numel()) + 1e-6
                             for k in exp["param_names"]], dtype=torch.float64)
    rows.append(_bounded_row("seeded.trajectory.param_norm_after_step (all)", act["param_norm_after_step"],
                             exp["param_norm_after_step"], pn_allow[None].expand(exp["lr"].shape[0], -1),
                             "10·final floor·sqrt(numel) + 1e-6"))
    rows.append(_info_row("seeded.tight_window", f"iterations 0..{window - 1} held to rtol 1e-5"))
    return rows


def check_seeded(blob: Mapping[str, Any], *, data_dir: str | None = None) -> tuple[list[Row], list[str]]:
    """Rows of the part-B comparison (a failed row when the file has no part B)."""
    if "seeded" not in blob:
        return [_fail("seeded", "missing")], []
    act = replay_seeded(blob, data_dir)
    rows = compare_seeded(blob["seeded"], act)
    notes = [f"not compared (seeded.{k}: {v})" for k, v in SEEDED_KEYS.items()
             if k in blob["seeded"] and not v.startswith("compare")]
    notes.append("not compared (seeded.data.features_sha256: its hashing recipe is undocumented; "
                 "the features are checked through the losses)")
    return rows, notes
