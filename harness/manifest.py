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


def _memory_gib() -> float | None:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return round(pages * size / 2**30, 1)


def _gemm_backend() -> str:
    """The CPU fast paths' GEMM library (``models.layers.onednn``; results differ by rounding)."""
    try:
        from models.layers.onednn import use_onednn

        return "onednn" if use_onednn() else "mkl"
    except (ImportError, ValueError) as exc:  # a bad TAL_GEMM_BACKEND fails at the first layer
        return f"unknown ({exc})"


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
        "cpu_gemm_backend": _gemm_backend(),
    }
    device = torch.cuda.get_device_name(0) if hw["gpu_count"] else "cpu"
    return device, hw


def collect_manifest(*, config_hash: str, seed: int | None, repo: Path = REPO_ROOT,
                     rng_order: str = "default") -> RunManifest:
    """The manifest of the current process."""
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
