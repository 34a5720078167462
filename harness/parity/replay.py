"""Replay part A (``fixed``) of a training-trajectory file with the harness's training machinery.

The model is the harness model of the file's kind (``ADAPTERS[kind].build`` on the file's
``model_kwargs`` and ``initial_state_dict``); the optimiser wrapper comes from the harness's
:class:`~harness.optim.DecayWhitelistOptimWrapperConstructor` with the ``optim_wrapper`` of the
kind's recipe config (its ``paramwise_cfg``), the file's lr / weight decay / clipping; the
scheduler is :class:`~harness.schedulers.WarmupCosineLR` built from epochs as the runner does;
one iteration is ``model.train_step(tal_collate(batch), optim_wrapper)`` (mmengine's
``parse_losses`` → ``update_params``: backward, clip, AdamW step, zero_grad) followed by the
scheduler step and one :class:`~harness.hooks.ema.ModelEMAHook` per EMA decay of the file.

What the official recorder logged is recorded the same way: the clipping function of the
wrapper is wrapped to see the gradients before and after clipping, the wrapper's ``step`` to see
the weights after the optimiser step (reference README §F.2).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch
from torch import Tensor, nn

from harness.errors import DataError

RECIPES = {  # the official recipe whose optimiser settings the file's opt_cfg follows
    "actionformer": "harness/configs/actionformer/thumos14_i3d.py",
    "tridet": "harness/configs/tridet/thumos14_i3d.py",
    "cltdr_gmg": "harness/configs/cltdr_gmg/thumos14_i3d.py",
}
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ReplayResult:
    """The harness's values under the file's names (section F.2 layout of ``fixed``).

    Attributes:
        trajectory: per-iteration arrays (``lr`` [N, G] float64, ``num_pos`` [N] int64, ...).
        final_state_dict, ema_state_dict, adamw_state: after the last iteration.
        optimizer_groups: per group ``params`` (names), ``weight_decay``, ``betas``, ``eps``,
            ``initial_lr``.
        scheduler_steps: scheduler steps taken; lr_at_end: per group, the harness schedule
            at step ``num_iters`` (mmengine's scheduler stops at its end and leaves the last
            used lr in the optimiser; no iteration uses this value).
        param_numels: element count of each parameter (``named_parameters`` order).
    """

    trajectory: dict[str, Any]
    final_state_dict: dict[str, Tensor]
    ema_state_dict: dict[str, dict[str, Tensor]]
    adamw_state: dict[str, dict[str, Any] | None]
    optimizer_groups: list[dict[str, Any]]
    scheduler_steps: int
    lr_at_end: list[float]
    param_numels: list[int]


def build_model(kind: str, model_kwargs: Mapping[str, Any], state_dict: Mapping[str, Tensor],
                overrides: Mapping[str, Any]) -> nn.Module:
    """The harness model of ``kind`` with the file's weights and run-time overrides."""
    from harness.parity.adapters import ADAPTERS

    if kind not in ADAPTERS:
        raise DataError(f"trajectory file: no parity adapter for model {kind!r} (known: {sorted(ADAPTERS)})")
    model = ADAPTERS[kind].build(
        {"config": dict(model_kwargs), "state_dict": state_dict, "runtime_overrides": overrides}
    )
    if "input_noise" in overrides and hasattr(model, "input_noise"):
        model.input_noise = float(overrides["input_noise"])
    return model


def build_optim_wrapper(model: nn.Module, kind: str, fixed: Mapping[str, Any], recipe: str | None):
    """The runner's optimiser wrapper for ``model`` with the file's optimiser settings."""
    from mmengine.config import Config

    from harness.optim import DecayWhitelistOptimWrapperConstructor

    path = Path(recipe) if recipe else REPO_ROOT / RECIPES[kind]
    cfg = Config.fromfile(str(path)).optim_wrapper.to_dict()
    opt = fixed["opt_cfg"]
    if str(opt.get("type", "AdamW")) != cfg["optimizer"]["type"]:
        raise DataError(f"trajectory file: optimiser {opt.get('type')!r} but the recipe uses "
                        f"{cfg['optimizer']['type']!r}")
    cfg["optimizer"].update(lr=float(opt["learning_rate"]), weight_decay=float(opt["weight_decay"]))
    cfg["clip_grad"] = dict(max_norm=float(fixed["clip_grad_l2norm"]))
    cfg.pop("constructor", None)
    paramwise = cfg.pop("paramwise_cfg", None)
    return DecayWhitelistOptimWrapperConstructor(optim_wrapper_cfg=cfg, paramwise_cfg=paramwise)(model)


def build_scheduler(wrapper, fixed: Mapping[str, Any]):
    """``WarmupCosineLR`` from epochs, as the runner converts it (``convert_to_iter_based``)."""
    from harness.schedulers import WarmupCosineLR

    sched, opt = fixed["schedule"], fixed["opt_cfg"]
    if not opt.get("warmup", True) or opt.get("schedule_type", "cosine") != "cosine":
        raise DataError("trajectory file: only the warm-up + cosine schedule is replayed")
    warmup = int(sched["warmup_epochs"])
    return WarmupCosineLR.build_iter_from_epoch(
        wrapper, warmup=warmup, begin=0, end=warmup + int(sched["epochs"]),
        eta_min=float(opt.get("eta_min", 1e-8)), by_epoch=True,
        epoch_length=int(sched["iters_per_epoch"]),
    )


