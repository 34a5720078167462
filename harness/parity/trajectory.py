"""Trajectory parity (reference README §F): compare a harness replay with an official run.

Part A (``fixed``) is checked in the order of README §F.4:

1. exact: optimiser groups, ``lr`` (1e-12 relative), loss normalisers (1e-12), ``num_pos``,
   which parameters have a gradient at each iteration, AdamW step counts, scheduler end;
2. tight window (iterations before the file's first noise floor > 1e-6): losses and gradient
   norms rtol 1e-5, per-parameter norms rtol 1e-4 + atol 1e-9;
3. whole trajectory: losses and gradient norms within max(10 x the file's largest floor, 1e-5);
   per-parameter norms within the bounds the final-state floor implies;
4. final weights, both EMA copies and the AdamW moments within 10 x the per-tensor floor + 1e-6.

The first iteration where a per-iteration quantity leaves ``max(10 x floor[i], 1e-6)`` is the
*departure*, printed to localise a difference. Every key of the file is accounted for
(:data:`FILE_KEYS`): compared, used as input or tolerance, or descriptive; an unknown key fails.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from harness.parity.compare import EXACT, Row, Tolerance, compare_scalar, compare_tensor

TIGHT = 1e-6  # a floor above this ends the tight window (README §F.4)
LOSS_FLOOR_KEYS = {  # trajectory quantity -> noise_floor.rel_dev key
    "losses.final_loss": "final_loss", "losses.cls_loss": "cls_loss", "losses.reg_loss": "reg_loss",
    "losses_refined.final_loss": "refined_final_loss", "losses_refined.cls_loss": "cls_loss",
    "losses_refined.reg_loss": "reg_loss",
    "losses_before_refine.final_loss": "before_refine_final_loss",
    "losses_before_refine.cls_loss": "cls_loss", "losses_before_refine.reg_loss": "reg_loss",
    "grad_norm": "grad_norm", "grad_norm_after_clip": "grad_norm",
}
EXACT_SERIES = ("loss_normalizer_before", "loss_normalizer_after", "loss_normalizer_after_refined",
                "loss_normalizer_after_before_refine")

# How each key of a trajectory file is used. 'compare': checked against the harness;
# 'input': builds the replay; 'tolerance': sets the bounds; 'info': describes the official run.
FILE_KEYS: dict[str, str] = {
    "format_version": "info", "kind": "info", "model": "info", "variant": "info", "seed": "info",
    "official": "info", "config_json": "info", "torch_version": "info", "numpy_version": "info",
    "python_version": "info", "torch_num_threads": "info", "wall_time_s": "info",
    "model_kwargs": "input", "fixed": "section", "seeded": "section",
}
FIXED_KEYS: dict[str, str] = {
    "what": "info", "seconds": "info", "data_seed": "info (the stored batches were drawn with it)",
    "schedule": "input", "opt_cfg": "input", "clip_grad_l2norm": "input", "ema_decays": "input",
    "runtime_overrides": "input", "batches": "input", "initial_state_dict": "input",
    "noise_floor": "tolerance",
    "noise_floor_swapped_batches": "tolerance (source of noise_floor, consistency-checked)",
    "noise_floor_perturbed_init": "tolerance (source of noise_floor, consistency-checked)",
    "trajectory": "compare", "final_state_dict": "compare", "ema_state_dict": "compare",
    "adamw_state": "compare", "optimizer": "compare", "scheduler_last_epoch": "compare",
    "lr_after_last_step": "compare",
}
TRAJECTORY_KEYS = frozenset({
    "lr", "loss_normalizer_before", "loss_normalizer_after", "grad_norm", "grad_norm_after_clip",
    "grad_norm_per_param", "param_norm_after_step", "param_names", "losses", "num_pos",
    "losses_refined", "losses_before_refine", "loss_normalizer_after_refined",
    "loss_normalizer_after_before_refine",
})


@dataclass(frozen=True)
class Departure:
    """First iteration where ``quantity`` leaves its per-iteration bound."""

    iteration: int
    quantity: str
    rel_dev: float
    bound: float

    def describe(self) -> str:
        return (f"first departure: iteration {self.iteration}, {self.quantity} "
                f"(rel. dev. {self.rel_dev:.3g} > bound {self.bound:.3g})")


def _fail(name: str, note: str) -> Row:
    return Row(name, math.inf, math.inf, math.inf, "-", False, note)


def _info(name: str, note: str) -> Row:
    return Row(name, 0.0, 0.0, 0.0, "-", True, note)


def unknown_keys(section: Mapping[str, Any], known: Mapping[str, str] | frozenset, where: str) -> list[Row]:
    """A failed row per key of ``section`` that this checker does not know."""
    return [_fail(f"{where}{k}", "unknown key: not compared (update harness.parity.trajectory)")
            for k in section if k not in known]


def series(tree: Mapping[str, Any], dotted: str) -> Tensor | None:
    node: Any = tree
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, Tensor) else None


def rel_dev(actual: Tensor, expected: Tensor) -> Tensor:
    """|a − e| / |e| element-wise in float64 (0 where both are equal, inf where e = 0 ≠ a)."""
    a, e = actual.double(), expected.double()
    d = (a - e).abs()
    return torch.where(d == 0, torch.zeros_like(d), d / e.abs())


def first_tight_departure(noise_floor: Mapping[str, Any]) -> int:
    """First iteration whose floor (any quantity) exceeds 1e-6; the run length if none."""
    floors = torch.stack([v.double() for v in noise_floor["rel_dev"].values()])  # [Q, N]
    over = (floors > TIGHT).any(0).nonzero()
    return int(over[0]) if over.numel() else floors.shape[1]


def compare_fixed(fixed: Mapping[str, Any], replay, kind: str) -> tuple[list[Row], Departure | None]:
    """Rows of every part-A check, and the first departure (None: none found)."""
    rows: list[Row] = unknown_keys(fixed, FIXED_KEYS, "fixed.")
    exp, act = fixed["trajectory"], replay.trajectory
    rows += unknown_keys(exp, TRAJECTORY_KEYS, "fixed.trajectory.")
    floor = fixed["noise_floor"]
    n_iter = int(exp["lr"].shape[0])
    window = first_tight_departure(floor)
    rows += _exact_checks(fixed, replay, exp, act)
    rows += _series_checks(exp, act, floor, window, n_iter, replay.param_numels)
    rows += _final_checks(fixed, replay)
    rows += _floor_consistency(fixed)
    rows.append(_info("fixed.tight_window", f"iterations 0..{window - 1} held to the tight tolerances"))
    return rows, departure(exp, act, floor)


def _exact_checks(fixed, replay, exp, act) -> list[Row]:
    rows = [compare_scalar("fixed.trajectory.param_names", act["param_names"], exp["param_names"], EXACT)]
    rows.append(compare_tensor("fixed.trajectory.lr", act["lr"], exp["lr"], Tolerance(rtol=1e-12)))
    for key in EXACT_SERIES:
        if key in exp:
            rows.append(_tensor_row(f"fixed.trajectory.{key}", act.get(key), exp[key], Tolerance(rtol=1e-12)))
    rows.append(_tensor_row("fixed.trajectory.num_pos", act.get("num_pos"), exp["num_pos"], EXACT))
    present_e = ~torch.isnan(exp["grad_norm_per_param"])  # [N, P]
    present_a = ~torch.isnan(act["grad_norm_per_param"])
    rows.append(_pattern_row("fixed.trajectory.grad_present (grad is not None)", present_a, present_e,
                             exp["param_names"]))
    groups_e = fixed["optimizer"]["groups"]
    if len(groups_e) != len(replay.optimizer_groups):
        rows.append(_fail("fixed.optimizer.groups", f"{len(replay.optimizer_groups)} groups != {len(groups_e)}"))
    else:
        for g, (a, e) in enumerate(zip(replay.optimizer_groups, groups_e)):
            rows.append(compare_scalar(f"fixed.optimizer.groups[{g}].params", a["params"], list(e["params"]), EXACT))
            for key in ("weight_decay", "eps", "initial_lr"):
                rows.append(compare_scalar(f"fixed.optimizer.groups[{g}].{key}", a[key], e[key], Tolerance(rtol=1e-12)))
            rows.append(compare_scalar(f"fixed.optimizer.groups[{g}].betas", a["betas"], list(e["betas"]), EXACT))
            rows.append(compare_scalar(f"fixed.optimizer.groups[{g}].amsgrad", a["amsgrad"], e["amsgrad"], EXACT))
    rows += _adamw_exact(replay.adamw_state, fixed["adamw_state"])
    # the harness scheduler (mmengine) takes one step per iteration and stops at its end; the
    # official one takes the same steps; its lr after the last step is used by no iteration
    rows.append(compare_scalar("fixed.scheduler_last_epoch (scheduler steps taken)",
                               replay.scheduler_steps, int(fixed["scheduler_last_epoch"]), EXACT))
    rows.append(_tensor_row("fixed.lr_after_last_step (schedule at step num_iters)",
                            torch.tensor(replay.lr_at_end, dtype=torch.float64),
                            torch.tensor(fixed["lr_after_last_step"], dtype=torch.float64),
                            Tolerance(rtol=1e-12)))
    return rows


def _adamw_exact(actual: Mapping[str, Any], expected: Mapping[str, Any]) -> list[Row]:
    rows = []
    never_a = sorted(n for n, s in actual.items() if s is None)
    never_e = sorted(n for n, s in expected.items() if s is None)
    rows.append(compare_scalar("fixed.adamw_state (never stepped)", never_a, never_e, EXACT))
    if set(actual) != set(expected):
        rows.append(_fail("fixed.adamw_state (names)", f"differ: {sorted(set(actual) ^ set(expected))[:5]}"))
        return rows
    names = [n for n in expected if expected[n] is not None and actual[n] is not None]
    steps_a = torch.tensor([actual[n]["step"] for n in names], dtype=torch.float64)
    steps_e = torch.tensor([float(expected[n]["step"]) for n in names], dtype=torch.float64)
    row = compare_tensor("fixed.adamw_state[*].step", steps_a, steps_e, EXACT)
    if not row.ok:
        bad = [n for n, a, e in zip(names, steps_a, steps_e) if a != e]
        row = Row(**{**row.__dict__, "note": f"{len(bad)} differ, e.g. {bad[0]}"})
    rows.append(row)
    # lr: the group lr after the last scheduler step (see lr_after_last_step)
    for key, src in (("weight_decay", "weight_decay"), ("lr", "lr_at_end")):
        a = torch.tensor([actual[n][src] for n in names], dtype=torch.float64)
        e = torch.tensor([float(expected[n][key]) for n in names], dtype=torch.float64)
        rows.append(compare_tensor(f"fixed.adamw_state[*].{key}", a, e, Tolerance(rtol=1e-12)))
    return rows


def floor_bounded_rows(
    part: str, exp, act, keys: Mapping[str, str], rel_dev: Mapping[str, Tensor], window: int
) -> list[Row]:
    """Each recorded series ``q`` of ``keys`` (→ its noise-floor key): rtol 1e-5 over the
    first ``window`` iterations, then over all of them within 10x the largest relative
    deviation of its noise-floor run (at least 1e-5); a series the replay lacks fails."""
    rows = []
    for q, key in keys.items():
        e = series(exp, q)
        if e is None:
            continue
        a = series(act, q)
        if a is None:
            rows.append(_fail(f"{part}.trajectory.{q}", "not produced by the replay"))
            continue
        rows.append(compare_tensor(f"{part}.trajectory.{q} (tight 0..{window - 1})", a[:window], e[:window],
                                   Tolerance(rtol=1e-5)))
        bound = max(10 * float(rel_dev[key].max()), 1e-5)
        rows.append(compare_tensor(f"{part}.trajectory.{q} (all)", a, e, Tolerance(rtol=bound)))
    return rows


def _series_checks(exp, act, floor, window: int, n_iter: int, numels: Sequence[int]) -> list[Row]:
    rel = floor["rel_dev"]
    rows = floor_bounded_rows("fixed", exp, act, LOSS_FLOOR_KEYS, rel, window)
    # per-tensor norms: rtol 1e-4, or within 1e-5 (the totals' tight rtol) of the iteration's
    # total norm; README F.4's atol 1e-9 fails on float noise: ActionFormer's attention key
    # biases get gradients that vanish in exact arithmetic (softmax shift), so their norms are
    # float noise of 1e-9..1e-8
    totals = {"grad_norm_per_param": exp["grad_norm"].double(),
              "param_norm_after_step": exp["param_norm_after_step"].double().nan_to_num().norm(dim=1)}
    for q, total in totals.items():
        e = exp[q][:window].double()
        allow = 1e-4 * e.abs().nan_to_num() + 1e-5 * total[:window, None] + 1e-9
        rows.append(_bounded_row(f"fixed.trajectory.{q} (tight 0..{window - 1})", act[q][:window],
                                 exp[q][:window], allow, "1e-4·|ref| + 1e-5·total(i)"))
    # whole run: a per-parameter norm moves by at most the L2 norm of its tensor's deviation
    # (<= sqrt(numel) x max-abs); the final-state floor bounds that deviation (it grows with i)
    final_floor = floor["final_state_max_abs"]
    names = exp["param_names"]
    numel = torch.tensor([float(k) for k in numels], dtype=torch.float64)
    if numel.numel() != len(names):
        return rows + [_fail("fixed.trajectory.param_norm_after_step (all)", "parameter count differs")]
    allow = 10 * torch.tensor([final_floor.get(n, 0.0) for n in names], dtype=torch.float64) * numel.sqrt() + 1e-6
    rows.append(_bounded_row("fixed.trajectory.param_norm_after_step (all)", act["param_norm_after_step"],
                             exp["param_norm_after_step"], allow[None].expand(n_iter, -1),
                             "10·final floor·sqrt(numel) + 1e-6"))
    # gradients: relative to each iteration's total norm, 10 x the largest grad-norm floor
    g_bound = max(10 * float(rel["grad_norm"].max()), 1e-5)
    allow_g = g_bound * exp["grad_norm"].double()[:, None].expand(-1, len(names)) + 1e-9
    rows.append(_bounded_row("fixed.trajectory.grad_norm_per_param (all)", act["grad_norm_per_param"],
                             exp["grad_norm_per_param"], allow_g,
                             f"{g_bound:.3g}·grad_norm(i) + 1e-9"))
    return rows


def _final_checks(fixed, replay) -> list[Row]:
    rows = []
    floor = fixed["noise_floor"]
    rows += _state_rows("fixed.final_state_dict", replay.final_state_dict, fixed["final_state_dict"],
                        floor["final_state_max_abs"])
    for decay, exp_state in fixed["ema_state_dict"].items():
        rows += _state_rows(f"fixed.ema_state_dict[{decay}]", replay.ema_state_dict.get(decay, {}),
                            exp_state, floor["ema_state_max_abs"][decay])
    # AdamW moments average (squared) clipped gradients: |δm| <= max_i |δg_i|, bounded by 10 x
    # the largest grad-norm floor x the largest clipped norm; |δv| <= 2·|g|·|δg|. (README
    # F.4's weight-floor rule has the wrong unit here: a kink the floor run hits too moves the
    # late gradients far more than the weights; the row note gives that rule's worst ratio.)
    g_floor = 10 * float(floor["rel_dev"]["grad_norm"].max())
    g_max = float(fixed["trajectory"]["grad_norm_after_clip"].max())
    bounds = {"exp_avg": g_floor * g_max + 1e-6, "exp_avg_sq": 2 * g_floor * g_max ** 2 + 1e-9}
    for moment, bound in bounds.items():
        exp_m = {n: s[moment] for n, s in fixed["adamw_state"].items() if s is not None}
        act_m = {n: s[moment] for n, s in replay.adamw_state.items() if s is not None}
        row = _state_rows(f"fixed.adamw_state[*].{moment}", act_m, exp_m, {}, flat=bound)[0]
        weight_rule = _state_rows("", act_m, exp_m, floor["final_state_max_abs"])[0]
        rows.append(Row(row.name, row.max_abs, row.max_rel, row.worst, f"{bound:.3g} (grad floor)", row.ok,
                        f"{row.note}; weight-floor rule worst ratio {weight_rule.worst:.3g}"))
    return rows


def _state_rows(name: str, actual: Mapping[str, Tensor], expected: Mapping[str, Tensor],
                floor: Mapping[str, float], flat: float | None = None) -> list[Row]:
    """One row per state: every tensor within 10 x its floor + 1e-6 (the worst tensor named)."""
    missing = sorted(set(expected) - set(actual))
    if missing:
        return [_fail(name, f"{len(missing)} tensors missing, e.g. {missing[0]}")]
    worst, worst_key, max_abs, ok_dtype = 0.0, "", 0.0, True
    notes = []
    for key, e in expected.items():
        a = actual[key]
        if a.dtype != e.dtype or a.shape != e.shape:
            ok_dtype = False
            notes.append(f"{key}: {a.dtype}{tuple(a.shape)} != {e.dtype}{tuple(e.shape)}")
            continue
        dev = float((a.double() - e.double()).abs().max()) if e.numel() else 0.0
        allow = flat if flat is not None else 10 * float(floor.get(key, 0.0)) + 1e-6
        if dev / allow > worst:
            worst, worst_key = dev / allow, key
        max_abs = max(max_abs, dev)
    ok = ok_dtype and worst <= 1.0
    note = "; ".join(notes[:2]) if notes else f"worst {worst_key}"
    return [Row(f"{name} ({len(expected)} tensors)", max_abs, math.nan, worst,
                "10·floor[key] + 1e-6", ok, note)]


def _floor_consistency(fixed) -> list[Row]:
    """noise_floor.rel_dev must be the element-wise max of its two source runs (file check)."""
    rows = []
    runs = [fixed.get("noise_floor_swapped_batches"), fixed.get("noise_floor_perturbed_init")]
    for key, value in fixed["noise_floor"]["rel_dev"].items():
        parts = [r["rel_dev"][key].double() for r in runs if r and key in r.get("rel_dev", {})]
        if not parts:
            rows.append(_fail(f"fixed.noise_floor.rel_dev.{key}", "no source run holds it"))
            continue
        rows.append(compare_tensor(f"fixed.noise_floor.rel_dev.{key} (= max of its runs)",
                                   torch.stack(parts).max(0).values, value.double(), EXACT))
    return rows


def departure(exp, act, floor) -> Departure | None:
    """First (iteration, quantity) beyond max(10 x floor[i], 1e-6), exact series included."""
    best: Departure | None = None
    n = int(exp["lr"].shape[0])
    candidates: list[tuple[str, Tensor, Tensor]] = []
    for q in ("lr",) + EXACT_SERIES + ("num_pos",):
        e, a = series(exp, q), series(act, q)
        if e is not None and a is not None and e.shape == a.shape:
            candidates.append((q, rel_dev(a, e).reshape(n, -1).max(1).values, torch.full((n,), 1e-12)))
    pe = torch.isnan(exp["grad_norm_per_param"]).double()
    pa = torch.isnan(act["grad_norm_per_param"]).double()
    if pe.shape == pa.shape:
        candidates.append(("grad_present", (pe - pa).abs().max(1).values, torch.zeros(n)))
    for q, key in LOSS_FLOOR_KEYS.items():
        e, a = series(exp, q), series(act, q)
        if e is not None and a is not None and e.shape == a.shape:
            bound = torch.clamp(10 * floor["rel_dev"][key].double(), min=TIGHT)
            candidates.append((q, rel_dev(a, e), bound))
    for q, dev, bound in candidates:
        if dev.shape != bound.shape:
            continue  # a length mismatch already fails its row
        over = (dev > bound).nonzero()
        if over.numel():
            i = int(over[0])
            if best is None or i < best.iteration:
                best = Departure(i, q, float(dev[i]), float(bound[i]))
    return best


def _tensor_row(name: str, actual: Tensor | None, expected: Tensor, tol: Tolerance) -> Row:
    if actual is None:
        return _fail(name, "not produced by the replay")
    return compare_tensor(name, actual, expected, tol)


def _pattern_row(name: str, actual: Tensor, expected: Tensor, names: Sequence[str]) -> Row:
    if actual.shape != expected.shape:
        return _fail(name, f"shape {tuple(actual.shape)} != {tuple(expected.shape)}")
    diff = (actual != expected).nonzero()
    if not diff.numel():
        return Row(name, 0.0, 0.0, 0.0, "exact", True)
    i, p = (int(x) for x in diff[0])
    what = "None in the harness" if expected[i, p] else "None in the official run"
    return Row(name, math.inf, math.inf, math.inf, "exact", False,
               f"{len(diff)} differ; first: iteration {i}, {names[p]} ({what})")


def _bounded_row(name: str, actual: Tensor, expected: Tensor, allow: Tensor, tol: str) -> Row:
    """|a − e| <= allow element-wise (both NaN counts as equal; one NaN fails)."""
    if actual.shape != expected.shape:
        return _fail(name, f"shape {tuple(actual.shape)} != {tuple(expected.shape)}")
    if actual.dtype != expected.dtype:
        return _fail(name, f"dtype {actual.dtype} != {expected.dtype}")
    a, e = actual.double(), expected.double()
    both = torch.isnan(a) & torch.isnan(e)
    diff = (a - e).abs().masked_fill(both, 0.0)
    diff = torch.where(torch.isnan(diff), torch.full_like(diff, math.inf), diff)
    ratio = diff / allow.double().clamp_min(1e-300)
    worst = float(ratio.max()) if ratio.numel() else 0.0
    return Row(name, float(diff.max()) if diff.numel() else 0.0, float(rel_dev(a, e).masked_fill(both, 0).max()),
               worst, tol, worst <= 1.0)


def check_file_keys(blob: Mapping[str, Any]) -> list[Row]:
    """Rows for the top level: format version, and a failure per unknown key."""
    rows = unknown_keys(blob, FILE_KEYS, "")
    version = blob.get("format_version")
    rows.append(compare_scalar("format_version (supported)", version, 1, EXACT))
    return rows


def not_compared(blob: Mapping[str, Any]) -> list[str]:
    """'key: role' for every key that is an input, a tolerance or descriptive."""
    out = [f"{k}: {v}" for k, v in FILE_KEYS.items() if k in blob and v not in ("section",)]
    fixed = blob.get("fixed") or {}
    out += [f"fixed.{k}: {v}" for k, v in FIXED_KEYS.items() if k in fixed and v != "compare"]
    return out
