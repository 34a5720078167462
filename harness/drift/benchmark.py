"""The drift benchmark as data: which configs, seeds, data and schedule one check trains.

A :class:`DriftBenchmark` names the leaf configs it trains (method → config), the training
seeds, the synthetic data (preset, quality level, data seed, video counts) and optional
schedule shortening. It is turned into ``train`` command-line overrides by
:func:`cfg_options`; nothing else about the leaves is changed, so the check follows the
configs that the experiments use.

Two definitions exist:

- ``ci`` (the default, ``make drift``): ActionFormer, TriDet and CLTDR-GMG on thumos-like
  ``mid`` with 64 training and 32 test videos (half the preset's), the leaves' own schedule,
  seeds 0-2; 9 runs on one CPU thread each, 2 at a time.
- ``smoke`` (tests): the same configs on 32/16 videos, 4 epochs (1 of warm-up) and EMA decay
  0.9 so that 32 iterations still give non-zero mAPs; seed 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from harness.errors import ConfigError

LOADERS = ("train_dataloader", "val_dataloader", "test_dataloader")
METHOD_CONFIGS = (
    ("actionformer", "harness/configs/actionformer/synthetic_thumos_like.py"),
    ("tridet", "harness/configs/tridet/synthetic_thumos_like.py"),
    ("cltdr_gmg", "harness/configs/cltdr_gmg/synthetic_thumos_like.py"),
)


@dataclass(frozen=True)
class DriftBenchmark:
    """One deterministic benchmark: every (method, seed) run of it is trained from scratch.

    Attributes:
        name: ``ci`` or ``smoke`` (also the default baseline file name).
        methods: (method, leaf config relative to the repository root) pairs, in run order.
        seeds: training seeds.
        preset, quality, data_seed: the synthetic dataset (datasets/synthetic).
        num_train, num_test: video counts of the generated subsets.
        max_epochs: shortens the leaf's schedule (``train_cfg.max_epochs`` and the
            ``WarmupCosineLR`` end); None keeps the leaf's.
        warmup_epochs: warm-up length when ``max_epochs`` is set (None keeps the leaf's).
        ema_decay: overrides ``default_hooks.ema.decay`` (None keeps the leaf's).
        threads: CPU threads per training (OMP/MKL); part of what makes runs bit-exact.
    """

    name: str
    methods: tuple[tuple[str, str], ...]
    seeds: tuple[int, ...]
    preset: str = "thumos-like"
    quality: str = "mid"
    data_seed: int = 0
    num_train: int = 64
    num_test: int = 32
    max_epochs: int | None = None
    warmup_epochs: int | None = None
    ema_decay: float | None = None
    threads: int = 1

    @property
    def method_names(self) -> tuple[str, ...]:
        return tuple(m for m, _ in self.methods)

    def config_of(self, method: str) -> str:
        return dict(self.methods)[method]

    def data_dir_name(self) -> str:
        """Folder name of the benchmark's dataset: ``<preset>-<quality>-s<seed>-<train>x<test>``."""
        return f"{self.preset}-{self.quality}-s{self.data_seed}-{self.num_train}x{self.num_test}"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["methods"] = {m: c for m, c in self.methods}
        d["seeds"] = list(self.seeds)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DriftBenchmark:
        d = dict(d)
        d["methods"] = tuple((str(m), str(c)) for m, c in dict(d["methods"]).items())
        d["seeds"] = tuple(int(s) for s in d["seeds"])
        return cls(**d)

    def select(self, methods: tuple[str, ...] | None, seeds: tuple[int, ...] | None) -> DriftBenchmark:
        """The same benchmark restricted to some methods and seeds (order of the definition).

        Raises:
            ConfigError: a method or seed that the benchmark does not have.
        """
        if methods:
            unknown = [m for m in methods if m not in self.method_names]
            if unknown:
                raise ConfigError(f"--methods: {', '.join(unknown)} not in benchmark {self.name!r} "
                                  f"(methods: {', '.join(self.method_names)})")
        if seeds:
            unknown_s = [s for s in seeds if s not in self.seeds]
            if unknown_s:
                raise ConfigError(f"--seeds: {unknown_s} not in benchmark {self.name!r} "
                                  f"(seeds: {list(self.seeds)})")
        return replace(
            self,
            methods=tuple((m, c) for m, c in self.methods if not methods or m in methods),
            seeds=tuple(s for s in self.seeds if not seeds or s in seeds),
        )

    def definition(self) -> dict[str, Any]:
        """What must agree between a baseline and a check (methods and seeds may be a subset)."""
        d = self.to_json()
        for key in ("methods", "seeds"):
            d.pop(key)
        return d


BENCHMARKS: dict[str, DriftBenchmark] = {
    "ci": DriftBenchmark(name="ci", methods=METHOD_CONFIGS, seeds=(0, 1, 2)),
    "smoke": DriftBenchmark(
        name="smoke", methods=METHOD_CONFIGS, seeds=(0,), num_train=32, num_test=16,
        max_epochs=4, warmup_epochs=1, ema_decay=0.9,
    ),
}


def get_benchmark(name: str) -> DriftBenchmark:
    if name not in BENCHMARKS:
        raise ConfigError(f"--benchmark: unknown drift benchmark {name!r}; choose one of {sorted(BENCHMARKS)}")
    return BENCHMARKS[name]


def cfg_options(bench: DriftBenchmark) -> tuple[str, ...]:
    """``train --cfg-options`` items that put a synthetic leaf on the benchmark's data/schedule.

    The test curve is switched off (the result is the last epoch either way; the curve only
    costs time). The data root comes separately (``train --data-root``).
    """
    items = []
    for loader in LOADERS:
        ds = f"{loader}.dataset"
        items += [f"{ds}.quality={bench.quality}", f"{ds}.seed={bench.data_seed}",
                  f"{ds}.num_train={bench.num_train}", f"{ds}.num_test={bench.num_test}"]
    items.append("train_cfg.record_test_curve=False")
    if bench.max_epochs is not None:
        # curve_begin must stay inside the shortened schedule (unused: the curve is off)
        items += [f"train_cfg.max_epochs={bench.max_epochs}", f"param_scheduler.end={bench.max_epochs}",
                  f"train_cfg.curve_begin={bench.max_epochs - 1}"]
        if bench.warmup_epochs is not None:
            items.append(f"param_scheduler.warmup={bench.warmup_epochs}")
    if bench.ema_decay is not None:
        items.append(f"default_hooks.ema.decay={bench.ema_decay}")
    return tuple(items)


def check_configs(bench: DriftBenchmark, repo_root: Path) -> dict[str, str]:
    """Load every config of ``bench`` with its overrides; method → experiment hash.

    Raises:
        ConfigError: a config file is missing (named, with the ``--methods`` way out), does
            not load, is not on the benchmark's synthetic preset, or cannot be shortened.
    """
    from harness.runner import experiment_hash, load_config, parse_cfg_options

    missing = [(m, c) for m, c in bench.methods if not (repo_root / c).is_file()]
    if missing:
        others = [m for m in bench.method_names if m not in dict(missing)]
        hint = f"; check the others with --methods {','.join(others)}" if others else ""
        raise ConfigError(
            "drift: config missing for " + ", ".join(f"{m} ({c})" for m, c in missing) + hint)
    hashes = {}
    for method, config in bench.methods:
        cfg = load_config(repo_root / config, parse_cfg_options(list(cfg_options(bench))))
        preset = cfg.test_dataloader.dataset.get("preset")
        if preset != bench.preset:
            raise ConfigError(f"{config}: drift benchmark {bench.name!r} needs a synthetic "
                              f"{bench.preset} leaf, this one is on {preset or cfg.test_dataloader.dataset.get('type')}")
        if bench.max_epochs is not None and not isinstance(cfg.get("param_scheduler"), dict):
            raise ConfigError(f"{config}: cannot shorten the schedule (param_scheduler is not one "
                              "WarmupCosineLR dict)")
        hashes[method] = experiment_hash(cfg)
    return hashes
