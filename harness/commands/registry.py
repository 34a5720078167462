"""``python -m harness registry``: print every registered name and its module."""

from __future__ import annotations

import argparse

NAME = "registry"
HELP = "list the registered building blocks (name -> module) of the harness scope"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kind", default=None, help="only this registry (e.g. model, dataset, metric)")


def iter_entries():
    """Yield (registry name, entry name, module) for every entry of the harness scope."""
    import importlib

    from harness import registry as reg

    for attr in dir(reg):
        r = getattr(reg, attr)
        if not hasattr(r, "import_from_location") or getattr(r, "scope", None) != reg.SCOPE:
            continue
        for loc in r._locations:  # import the registering modules that exist
            try:
                importlib.import_module(loc)
            except ModuleNotFoundError as exc:
                if exc.name != loc:
                    raise
        for name, obj in sorted(r.module_dict.items()):
            yield r.name, name, obj.__module__


def run(args: argparse.Namespace) -> int:
    rows = [e for e in iter_entries() if args.kind in (None, e[0])]
    if not rows:
        print("(no entries)")
        return 0
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    for kind, name, module in rows:
        print(f"{kind:<{w0}}  {name:<{w1}}  {module}")
    return 0
