"""Terminal output of a sweep: the plan (dry run), a live progress bar, the summary table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from harness.sweep.plan import SweepPlan
from harness.sweep.worker import RunOutcome

FAILED = ("failed",)


class SweepProgress:
    """A rich progress bar: runs done / failed / remaining, elapsed time and ETA."""

    def __init__(self, total: int, console: Console | None = None, label: str = "sweep") -> None:
        self.console = console or Console(stderr=True)
        self.counts: Counter[str] = Counter()
        self.total = total
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[done]} done · {task.fields[failed]} failed · "
                       "{task.fields[remaining]} remaining"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.task = self.progress.add_task(label, total=total, done=0, failed=0, remaining=total)

    def __enter__(self) -> SweepProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def update(self, outcome: RunOutcome) -> None:
        self.counts[outcome.outcome] += 1
        finished = sum(self.counts.values())
        failed = self.counts["failed"]
        self.progress.update(
            self.task, completed=finished, done=finished - failed, failed=failed,
            remaining=max(0, self.total - finished),
        )
        if outcome.outcome in ("failed", "interrupted", "running-elsewhere", "stale"):
            self.progress.console.print(f"  {outcome.outcome}: {outcome.key}  {outcome.message}")


def print_plan(plan: SweepPlan, console: Console) -> None:
    """The dry run: every run with its folder state and action, and the cells not run."""
    table = Table(title=f"sweep plan: {plan.experiment} ({plan.scale} scale), seeds "
                        f"{','.join(map(str, plan.seeds))}, results {plan.results}")
    for col in ("run", "seed", "state", "action", "rows"):
        table.add_column(col)
    for r in plan.runs:
        table.add_row(r.job.run_name, str(r.job.seed), r.state, r.action, "; ".join(r.rows))
    console.print(table)
    if plan.runs:
        console.print("command of the first run: " + " ".join(plan.runs[0].job.argv("fresh")))
    print_not_run(plan, console)


def print_not_run(plan: SweepPlan, console: Console) -> None:
    if not plan.not_run:
        return
    by_reason = Counter(reason for _, reason in plan.not_run)
    console.print(f"{len(plan.not_run)} rows not run:")
    for reason, n in sorted(by_reason.items()):
        console.print(f"  {n:3d} × {reason}")
    unavailable = [c for c, why in plan.not_run if "not available" in why]
    for cell in unavailable:
        console.print(f"      config not available yet: {cell.config}  ({cell.row.label})")


def print_summary(plan: SweepPlan, outcomes: Sequence[RunOutcome], console: Console) -> None:
    """Per run name: trained / already done / failed / other, then every problem."""
    by_key = {o.key: o for o in outcomes}
    rows: dict[str, Counter[str]] = {}
    for r in plan.runs:
        o = by_key.get(r.job.key)
        status = o.outcome if o is not None else {
            "skip": {"done": "done", "stale": "stale", "failed": "skipped-failed"}.get(r.state, r.state),
        }.get(r.action, "not started")
        rows.setdefault(r.job.run_name, Counter())[status] += 1
    table = Table(title=f"sweep summary: {plan.experiment} ({plan.scale} scale)")
    for col, justify in (("run", "left"), ("ok", "right"), ("trained now", "right"),
                         ("failed", "right"), ("other", "left")):
        table.add_column(col, justify=justify)
    for name, counts in rows.items():
        ok = counts["trained"] + counts["done"]
        failed = counts["failed"] + counts["skipped-failed"]
        other = ", ".join(f"{n} {k}" for k, n in counts.items()
                          if k not in ("trained", "done", "failed", "skipped-failed"))
        table.add_row(name, str(ok), str(counts["trained"]), str(failed) if failed else "", other)
    console.print(table)
    problems = [o for o in outcomes if o.outcome in ("failed", "skipped-failed", "stale",
                                                     "running-elsewhere", "interrupted")]
    for o in problems:
        console.print(f"  {o.outcome}: {o.key}: {o.message}")
    skipped_failed = [r for r in plan.runs if r.action == "skip" and r.state == "failed"]
    for r in skipped_failed:
        if r.job.key not in by_key:
            console.print(f"  skipped-failed: {r.job.key}: {r.problem} (use --retry-failed)")
    print_not_run(plan, console)
