"""The harness side of ``python -m harness report``: what needs torch or the run folders.

:mod:`harness.reporting.params` builds Table 8's models to count their parameters and
:mod:`harness.reporting.freshness` tells whether an aggregate is missing or older than the run
records. The rendering itself lives in the ``reports`` package, which never imports torch.
"""
