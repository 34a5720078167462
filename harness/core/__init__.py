"""The harness kernel that the libraries may import: pure, light, no application state.

``models/``, ``baselines/``, ``datasets/`` and ``reports/`` import from ``harness`` only
``harness.registry``, ``harness.errors``, ``harness.io`` and the modules of this package;
the application (cli, commands, runner, sweep, aggregate, experiments, drift, parity, bench,
reporting) imports the libraries, never the reverse. The kernel itself imports neither the
application nor the libraries (``tests/test_imports.py`` checks both rules).

- :mod:`harness.core.stats`: seed statistics (t-intervals, verdicts, paired comparisons);
- :mod:`harness.core.schemas`: column schemas of the aggregate tables, result selection;
- :mod:`harness.core.ablations`: the paper's ablation variants and their config variants;
- :mod:`harness.core.claims`: verdicts on the paper's claims (Holm, P(A>B), seeds needed);
- :mod:`harness.core.power`: exact noncentral-t power for planning seeds;
- :mod:`harness.core.fingerprint`: the code fingerprint of the sources that change numbers.
"""
