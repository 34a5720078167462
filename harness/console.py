"""What a run shows on the terminal, and what goes to its log file only.

mmengine's Runner logs the system environment, the full config and the hook table to the
console and to ``<work_dir>/<timestamp>/<timestamp>.log``. :class:`HarnessRunner` keeps the log
file complete and lets through to the console only

- warnings and errors,
- records marked ``extra={"console": True}`` (the short progress lines of
  :class:`harness.hooks.ProgressHook`),

unless the console is ``verbose`` (then the console shows what the log file holds). With
``stream='stderr'`` the console lines go to stderr, so that a command's ``--json`` output is
alone on stdout.

mmengine's own CheckpointHook builds a ``FileClient`` it never uses (mmengine says so in its
source, for backward compatibility) and each build logs two deprecation warnings; those two
messages are dropped at the logger.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from mmengine.runner import Runner

CONSOLE = "console"  # the LogRecord attribute that marks a console line
# deprecation messages of an unused FileClient, built by mmengine's CheckpointHook.before_train
_UNUSED_FILE_CLIENT = (
    '"FileClient" will be deprecated in future',
    '"HardDiskBackend" is the alias of "LocalBackend"',
)


@dataclass
class ConsoleSettings:
    """How the next :class:`HarnessRunner` sets up its console handler.

    Attributes:
        stream: 'stdout' or 'stderr'.
        verbose: show everything the log file gets.
    """

    stream: str = "stdout"
    verbose: bool = False


SETTINGS = ConsoleSettings()


def configure_console(*, stream: str = "stdout", verbose: bool = False) -> None:
    """Set the console of the runners built from now on in this process."""
    if stream not in ("stdout", "stderr"):
        raise ValueError(f"stream must be 'stdout' or 'stderr', got {stream!r}")
    SETTINGS.stream, SETTINGS.verbose = stream, verbose


class ConsoleFilter(logging.Filter):
    """Pass warnings, errors and records marked as console lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or bool(getattr(record, CONSOLE, False))


class UnusedFileClientFilter(logging.Filter):
    """Drop the two deprecation messages of the FileClient nobody uses (module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(message.startswith(m) for m in _UNUSED_FILE_CLIENT)


def _is_console_handler(handler: logging.Handler) -> bool:
    return isinstance(handler, logging.StreamHandler) and not isinstance(
        handler, logging.FileHandler
    )


class HarnessRunner(Runner):
    """mmengine's Runner with the console of :data:`SETTINGS` (see the module docstring)."""

    def build_logger(self, log_level="INFO", log_file=None, **kwargs):
        logger = super().build_logger(log_level=log_level, log_file=log_file, **kwargs)
        if not any(isinstance(f, UnusedFileClientFilter) for f in logger.filters):
            logger.addFilter(UnusedFileClientFilter())
        for handler in logger.handlers:
            if not _is_console_handler(handler):
                continue
            handler.setStream(sys.stderr if SETTINGS.stream == "stderr" else sys.stdout)
            if not SETTINGS.verbose and not any(
                isinstance(f, ConsoleFilter) for f in handler.filters
            ):
                handler.addFilter(ConsoleFilter())
        return logger


def console_line(logger: logging.Logger, message: str) -> None:
    """Log ``message`` (INFO) to the log file and the console."""
    logger.info(message, extra={CONSOLE: True})


def log_file_of(runner) -> str | None:
    """The runner's text log file (``<work_dir>/<timestamp>/<timestamp>.log``), if any."""
    for handler in getattr(runner.logger, "handlers", []):
        if isinstance(handler, logging.FileHandler):
            return handler.baseFilename
    return None
