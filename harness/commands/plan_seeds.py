"""``python -m harness plan-seeds --sd S --delta D``: seeds per method before a sweep.

The smallest n (seeds per method, equal for both methods) at which a two-sided two-sample
t-test at level ``--alpha`` detects a true difference ``--delta`` between two methods whose
runs spread with standard deviation ``--sd`` (same units, e.g. mAP points), with probability
``--power``. Power is the exact noncentral-t power (:mod:`harness.core.power`), not the
normal approximation. ``--json`` prints ``{"seeds_per_method": n, ...}``.
"""

from __future__ import annotations

import argparse
import json

NAME = "plan-seeds"
HELP = "seeds per method to detect a difference DELTA at run-to-run sd S (exact t-test power)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sd", type=float, required=True,
                   help="standard deviation of one run's result (e.g. mAP points)")
    p.add_argument("--delta", type=float, required=True,
                   help="the difference between the two methods to detect (same units)")
    p.add_argument("--alpha", type=float, default=0.05, help="two-sided level (default 0.05)")
    p.add_argument("--power", type=float, default=0.8, help="target power (default 0.8)")
    p.add_argument("--max-seeds", type=int, default=100_000,
                   help="give up above this many seeds per method (default 100000)")
    p.add_argument("--json", action="store_true", help="print JSON only")


def run(args: argparse.Namespace) -> int:
    from harness.core.power import seeds_per_method
    from harness.errors import ConfigError

    if args.max_seeds < 2:
        raise ConfigError(f"--max-seeds: need at least 2, got {args.max_seeds}")
    try:
        plan = seeds_per_method(args.sd, args.delta, args.alpha, args.power, args.max_seeds)
    except ValueError as exc:
        raise ConfigError(f"plan-seeds: {exc}") from exc
    out = {**plan.to_json(), "sd": args.sd, "delta": args.delta}
    if args.json:
        print(json.dumps(out))
        return 0
    if plan.n is None:
        print(f"not reachable with up to {args.max_seeds} seeds per method "
              f"(Δ/sd = {plan.effect_size:.3g}; power {plan.achieved:.3f} at {args.max_seeds})")
        return 1
    prev = "" if out["power_at_one_fewer"] is None else \
        f", {out['power_at_one_fewer']:.3f} with {plan.n - 1}"
    print(f"{plan.n} seeds per method ({2 * plan.n} runs) to detect Δ = {args.delta:g} at "
          f"sd = {args.sd:g} (Δ/sd = {plan.effect_size:.3g}) with power {args.power:g} at "
          f"α = {args.alpha:g}: power {plan.achieved:.3f} with {plan.n}{prev}.\n"
          f"test: {plan.test}")
    return 0