class _Recorder:
    """Wraps the wrapper's clip function and step to log what the official recorder logged."""

    def __init__(self, model: nn.Module, wrapper) -> None:
        self.names = [n for n, _ in model.named_parameters()]
        self.params = [p for _, p in model.named_parameters()]
        self.rows: dict[str, list[Any]] = {
            k: [] for k in ("grad_norm", "grad_norm_after_clip", "grad_norm_per_param",
                            "param_norm_after_step")
        }
        clip, step = wrapper.clip_func, wrapper.step

        def clip_func(params, **kwargs):
            self.rows["grad_norm_per_param"].append(self._grad_norms())
            total = clip(params, **kwargs)
            self.rows["grad_norm"].append(float(total))
            grads = [p.grad.double() for p in self.params if p.grad is not None]
            after = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
            self.rows["grad_norm_after_clip"].append(float(after))
            return total

        def wrapped_step(**kwargs):
            step(**kwargs)
            with torch.no_grad():
                self.rows["param_norm_after_step"].append(
                    torch.stack([torch.linalg.vector_norm(p.detach()) for p in self.params]))

        wrapper.clip_func = clip_func
        wrapper.step = wrapped_step

    def _grad_norms(self) -> Tensor:
        """[P] float32 L2 norm of each ``.grad`` (NaN where it is None)."""
        nan = torch.tensor(math.nan)
        return torch.stack([
            torch.linalg.vector_norm(p.grad.detach()).float() if p.grad is not None else nan
            for p in self.params
        ])


def _loss_rows(kind: str, model: nn.Module, log_vars: Mapping[str, Tensor]) -> dict[str, dict[str, float]]:
    """The official loss dicts of one iteration from the harness's log variables."""
    final = float(log_vars["loss"].detach())
    if kind != "cltdr_gmg":
        cls = float(log_vars["loss_cls"])
        weight = float(model.train_settings.loss_weight)
        reg = float(log_vars["loss_reg"]) / weight if weight > 0 else math.nan
        return {"losses": {"cls_loss": cls, "reg_loss": reg, "final_loss": final}}
    mix = model.options.loss_mix
    weight = float(model.train_settings.loss_weight)
    out = {}
    for key, prefix in (("losses_refined", "refined"), ("losses_before_refine", "pre")):
        cls, reg = log_vars[f"{prefix}_cls"], log_vars[f"{prefix}_reg"]
        w = weight if weight > 0 else cls / max(float(reg), 0.01)
        out[key] = {"cls_loss": float(cls), "reg_loss": float(reg), "final_loss": float(cls + reg * w)}
    reg_mixed = float(mix[0] * log_vars["refined_reg"] + mix[1] * log_vars["pre_reg"])
    out["losses"] = {"cls_loss": float(log_vars["loss_cls"]), "reg_loss": reg_mixed, "final_loss": final}
    return out


def trajectory_tensors(per_iter: Mapping[str, list], recorder: _Recorder,
                       losses: Mapping[str, Mapping[str, list]]) -> dict[str, Any]:
    """The per-iteration series of a replay in the reference file's layout and dtypes (shared by
    part A and part B)."""
    traj: dict[str, Any] = {
        "lr": torch.tensor(per_iter["lr"], dtype=torch.float64),
        "loss_normalizer_before": torch.tensor(per_iter["loss_normalizer_before"], dtype=torch.float64),
        "loss_normalizer_after": torch.tensor(per_iter["loss_normalizer_after"], dtype=torch.float64),
        "num_pos": torch.tensor(per_iter["num_pos"], dtype=torch.int64),
        "grad_norm": torch.tensor(recorder.rows["grad_norm"], dtype=torch.float32),
        "grad_norm_after_clip": torch.tensor(recorder.rows["grad_norm_after_clip"], dtype=torch.float64),
        "grad_norm_per_param": torch.stack(recorder.rows["grad_norm_per_param"]),
        "param_norm_after_step": torch.stack(recorder.rows["param_norm_after_step"]),
        "param_names": list(recorder.names),
    }
    for section, values in losses.items():
        traj[section] = {k: torch.tensor(v, dtype=torch.float32) for k, v in values.items()}
    return traj


