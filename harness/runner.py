"""From a config file and a seed to an mmengine ``Runner``.

``build_runner`` = ``Config.fromfile`` -> ``--cfg-options`` overrides -> data-root override
(``datasets.override_data_root``) -> AMP switch -> experiment hash -> run-specific keys
(``randomness`` with the seed, ``work_dir``, launcher, resume) -> ``Runner.from_cfg``, then the
resolved config (``config.py``) and its hash (``config_hash.txt``) are written into the work dir.

The **experiment hash** is the SHA-256 of the canonical JSON of the config after overrides,
data root and AMP, *before* the run-specific keys are added: one config run with seeds 0-4
gives one hash, and any change to what is trained or evaluated changes it. What a run only
shows (``PRESENTATION_KEYS``: log level and interval, console progress, visualizer backends
such as TensorBoard) is left out, so switching TensorBoard on never makes a finished run stale.

The **speed switch** is the top-level key ``torch_compile`` (absent/False: plain PyTorch;
True or a dict of ``torch.compile`` arguments: the detector's network compiled after the
runner has built it, :mod:`models.detectors.compile`). It is part of the hashed config, so a
compiled run never shares a hash with a plain one, and the run manifest records it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config_keys import CONVENTION_KEYS, check_model_keys, check_override_keys, runner_keys
from harness.errors import ConfigError
from harness.experiments.variants import resolve_config

RUNS_ROOT = Path("results") / "runs"
RUN_SPECIFIC_KEYS = ("work_dir", "randomness", "launcher", "resume", "load_from", "experiment_name")
# not hashed: how a run reports itself (top-level keys, and hooks of default_hooks)
PRESENTATION_KEYS = ("log_level", "log_processor", "visualizer")
PRESENTATION_HOOKS = ("logger", "progress")
CONFIG_DUMP = "config.py"
HASH_FILE = "config_hash.txt"
COMPILE_KEY = "torch_compile"  # the speed switch (see the module docstring)
SEED_EXACT_KEY = "seed_exact"  # official random-number order (harness.seed_exact)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300] if text else ''}"


@dataclass(frozen=True)
class ResolvedConfig:
    """A config ready for ``Runner.from_cfg`` plus what identifies the run.

    Attributes:
        cfg: the mmengine ``Config`` with run-specific keys set.
        config_path: the leaf config file.
        model: folder of the leaf under ``configs/`` (e.g. 'actionformer').
        config_name: '<model>/<leaf stem>'.
        config_hash: experiment hash (seed and run paths excluded).
        seed: the seed.
        work_dir: the run's folder.
        data_root: the ``--data-root`` it was resolved with (None: the config's own).
    """

    cfg: Any
    config_path: Path
    model: str
    config_name: str
    config_hash: str
    seed: int | None
    work_dir: Path
    data_root: str | None = None


def config_identity(config: str | os.PathLike[str]) -> tuple[str, str]:
    """(model, leaf stem) of a config path: ``.../actionformer/thumos14_i3d.py``."""
    path = Path(config)
    return path.parent.name, path.stem


def run_folder_tag(cfg) -> str:
    """The stand-in tag of a synthetic config (``mid``, ``low-rgb``, ``high-s1``), else ''.

    The same tag a sweep gives the run folder (:attr:`harness.experiments.schema.StandIn.tag`),
    read from the test dataset (``preset``, ``quality``, ``seed``, ``channels``), so that a
    hand ``train CONFIG --seed 0`` of a sweep's config lands in the sweep's run folder.
    """
    from harness.experiments.schema import SYNTHETIC_CHANNELS, StandIn

    loader = (cfg.get("test_dataloader") if cfg is not None else None) or {}
    ds = loader.get("dataset") or {}
    if "preset" not in ds or "quality" not in ds:
        return ""
    channels = ds.get("channels")
    rgb_only = channels is not None and list(channels) == [0, SYNTHETIC_CHANNELS // 2]
    return StandIn(str(ds["preset"]), str(ds["quality"]), int(ds.get("seed") or 0), rgb_only).tag


def default_work_dir(config: str | os.PathLike[str], seed: int | None, cfg=None) -> Path:
    """``results/runs/<model>/<config>[__<stand-in tag>]/seed<k>/`` (relative to the current
    directory; ``results/runs-smoke/...`` under the smoke schedule); the tag
    (:func:`run_folder_tag`) needs the loaded ``cfg``."""
    model, stem = config_identity(config)
    tag = run_folder_tag(cfg) if cfg is not None else ""
    root = RUNS_ROOT
    if cfg is not None and cfg.get("schedule", "official") == "smoke":  # never mixed with official runs
        root = RUNS_ROOT.with_name(f"{RUNS_ROOT.name}-smoke")
    return root / model / (f"{stem}__{tag}" if tag else stem) / f"seed{seed}"


@functools.cache
def _text_cache_class():
    """A ``Config`` whose ``pretty_text`` (yapf formatting, ~0.2 s) is computed once per
    content: mmengine re-renders it for every checkpoint and log, which dominated tiny runs."""
    from mmengine.config import Config

    class TextCachedConfig(Config):
        @property
        def pretty_text(self) -> str:
            key = json.dumps(self._cfg_dict.to_dict(), sort_keys=True, default=repr)
            cached = self.__dict__.get("_text_cache")
            if cached is None or cached[0] != key:
                cached = (key, Config.pretty_text.fget(self))
                super(Config, self).__setattr__("_text_cache", cached)
            return cached[1]

    return TextCachedConfig


def load_config(
    config: str | os.PathLike[str],
    overrides: dict[str, Any] | None = None,
    data_root: str | os.PathLike[str] | None = None,
):
    """``Config.fromfile`` + ``--cfg-options`` + data root, with one-line errors.

    ``config`` may name an ablation variant (``harness.experiments.variants``): its parent
    leaf is loaded and the variant's switch merged before ``overrides``.
    """
    from mmengine.config import Config

    path = Path(config)
    source, variant = resolve_config(path)  # an ablation variant: its parent leaf + one switch
    if not source.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        cfg = Config.fromfile(str(source))
    except Exception as exc:  # mmengine raises many types for a bad file
        raise ConfigError(f"{path}: cannot load config ({_one_line(exc)})") from exc
    object.__setattr__(cfg, "__class__", _text_cache_class())
    if variant:
        cfg.merge_from_dict(variant)
    if overrides:
        top_level = set(cfg.keys()) | set(RUN_SPECIFIC_KEYS) | runner_keys() | CONVENTION_KEYS
        try:
            cfg.merge_from_dict(dict(overrides))
        except Exception as exc:
            raise ConfigError(f"{path}: bad --cfg-options ({_one_line(exc)})") from exc
        check_override_keys(top_level, cfg, dict(overrides), str(path))
    check_model_keys(cfg, str(path))
    if data_root is not None:
        import datasets

        override = getattr(datasets, "override_data_root", None)
        if override is None:
            raise ConfigError("--data-root: datasets.override_data_root is not available")
        override(cfg, str(data_root))
    # official train.py: classes without training samples -> model.train_cfg.head_empty_cls
    # (EPIC); written before the config is hashed and dumped, so the record holds the list.
    from datasets.derived import fill_head_empty_cls

    fill_head_empty_cls(cfg, missing_ok=True)
    from harness.schedule import apply_schedule

    apply_schedule(cfg)  # schedule='smoke': one epoch of a few iterations (harness/schedule.py)
    return cfg


def parse_cfg_options(items: list[str] | None) -> dict[str, Any]:
    """``['a.b=1', 'c=[1,2]']`` -> ``{'a.b': 1, 'c': [1, 2]}`` (mmengine ``DictAction`` rules)."""
    from mmengine.config import DictAction

    options: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--cfg-options: expected KEY=VALUE, got {item!r}")
        options[key] = DictAction._parse_iterable(value)
    return options


def experiment_hash(cfg) -> str:
    """SHA-256 of the config without its run-specific keys (see the module docstring)."""
    data = cfg.to_dict() if hasattr(cfg, "to_dict") else dict(cfg)
    for key in (*RUN_SPECIFIC_KEYS, *PRESENTATION_KEYS):
        data.pop(key, None)
    hooks = data.get("default_hooks")
    if isinstance(hooks, dict):
        data["default_hooks"] = {k: v for k, v in hooks.items() if k not in PRESENTATION_HOOKS}
    text = json.dumps(data, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def apply_amp(cfg) -> None:
    """Switch the optimiser wrapper to mixed precision (CUDA only)."""
    import torch

    if not torch.cuda.is_available():
        raise ConfigError("--amp needs a CUDA device (AmpOptimWrapper); none is available")
    cfg.optim_wrapper.type = "AmpOptimWrapper"
    cfg.optim_wrapper.setdefault("loss_scale", "dynamic")


def apply_tensorboard(cfg) -> None:
    """Add mmengine's ``TensorboardVisBackend`` to the config's visualizer (kept: its other
    backends; default: ``LocalVisBackend``). Event files land in
    ``<work_dir>/<timestamp>/vis_data/``. Not part of the experiment hash."""
    import importlib.util

    if importlib.util.find_spec("tensorboard") is None:
        raise ConfigError(
            "--tensorboard: the tensorboard package is not installed "
            "(pip install -e '.[tensorboard]')"
        )
    vis = dict(cfg.get("visualizer") or {})
    vis.setdefault("type", "Visualizer")
    backends = [dict(b) for b in vis.get("vis_backends") or [dict(type="LocalVisBackend")]]
    if not any(b.get("type") == "TensorboardVisBackend" for b in backends):
        backends.append(dict(type="TensorboardVisBackend"))
    vis["vis_backends"] = backends
    cfg.visualizer = vis


def _apply_launcher(cfg, launcher: str) -> None:
    import torch

    cfg.launcher = launcher
    if launcher == "none" or torch.cuda.is_available():
        return
    # DDP on CPU: gloo, and no device_ids (mmengine passes LOCAL_RANK as a GPU id otherwise)
    cfg.setdefault("env_cfg", {}).setdefault("dist_cfg", {})["backend"] = "gloo"
    wrapper = dict(cfg.get("model_wrapper_cfg") or {})
    wrapper.setdefault("type", "MMDistributedDataParallel")
    wrapper["device_ids"] = None
    cfg.model_wrapper_cfg = wrapper


def resolve_run_config(
    config: str | os.PathLike[str],
    seed: int | None,
    work_dir: str | os.PathLike[str] | None = None,
    overrides: dict[str, Any] | None = None,
    data_root: str | os.PathLike[str] | None = None,
    *,
    launcher: str = "none",
    amp: bool = False,
    resume_from: str | os.PathLike[str] | None = None,
) -> ResolvedConfig:
    """Load and complete a config for one run (nothing is built or written).

    Args:
        config: leaf config file.
        seed: the seed (``randomness.seed``; deterministic mode is always on).
        work_dir: run folder; default :func:`default_work_dir` (with the stand-in tag).
        overrides: ``--cfg-options`` as a dict of dotted keys.
        data_root: replaces the dataset root of every loader (see ``datasets``).
        launcher: 'none' or 'pytorch' (torchrun, DDP).
        amp: mixed precision (``AmpOptimWrapper``).
        resume_from: checkpoint to resume from (inside the work dir).

    Returns:
        The resolved config.
    """
    cfg = load_config(config, overrides, data_root)
    if amp:
        apply_amp(cfg)
    if cfg.get(SEED_EXACT_KEY, False):  # official random-number order (harness.seed_exact)
        from harness.seed_exact import apply_seed_exact

        if launcher != "none":
            raise ConfigError("seed_exact = True trains in one process (the official order); "
                              "drop --launcher pytorch")
        apply_seed_exact(cfg)
    init_from = cfg.get("load_from")
    if init_from:
        if resume_from is not None:
            raise ConfigError(f"{config}: load_from={init_from} and --resume both given; --resume "
                              "continues the run's own checkpoint, load_from starts a new run from weights")
        cfg.load_from_sha256 = _load_from_digest(str(init_from))  # hashed: other weights, other run
    from models.detectors.compile import compile_options  # local: imports torch (instant CLI)

    compile_options(cfg.get(COMPILE_KEY), f"{config}: {COMPILE_KEY}")  # one-line error early
    config_hash = experiment_hash(cfg)
    work = Path(work_dir) if work_dir is not None else default_work_dir(config, seed, cfg)
    model, stem = config_identity(config)
    cfg.work_dir = str(work)
    cfg.randomness = dict(seed=seed, deterministic=True, diff_rank_seed=False)
    cfg.experiment_name = f"{stem}_seed{seed}_{uuid.uuid4().hex[:8]}"
    _apply_launcher(cfg, launcher)
    cfg.resume = resume_from is not None
    cfg.load_from = str(resume_from) if resume_from is not None else (str(init_from) if init_from else None)
    return ResolvedConfig(
        cfg=cfg,
        config_path=Path(config),
        model=model,
        config_name=f"{model}/{stem}",
        config_hash=config_hash,
        seed=seed,
        work_dir=work,
        data_root=None if data_root is None else str(data_root),
    )


def _load_from_digest(path: str) -> str:
    """SHA-256 of a ``load_from`` file; ConfigError when it is not a local file."""
    from harness.checkpoint import sha256_file

    if "://" in path:
        raise ConfigError(f"load_from={path}: only local files are supported")
    if not Path(path).is_file():
        raise ConfigError(f"load_from={path}: file not found")
    return sha256_file(path)


def check_load_from(runner, path: str) -> None:
    """Refuse a ``load_from`` file before training when it cannot start this model: unreadable,
    refused by a weights-only load (not recorded by its run), or weights of another model."""
    from harness.checkpoint import is_recorded, strip_prefix, torch_load, weights_mismatch
    from harness.hooks.ema import bare_model

    checkpoint = torch_load(path, map_location="cpu", trusted=is_recorded(path))
    state = checkpoint.get("state_dict", checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        raise ConfigError(f"load_from={path}: holds no state_dict")
    why = weights_mismatch(bare_model(runner), strip_prefix(state))
    if why is not None:
        raise ConfigError(f"load_from={path}: {why}")


def _init_cpu_process_group() -> None:
    """DDP on CPU: mmengine's pytorch launcher calls ``torch.cuda.set_device`` unconditionally,
    so the gloo process group is created here (torchrun's env://) and mmengine reuses it."""
    import torch.distributed as torch_dist

    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend="gloo")


def runner_from_resolved(resolved: ResolvedConfig):
    """``Runner.from_cfg`` with the harness's checkpoint loader and determinism settings."""
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS
    import torch
    from mmengine.dist import is_main_process

    from harness.checkpoint import register_local_loader
    from harness.console import HarnessRunner
    from harness.io import atomic_write_text

    if resolved.cfg.get("launcher", "none") == "pytorch" and not torch.cuda.is_available():
        _init_cpu_process_group()
    resolved.work_dir.mkdir(parents=True, exist_ok=True)
    register_local_loader()
    text = resolved.cfg.pretty_text  # rendered once; the runner's copies reuse it
    try:
        runner = HarnessRunner.from_cfg(resolved.cfg)
    except KeyError as exc:  # unknown registry type
        raise ConfigError(
            f"{resolved.config_path}: cannot build the runner ({_one_line(exc)})"
        ) from exc
    if resolved.cfg.get("load_from") and not resolved.cfg.get("resume"):
        check_load_from(runner, str(resolved.cfg.load_from))
    if resolved.cfg.get(COMPILE_KEY):
        from mmengine.model import is_model_wrapper

        from models.detectors.compile import enable_compile

        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        enable_compile(model, resolved.cfg.get(COMPILE_KEY))  # before hooks copy it (EMA)
    # official: use_deterministic_algorithms(True, warn_only=True) (mmengine sets strict mode)
    torch.use_deterministic_algorithms(True, warn_only=True)
    if is_main_process():
        atomic_write_text(resolved.work_dir / CONFIG_DUMP, text)
        atomic_write_text(resolved.work_dir / HASH_FILE, resolved.config_hash + "\n")
    return runner


def build_runner(
    config: str | os.PathLike[str],
    seed: int | None,
    work_dir: str | os.PathLike[str] | None = None,
    overrides: dict[str, Any] | None = None,
    data_root: str | os.PathLike[str] | None = None,
    *,
    launcher: str = "none",
    amp: bool = False,
    resume_from: str | os.PathLike[str] | None = None,
):
    """Build the mmengine ``Runner`` of one run; see :func:`resolve_run_config` for the args."""
    resolved = resolve_run_config(
        config,
        seed,
        work_dir,
        overrides,
        data_root,
        launcher=launcher,
        amp=amp,
        resume_from=resume_from,
    )
    return runner_from_resolved(resolved)
