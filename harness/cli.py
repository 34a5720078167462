"""``python -m harness``: one entry point; the Makefile only wraps it.

Subcommands live in :mod:`harness.commands`, one module each (the contract is in that package's
docstring). The command list is read from the modules' source (their ``NAME`` and ``HELP``
literals) without importing them; only the module of the subcommand given is imported, for its
arguments and its ``run``. ``python -m harness --help`` therefore imports no command module, and
``python -m harness SUBCOMMAND ...`` one.
"""

from __future__ import annotations

import argparse
import ast
import errno
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import harness.commands as _commands_pkg
from harness.errors import HarnessError


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, one-line help and module (``harness.commands.<file>``)."""

    name: str
    help: str
    module: str


def _literals(path: Path) -> dict[str, str]:
    """Top-level ``NAME = "..."`` / ``HELP = "..."`` string assignments of a module's source."""
    out = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in ("NAME", "HELP"):
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    continue
                if isinstance(value, str):
                    out[target.id] = value
    return out


def commands() -> list[Command]:
    """Every subcommand, sorted by name (a module whose NAME/HELP are no literals is imported)."""
    found = []
    for info in pkgutil.iter_modules(_commands_pkg.__path__):
        if info.name.startswith("_"):
            continue
        module = f"{_commands_pkg.__name__}.{info.name}"
        found_lit = _literals(Path(info.module_finder.path) / f"{info.name}.py")
        if "NAME" not in found_lit or "HELP" not in found_lit:
            mod = importlib.import_module(module)
            if not (hasattr(mod, "NAME") and hasattr(mod, "run")):
                continue
            found_lit = {"NAME": mod.NAME, "HELP": getattr(mod, "HELP", "")}
        found.append(Command(found_lit["NAME"], found_lit["HELP"], module))
    return sorted(found, key=lambda c: c.name)


def command_names() -> list[str]:
    return [c.name for c in commands()]


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand of ``argv``: its first word that is not an option (the top-level parser
    has ``-h`` only)."""
    return next((a for a in argv if not a.startswith("-")), None)


def shows_default(action: argparse.Action) -> bool:
    """Whether ``--help`` should name the option's default: everything but None, False and ''
    (an unset option, a switch that is off)."""
    return bool(action.option_strings) and action.default not in (None, False, "", argparse.SUPPRESS)


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Appends ``(default: X)`` to an option's help unless the text already names its default."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if shows_default(action) and "default" not in text.lower():
            text = f"{text} (default: %(default)s)".strip()
        return text


def _show_defaults(p: argparse.ArgumentParser) -> None:
    """Every option's ``--help`` line names its default (:class:`DefaultsHelpFormatter`, mixed
    into a formatter the module chose itself)."""
    if not issubclass(p.formatter_class, DefaultsHelpFormatter):
        p.formatter_class = type("DefaultsAnd" + p.formatter_class.__name__,
                                 (DefaultsHelpFormatter, p.formatter_class), {})
    for action in p._actions:  # argparse prints no help line at all for help=None
        if action.help is None and shows_default(action):
            action.help = "(default: %(default)s)"


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the chosen subcommand's module is imported (the others
    are listed with their help line), without it every subcommand gets its arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m harness",
        description="tal-harness: train, evaluate and report temporal action localization "
        "models (CLTDR-GMG, ActionFormer, TriDet) over many seeds.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    chosen = _chosen(argv) if argv is not None else None
    for cmd in commands():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        p.set_defaults(_module=cmd.module)
        if argv is None or cmd.name == chosen:
            mod = importlib.import_module(cmd.module)
            if hasattr(mod, "add_arguments"):
                mod.add_arguments(p)
            _show_defaults(p)
    return parser


USER_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST,
               errno.ENOSPC, errno.EDQUOT}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the file system refused a write: say where, not a traceback
        if exc.errno not in USER_ERRNOS or not exc.filename:
            raise
        print(f"error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