def replay_fixed(blob: Mapping[str, Any], *, recipe: str | None = None,
                 num_iters: int | None = None,
                 progress: Callable[[int], None] | None = None) -> ReplayResult:
    """Run part A of ``blob`` through the harness and return what it recorded.

    Args:
        blob: a ``training_trajectory`` file (``torch.load``-ed).
        recipe: config whose ``optim_wrapper`` gives the parameter groups; default: the kind's
            official THUMOS recipe.
        num_iters: stop after this many iterations (default: the file's ``num_iters``;
            the schedule stays the file's).
        progress: called with each finished iteration index.
    """
    from datasets.collate import tal_collate
    from harness.hooks.ema import ModelEMAHook
    from harness.schedulers import warmup_cosine_lr

    kind = str(blob["model"])
    fixed = blob["fixed"]
    model = build_model(kind, blob["model_kwargs"], fixed["initial_state_dict"],
                        fixed.get("runtime_overrides") or {})
    model.train()
    wrapper = build_optim_wrapper(model, kind, fixed, recipe)
    scheduler = build_scheduler(wrapper, fixed)
    runner = SimpleNamespace(model=model)
    n_steps = 0
    emas = {str(d): ModelEMAHook(decay=float(d)) for d in fixed["ema_decays"]}
    for hook in emas.values():
        hook.before_train(runner)
    recorder = _Recorder(model, wrapper)
    n_iter = int(fixed["schedule"]["num_iters"]) if num_iters is None else int(num_iters)
    batches = fixed["batches"]
    per_iter: dict[str, list[Any]] = {"lr": [], "loss_normalizer_before": [],
                                      "loss_normalizer_after": [], "num_pos": []}
    losses: dict[str, dict[str, list[float]]] = {}
    norms_each: list[tuple[float, ...]] = []
    original_step = model.loss_normalizer.step

    def normalizer_step(num_pos: int) -> list[float]:
        values = original_step(num_pos)
        norms_each.append(tuple(values))
        return values

    model.loss_normalizer.step = normalizer_step  # type: ignore[method-assign]
    for it in range(n_iter):
        per_iter["lr"].append([float(g["lr"]) for g in wrapper.optimizer.param_groups])
        per_iter["loss_normalizer_before"].append(model.loss_normalizer.value)
        log_vars = model.train_step(tal_collate(batches[it % len(batches)]), wrapper)
        per_iter["loss_normalizer_after"].append(model.loss_normalizer.value)
        per_iter["num_pos"].append(int(round(float(log_vars["num_pos"]))))
        for section, values in _loss_rows(kind, model, log_vars).items():
            for key, value in values.items():
                losses.setdefault(section, {}).setdefault(key, []).append(value)
        scheduler.step()
        n_steps += 1
        for hook in emas.values():
            hook.after_train_iter(runner, it)
        if progress:
            progress(it)
    lr_at_end = [
        warmup_cosine_lr(n_iter, base=b, warmup=scheduler.warmup, total=scheduler.end - scheduler.begin,
                         eta_min=scheduler.eta_min)
        for b in (g["initial_lr"] for g in wrapper.optimizer.param_groups)
    ]
    traj = trajectory_tensors(per_iter, recorder, losses)
    if kind == "cltdr_gmg":  # the two normaliser updates of each iteration (refined, then pre)
        traj["loss_normalizer_after_refined"] = torch.tensor([n[0] for n in norms_each], dtype=torch.float64)
        traj["loss_normalizer_after_before_refine"] = torch.tensor([n[-1] for n in norms_each], dtype=torch.float64)
    return ReplayResult(
        trajectory=traj,
        final_state_dict={k: v.detach().clone() for k, v in model.state_dict().items()},
        ema_state_dict={d: dict(h.ema or {}) for d, h in emas.items()},
        adamw_state=adamw_state(model, wrapper.optimizer, lr_at_end),
        optimizer_groups=optimizer_groups(model, wrapper.optimizer),
        scheduler_steps=n_steps,
        lr_at_end=lr_at_end,
        param_numels=[p.numel() for p in model.parameters()],
    )


def adamw_state(model: nn.Module, optimizer, lr_at_end: list[float]) -> dict[str, dict[str, Any] | None]:
    """Per parameter name: AdamW's ``step``, moments, its group's weight decay and lr, and
    ``lr_at_end`` (the group's schedule value at step ``num_iters``)."""
    group_of = {id(p): g for g in optimizer.param_groups for p in g["params"]}
    index_of = {id(p): i for i, g in enumerate(optimizer.param_groups) for p in g["params"]}
    out: dict[str, dict[str, Any] | None] = {}
    for name, p in model.named_parameters():
        state = optimizer.state.get(p)
        if not state:
            out[name] = None
            continue
        group = group_of[id(p)]
        out[name] = {"step": float(state["step"]), "exp_avg": state["exp_avg"].detach().clone(),
                     "exp_avg_sq": state["exp_avg_sq"].detach().clone(),
                     "weight_decay": float(group["weight_decay"]), "lr": float(group["lr"]),
                     "lr_at_end": lr_at_end[index_of[id(p)]]}
    return out


def optimizer_groups(model: nn.Module, optimizer) -> list[dict[str, Any]]:
    """Per group: member names and the AdamW hyper-parameters."""
    name_of = {id(p): n for n, p in model.named_parameters()}
    return [{"params": [name_of[id(p)] for p in g["params"]], "weight_decay": float(g["weight_decay"]),
             "betas": [float(b) for b in g["betas"]], "eps": float(g["eps"]),
             "amsgrad": bool(g["amsgrad"]), "initial_lr": float(g["initial_lr"])}
            for g in optimizer.param_groups]
