"""``python -m harness``: one entry point; the Makefile only wraps it.

Subcommands live in :mod:`harness.commands`, one module each. A module defines
``NAME`` (the subcommand), ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int``. Modules import heavy libraries (torch, mmengine) inside
``run`` so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

import harness.commands as _commands_pkg
from harness.errors import HarnessError


def _command_modules() -> list[ModuleType]:
    mods = []
    for info in sorted(pkgutil.iter_modules(_commands_pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{_commands_pkg.__name__}.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            mods.append(mod)
    return mods


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m harness",
        description="tal-harness: train, evaluate and report temporal action localization "
        "models (CLTDR-GMG, ActionFormer, TriDet) over many seeds.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for mod in sorted(_command_modules(), key=lambda m: m.NAME):
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP,
                           formatter_class=DefaultsHelpFormatter)
        if hasattr(mod, "add_arguments"):
            mod.add_arguments(p)
        if not issubclass(p.formatter_class, DefaultsHelpFormatter):  # a module chose its own
            p.formatter_class = type("DefaultsAnd" + p.formatter_class.__name__,
                                     (DefaultsHelpFormatter, p.formatter_class), {})
        for action in p._actions:  # argparse prints no help line at all for help=None
            if action.help is None and shows_default(action):
                action.help = "(default: %(default)s)"
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
