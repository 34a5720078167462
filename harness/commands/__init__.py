"""Subcommands of ``python -m harness``; see :mod:`harness.cli` for the module contract."""
