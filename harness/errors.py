"""Errors that the CLI reports as one line, never as a traceback.

Raise :class:`HarnessError` (or a subclass) with a message that names the file and
the problem; ``python -m harness`` prints ``error: <message>`` and exits non-zero.
"""

from __future__ import annotations


class HarnessError(Exception):
    """A user-facing failure: bad input, bad configuration, a failed check."""

    exit_code = 2


class DataError(HarnessError, ValueError):
    """Bad input data: missing or corrupt files, wrong shapes, malformed annotations."""


class ConfigError(HarnessError, ValueError):
    """A configuration that cannot be built or run."""


class CheckFailed(HarnessError):
    """A check ran and found problems (exit status 1); details were already printed."""

    exit_code = 1
