"""Provenance of one run: code version, configuration hash, seed, libraries, hardware."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
_LIBRARIES = ("torch", "mmengine", "numpy", "pandas", "scipy")


@dataclass(frozen=True)
class RunManifest:
    """Where and with what a run was made.

    Attributes:
        git_sha: commit of the repository (None outside a git checkout).
        git_dirty: uncommitted changes to tracked files at run time (None if unknown).
        config_hash: SHA-256 of the resolved experiment config (see :mod:`harness.runner`).
        seed: the run's seed.
        versions: package -> version (python, torch, mmengine, numpy, ...; CUDA/cuDNN if any).
        device: 'cpu' or the CUDA device name.
        hardware: CPU model, core count, torch threads, memory, GPU count.
        hostname: machine name.
        python: Python version.
        command: the command line that started the run.
        world_size: number of processes (DDP ranks) that trained the run.
        rng_order: 'official' when the config sets ``seed_exact = True`` (random numbers
            drawn in the official order, :mod:`harness.seed_exact`), else 'default'.
        code_fingerprint: hash of the sources that change numbers
            (:mod:`harness.core.fingerprint`; '' in records made before it existed).
        torch_compile: the speed switch (``torch.compile`` arguments; None: plain PyTorch).
    """

    git_sha: str | None
    git_dirty: bool | None
    config_hash: str
    seed: int | None
    versions: dict[str, str] = field(default_factory=dict)
    device: str = "cpu"
    hardware: dict[str, Any] = field(default_factory=dict)
    hostname: str = ""
    python: str = ""
    command: tuple[str, ...] = ()
    world_size: int = 1
    rng_order: str = "default"
    code_fingerprint: str = ""
    torch_compile: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["command"] = list(self.command)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RunManifest:
        d = dict(d)
        d["command"] = tuple(d.get("command", ()))
        return cls(**d)


def _git(*args: str, cwd: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def git_state(repo: Path = REPO_ROOT) -> tuple[str | None, bool | None]:
    """(HEAD sha, dirty flag) of ``repo``; (None, None) when git or the repository is missing."""
    sha = _git("rev-parse", "HEAD", cwd=repo)
    if sha is None:
        return None, None
    status = _git("status", "--porcelain", cwd=repo)
    return sha.strip(), (bool(status.strip()) if status is not None else None)


def library_versions() -> dict[str, str]:
    """Versions of Python, the main libraries, and CUDA/cuDNN when torch sees a GPU."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    import torch

    if torch.version.cuda:
        versions["cuda"] = str(torch.version.cuda)
    if torch.backends.cudnn.is_available():
        versions["cudnn"] = str(torch.backends.cudnn.version())
    return versions


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


NUMERICS_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_CBWR",
                "MKL_ENABLE_INSTRUCTIONS", "ATEN_CPU_CAPABILITY", "DNNL_MAX_CPU_ISA",
                "ONEDNN_MAX_CPU_ISA", "CUBLAS_WORKSPACE_CONFIG")


def _cpu_flags() -> str:
    """SHA-256 of the sorted CPU feature flags (which SIMD paths the kernels may take)."""
    import hashlib

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):
                flags = " ".join(sorted(line.split(":", 1)[1].split()))
                return hashlib.sha256(flags.encode()).hexdigest()[:16]
    except OSError:
        pass
    return platform.machine()


