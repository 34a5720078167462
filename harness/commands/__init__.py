"""Subcommands of ``python -m harness``: one module per subcommand, found by :mod:`harness.cli`.

A new subcommand is a new module here (a name starting with ``_`` is skipped) defining:

- ``NAME = "the-subcommand"`` and ``HELP = "one line"``: **string literals**; the CLI reads them
  from the source without importing the module, so ``python -m harness --help`` lists every
  subcommand instantly;
- ``add_arguments(parser)``: the subcommand's arguments; it must stay light (no torch,
  mmengine, numpy, pandas, scipy or matplotlib, at module level or in ``add_arguments``), since
  ``python -m harness NAME --help`` imports the module for it;
- ``run(args) -> int``: the work; heavy libraries are imported inside ``run`` (function-local
  imports: they keep start-up instant, which is why this package uses them).

A ``HarnessError`` raised by ``run`` becomes one ``error: ...`` line and its exit code.
``tests/harness/test_cli_imports.py`` checks the import sets; ``make bench`` times them.
"""
