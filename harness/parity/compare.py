"""Element-wise comparison of nested reference structures (tensors, numbers, strings)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor


@dataclass(frozen=True)
class Tolerance:
    """|actual − expected| <= atol + rtol·|expected| element-wise, or exact equality."""

    atol: float = 0.0
    rtol: float = 0.0
    exact: bool = False

    def describe(self) -> str:
        if self.exact:
            return "exact"
        return f"{self.atol:g} + {self.rtol:g}·|ref|"


EXACT = Tolerance(exact=True)


@dataclass(frozen=True)
class Row:
    """One compared value: ``ok`` is False when beyond tolerance, missing or mismatched.

    ``max_abs``/``max_rel`` are the largest absolute and relative (|a−e|/|e|) errors;
    ``worst`` is the largest ratio of the error to its allowance (<= 1 passes).
    """

    name: str
    max_abs: float
    max_rel: float
    worst: float
    tolerance: str
    ok: bool
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if math.isnan(x) or math.isinf(x) else x

        return {
            "name": self.name, "max_abs_err": num(self.max_abs), "max_rel_err": num(self.max_rel),
            "worst_ratio": num(self.worst), "tolerance": self.tolerance, "ok": self.ok,
            "note": self.note,
        }


def compare_tensor(name: str, actual: Tensor, expected: Tensor, tol: Tolerance) -> Row:
    """Compare two tensors (shape and dtype must agree: a bool mask is no float mask)."""
    if tuple(actual.shape) != tuple(expected.shape):
        return Row(name, math.inf, math.inf, math.inf, tol.describe(), False,
                   f"shape {tuple(actual.shape)} != {tuple(expected.shape)}")
    if actual.dtype != expected.dtype:
        return Row(name, math.inf, math.inf, math.inf, tol.describe(), False,
                   f"dtype {actual.dtype} != {expected.dtype}")
    if actual.numel() == 0:
        return Row(name, 0.0, 0.0, 0.0, tol.describe(), True, "empty")
    a = actual.detach().cpu().to(torch.float64)
    e = expected.detach().cpu().to(torch.float64)
    both_nan = torch.isnan(a) & torch.isnan(e)
    diff = (a - e).abs().masked_fill(both_nan, 0.0)  # NaN where only one side is NaN
    diff = torch.where(torch.isnan(diff), torch.full_like(diff, math.inf), diff)
    max_abs = float(diff.max())
    rel = diff / e.abs().clamp_min(1e-30)
    max_rel = float(rel.masked_fill(diff == 0, 0.0).max())
    if tol.exact:
        ok = max_abs == 0.0
        return Row(name, max_abs, max_rel, 0.0 if ok else math.inf, tol.describe(), ok)
    allow = tol.atol + tol.rtol * e.abs()
    ratio = diff / allow.clamp_min(1e-300)
    worst = float(ratio.masked_fill(diff == 0, 0.0).max())
    return Row(name, max_abs, max_rel, worst, tol.describe(), worst <= 1.0)


def compare_scalar(name: str, actual: Any, expected: Any, tol: Tolerance) -> Row:
    """Compare numbers (within tolerance), or anything else by equality."""
    number = (int, float)
    if isinstance(expected, bool) or not isinstance(expected, number):
        ok = actual == expected
        note = "" if ok else f"{actual!r} != {expected!r}"
        return Row(name, 0.0 if ok else math.inf, 0.0 if ok else math.inf,
                   0.0 if ok else math.inf, "exact", ok, note)
    if not isinstance(actual, number) or isinstance(actual, bool):
        return Row(name, math.inf, math.inf, math.inf, tol.describe(), False,
                   f"expected a number, got {actual!r}")
    return compare_tensor(name, torch.tensor(float(actual)), torch.tensor(float(expected)), tol)


DETECTION_KEYS = frozenset({"segments", "scores", "labels"})


def tie_groups(scores: Tensor, tol: Tolerance) -> list[tuple[int, int]]:
    """Index ranges of consecutive rows whose scores could swap order within tolerance."""
    s = scores.detach().cpu().to(torch.float64)
    if s.numel() == 0:
        return []
    allow = tol.atol + tol.rtol * s.abs()
    gap = (s[1:] - s[:-1]).abs() > (allow[1:] + allow[:-1])  # [N-1] True: boundary
    starts = [0] + (torch.nonzero(gap).flatten() + 1).tolist()
    ends = starts[1:] + [s.numel()]
    return list(zip(starts, ends))


def _canonical_order(segments: Tensor, labels: Tensor, groups: list[tuple[int, int]]) -> Tensor:
    """Permutation sorting each tie group by (label, start, end); other rows keep their place."""
    order = torch.arange(labels.numel())
    for lo, hi in groups:
        if hi - lo > 1:
            seg = segments[lo:hi].detach().cpu().to(torch.float64)
            lab = labels[lo:hi].detach().cpu().to(torch.float64)
            keys = torch.stack((lab, seg[:, 0], seg[:, 1]), 1).tolist()  # [n, 3]
            local = sorted(range(hi - lo), key=lambda i: keys[i])
            order[lo:hi] = torch.as_tensor(local) + lo
    return order


def compare_detections(
    name: str,
    actual: Mapping[str, Tensor],
    expected: Mapping[str, Tensor],
    tolerance_of: Callable[[str], Tolerance],
) -> list[Row]:
    """Compare a detections dict (``segments`` [N, 2], ``scores`` [N], ``labels`` [N]).

    Rows come in the reference order, except that rows whose scores tie within tolerance
    may come in any order (a float rounding can swap them in a descending sort); within such
    a group both sides are put in (label, start, end) order before comparing.
    """
    if any(k not in actual for k in DETECTION_KEYS):
        return [_missing(name, "missing detections keys")]
    exp_scores = expected["scores"]
    if tuple(actual["scores"].shape) != tuple(exp_scores.shape):
        return [compare_tensor(f"{name}.{k}", actual[k], expected[k], tolerance_of(f"{name}.{k}"))
                for k in ("segments", "scores", "labels")]
    groups = tie_groups(exp_scores, tolerance_of(f"{name}.scores"))
    exp_order = _canonical_order(expected["segments"], expected["labels"], groups)
    act_order = _canonical_order(actual["segments"], actual["labels"], groups)
    rows = [compare_tensor(f"{name}.scores", actual["scores"], exp_scores,
                           tolerance_of(f"{name}.scores"))]
    for key in ("segments", "labels"):
        rows.append(compare_tensor(
            f"{name}.{key}", actual[key][act_order], expected[key][exp_order],
            tolerance_of(f"{name}.{key}"),
        ))
    n_tied = sum(hi - lo for lo, hi in groups if hi - lo > 1)
    if n_tied:
        rows[-1] = Row(**{**rows[-1].__dict__, "note": f"{n_tied} rows in score-tie groups"})
    return rows


def compare_tree(
    name: str,
    actual: Any,
    expected: Any,
    tolerance_of: Callable[[str], Tolerance],
    rows: list[Row] | None = None,
) -> list[Row]:
    """Walk ``expected`` (dicts, lists, tensors, scalars) and compare ``actual`` at each leaf.

    Lists of strings are compared as wholes (e.g. ``params_without_grad``); a key absent
    from ``actual`` is a failed row.
    """
    rows = [] if rows is None else rows
    if isinstance(expected, Mapping) and set(expected) == DETECTION_KEYS:
        if not isinstance(actual, Mapping):
            rows.append(_missing(name, "not a dict"))
        else:
            rows.extend(compare_detections(name, actual, expected, tolerance_of))
    elif isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            rows.append(_missing(name, "not a dict"))
            return rows
        for key, exp in expected.items():
            sub = f"{name}.{key}" if name else str(key)
            if key not in actual:
                rows.append(_missing(sub, "missing"))
            else:
                compare_tree(sub, actual[key], exp, tolerance_of, rows)
    elif isinstance(expected, Sequence) and not isinstance(expected, str):
        if all(isinstance(x, str) for x in expected):
            rows.append(compare_scalar(name, list(actual), list(expected), EXACT))
        elif not isinstance(actual, Sequence) or len(actual) != len(expected):
            n = len(actual) if isinstance(actual, Sequence) else None
            rows.append(_missing(name, f"length {n} != {len(expected)}"))
        else:
            for i, (a, e) in enumerate(zip(actual, expected)):
                compare_tree(f"{name}[{i}]", a, e, tolerance_of, rows)
    elif isinstance(expected, Tensor):
        if not isinstance(actual, Tensor):
            rows.append(_missing(name, f"expected a tensor, got {type(actual).__name__}"))
        else:
            rows.append(compare_tensor(name, actual, expected, tolerance_of(name)))
    else:
        rows.append(compare_scalar(name, actual, expected, tolerance_of(name)))
    return rows


def _missing(name: str, note: str) -> Row:
    return Row(name, math.inf, math.inf, math.inf, "-", False, note)
