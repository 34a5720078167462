"""The system tools the report tests need (a module of its own: test files import it by a
unique name, which ``conftest`` is not once several test folders have one)."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str) -> str:
    """Path of a system tool; fail (or skip with TAL_ALLOW_MISSING_TOOLS=1) when it is absent."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("TAL_ALLOW_MISSING_TOOLS") == "1":
            pytest.skip(f"{name} not installed (TAL_ALLOW_MISSING_TOOLS=1)")
        pytest.fail(f"{name} is required by the report tests: run .ci/system-deps.sh as root "
                    "(or set TAL_ALLOW_MISSING_TOOLS=1 to skip these tests)")
    return path
