"""Rendering of aggregated results (HTML, LaTeX, figures). Never imports torch.

``python -m harness report EXPERIMENT`` (``harness/commands/report.py``) reads an aggregate
(``results/tables/<experiment>-<scale>/``) and writes ``reports/build/<experiment>-<scale>/``.

- :mod:`reports.frames`: the aggregate's CSVs and ``meta.json`` with their declared types;
- :mod:`reports.layout`: the paper's printed layout of Tables 1-11;
- :mod:`reports.tables`: the cell model (typed dataclasses) built from the aggregate;
- :mod:`reports.figures`, :mod:`reports.figures_ablation`: matplotlib figures;
- :mod:`reports.html`, :mod:`reports.latex`: escaping, formatting, jinja2 environments;
- :mod:`reports.claims`: the Claims page and LaTeX claims tables (verdicts computed by
  ``harness.reporting.claims`` from :mod:`harness.core.claims`);
- :mod:`reports.provenance`, :mod:`reports.runinfo`: footer and optional run-record details;
- :mod:`reports.params`: Table 8 parameter counts as plain data;
- :mod:`reports.render`: writes everything; ``templates/``: the jinja2 templates.
"""
