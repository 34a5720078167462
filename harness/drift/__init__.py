"""CI regression check on mAP drift (``python -m harness drift``).

- :mod:`harness.drift.benchmark`: the benchmark as data (configs, seeds, data, schedule);
- :mod:`harness.drift.execute`: generate/verify its data, train every run afresh, read records;
- :mod:`harness.drift.baseline`: the baseline file (values, seed spread, provenance);
- :mod:`harness.drift.compare`: the tolerance rule (exact, or the seed spread when the
  environment differs) and the differences an update makes;
- :mod:`harness.drift.paper`: an aggregated experiment against the paper's numbers;
- :mod:`harness.drift.render`: console tables.
"""