def _cpu_ids() -> str:
    """``vendor family/model/stepping microcode`` of the first CPU (the model name alone is
    often coarse: a VM may report just "AMD EPYC")."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key in ("vendor_id", "cpu family", "model", "stepping", "microcode") and key not in fields:
                fields[key] = value.strip()
            if not line.strip() and fields:
                break
    except OSError:
        return platform.processor() or platform.machine()
    return (f"{fields.get('vendor_id', '?')} {fields.get('cpu family', '?')}/{fields.get('model', '?')}/"
            f"{fields.get('stepping', '?')} {fields.get('microcode', '')}").strip()


_BUILD_KEYS = ("BLAS_INFO", "LAPACK_INFO", "USE_MKL", "USE_MKLDNN", "USE_OPENMP", "TORCH_VERSION",
               "CXX_COMPILER")


def _torch_build() -> dict[str, str]:
    """The BLAS / LAPACK / MKL / oneDNN / OpenMP parts of ``torch.__config__.show()``."""
    import torch

    out = {}
    for line in torch.__config__.show().splitlines():
        text = line.strip().lstrip("- ").strip()
        if text.startswith("Build settings:"):
            for item in text.removeprefix("Build settings:").split(","):
                key, _, value = item.strip().partition("=")
                if key in _BUILD_KEYS:
                    out[key] = value.strip()
        elif text.startswith(("Intel(R) oneAPI Math Kernel Library", "Intel(R) MKL-DNN", "OpenMP",
                              "CPU capability usage", "LAPACK is enabled")):
            out[text.split(" Version")[0].split(" v")[0][:40]] = text[:160]
    return out


def _numpy_blas() -> str:
    import numpy as np

    try:
        deps = np.show_config(mode="dicts").get("Build Dependencies", {})  # type: ignore[union-attr]
        blas = deps.get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '?')}"
    except Exception:  # numpy's config API differs between versions
        return "unknown"


def numerics_info() -> dict[str, Any]:
    """Everything that decides the floating-point results of a CPU run: the exact CPU model
    and its feature flags, torch's CPU capability, BLAS/LAPACK/oneDNN/OpenMP builds, numpy's
    BLAS, library versions, intra- and inter-op threads and the environment variables that
    select kernels. Two set-ups with the same key give bit-identical runs; the coarse CPU name
    ("AMD EPYC") does not identify the numerics."""
    import torch

    capability = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", lambda: "?")()
    return {
        "cpu_model": _cpu_model(),
        "cpu_ids": _cpu_ids(),
        "cpu_flags": _cpu_flags(),
        "cpu_capability": str(capability),
        "torch_build": _torch_build(),
        "numpy_blas": _numpy_blas(),
        "versions": library_versions(),
        "torch_threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "env": {k: os.environ[k] for k in NUMERICS_ENV if k in os.environ},
        "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
    }


def numerics_key(info: dict[str, Any] | None = None) -> str:
    """SHA-256 (16 hex digits) of :func:`numerics_info`: the key that selects exact comparison."""
    import hashlib
    import json

    info = numerics_info() if info is None else info
    return hashlib.sha256(json.dumps(info, sort_keys=True).encode()).hexdigest()[:16]


def _memory_gib() -> float | None:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return round(pages * size / 2**30, 1)


def hardware_info() -> tuple[str, dict[str, Any]]:
    """(device name, hardware dict) of this process."""
    import torch

    hw: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "gpu_count": torch.cuda.device_count() if torch.cuda.is_available() else 0,
    }
    hw["numerics"] = numerics_info()
    hw["numerics_key"] = numerics_key(hw["numerics"])
    device = torch.cuda.get_device_name(0) if hw["gpu_count"] else "cpu"
    return device, hw


def collect_manifest(
    *, config_hash: str, seed: int | None, repo: Path = REPO_ROOT, torch_compile: Any = None,
    rng_order: str = "default",
) -> RunManifest:
    """The manifest of the current process (``torch_compile``: the config's speed switch;
    ``rng_order``: 'official' under ``seed_exact``)."""
    from models.detectors.compile import compile_options  # local: imports torch (instant CLI)

    sha, dirty = git_state(repo)
    device, hw = hardware_info()
    return RunManifest(
        git_sha=sha,
        git_dirty=dirty,
        config_hash=config_hash,
        seed=seed,
        versions=library_versions(),
        device=device,
        hardware=hw,
        hostname=socket.gethostname(),
        python=sys.version.split()[0],
        command=tuple(sys.argv),
        world_size=_world_size(),
        rng_order=rng_order,
        code_fingerprint=_fingerprint(repo),
        torch_compile=compile_options(torch_compile),
    )


def _fingerprint(repo: Path) -> str:
    from harness.core.fingerprint import code_fingerprint

    try:
        return code_fingerprint(repo)
    except OSError:
        return ""


def _world_size() -> int:
    try:
        from mmengine.dist import get_world_size
    except ImportError:
        return 1
    return int(get_world_size())
