"""The numbers the README quotes, computed from committed files (``python -m
harness.reporting.readme_numbers`` prints them; ``tests/test_readme_numbers.py`` checks that
the README says the same).

Everywhere in the README and the reports, **± is the half-width of the 95 % t-interval of the
mean** (t with n − 1 degrees of freedom), n being said next to it.

- the Table 1 synthetic summary: ``results/tables/table1-synthetic/summary.csv``;
- the run times: ``wall_time_s`` of ``results/tables/<experiment>-synthetic/runs.csv``;
- the model speed tables of the model READMEs: ``results/bench/models_cpu_quick.json``;
- the trivial baseline: ``results/trivial-baseline/<preset>-<quality>-s<seed>.json`` (written
  by ``python -m harness trivial-baseline DIR --json``, see the README there).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from harness.core.stats import t_interval

METHODS = ("ActionFormer", "TriDet", "CLTDR-GMG")
FEATURES = ("I3D", "VideoMAEv2", "InternVideo2-6B")
PRESETS = ("thumos-like", "anet-like", "multithumos-like")
QUALITIES = ("low", "mid", "high")
DATA_SEEDS = (0, 1, 2)


def pm(values) -> str:
    """``mean ± half-width of the 95 % t-interval`` with one decimal."""
    ci = t_interval(values)
    return f"{ci.estimate:.1f} ± {(ci.high - ci.low) / 2:.1f}"


def trivial_average(folder: Path, preset: str, quality: str, seed: int) -> float:
    """Average mAP (%) of the trivial baseline on one synthetic dataset."""
    data = json.loads((Path(folder) / f"{preset}-{quality}-s{seed}.json").read_text())
    return 100.0 * float(data["trivial"]["average_mAP"])


def table1_rows(tables: Path, trivial: Path) -> list[str]:
    """The README's Table 1 rows: trivial baseline (data seed 0), then the three methods."""
    s = pd.read_csv(Path(tables) / "table1-synthetic" / "summary.csv")
    s = s[(s["kind"] == "run") & (s["metric"] == "avg")]
    out = ["| trivial baseline (data seed 0) | " + " | ".join(
        f"{trivial_average(trivial, 'thumos-like', q, 0):.1f}" for q in QUALITIES) + " |"]
    for m in METHODS:
        cells = []
        for f in FEATURES:
            r = s[(s["method"] == m) & (s["features"] == f)].iloc[0]
            cells.append(f"{r['mean']:.1f} ± {(r['ci_high'] - r['ci_low']) / 2:.1f}")
        out.append(f"| {m} | " + " | ".join(cells) + " |")
    return out


def trivial_rows(trivial: Path) -> list[str]:
    """The README's trivial-baseline rows: mean ± 95 % CI half-width over data seeds 0-2."""
    return [f"| {p} | " + " | ".join(
        pm([trivial_average(trivial, p, q, s) for s in DATA_SEEDS]) for q in QUALITIES) + " |"
        for p in PRESETS]


def wall_times(tables: Path, experiment: str) -> str:
    """``min-max s over N runs`` of the committed runs of ``experiment`` (synthetic)."""
    r = pd.read_csv(Path(tables) / f"{experiment}-synthetic" / "runs.csv")
    w = r.drop_duplicates(["run_name", "seed"])["wall_time_s"]
    return f"{w.min():.1f}-{w.max():.1f} s over {len(w)} runs"


SPEED_METRICS = (("train step (fwd+bwd+AdamW)", "training step (s)"),
                 ("inference per video incl. NMS", "inference per video (s)"))


def speed_rows(bench: Path, method: str) -> list[str]:
    """A model README's speed table rows: plain, compiled, official range, the two ratios
    (value / official high - value / official low), from the committed CPU bench file."""
    rows = json.loads(Path(bench).read_text())
    out = []
    for metric, label in SPEED_METRICS:
        got = {r["case"].split()[2]: r for r in rows
               if r["case"].startswith(f"{method} cpu ") and r["metric"] == metric}
        official = got["plain"]["target"].split("official ")[1].rstrip(")")
        lo, hi = (float(x) for x in official.split("-"))
        plain, compiled = float(got["plain"]["value"]), float(got["compiled"]["value"])
        out.append(f"| {label} | {plain:.2f} | {compiled:.2f} | {official} | "
                   f"{plain / hi:.2f}-{plain / lo:.2f} | {compiled / hi:.2f}-{compiled / lo:.2f} |")
    return out


def main(root: Path = Path(".")) -> None:
    tables, trivial = root / "results" / "tables", root / "results" / "trivial-baseline"
    print("\n".join(table1_rows(tables, trivial)))
    print()
    print("\n".join(trivial_rows(trivial)))
    print()
    for e in ("table1", "ablations"):
        print(e, wall_times(tables, e))
    for m in ("actionformer", "tridet", "cltdr_gmg"):
        print()
        print("\n".join(speed_rows(root / "results" / "bench" / "models_cpu_quick.json", m)))


if __name__ == "__main__":
    main()
