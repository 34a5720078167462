"""Fixtures of the report tests: fake aggregates rendered once per session, and the real tools.

The tools (pdflatex, pdftotext, pdfinfo, chromium) are required: a missing tool fails the test
with a message naming ``.ci/system-deps.sh``, unless ``TAL_ALLOW_MISSING_TOOLS=1`` is set, in
which case those tests are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import report_fakes as fakes
from report_tools import require_tool  # noqa: F401  (re-exported for fixtures)

from reports.frames import load_frames
from reports.params import ParamCount
from reports.render import render_report
from reports.runinfo import load_run_infos

RENDERED = "2026-01-10 12:00 UTC"
COMMIT = "feedbeef1234 (dirty)"


def fake_params() -> list[ParamCount]:
    fft = "8|THUMOS14||CLTDR-GMG|global=fft|InternVideo2-6B"
    sa = "8|THUMOS14||CLTDR-GMG|global=self-attention|InternVideo2-6B"
    return [
        ParamCount(fft, "FFT", "real", "x.py", 9_400_000, {"backbone": 6_000_000, "heads": 3_400_000}),
        ParamCount(sa, "Self-Attention", "real", "y.py", 26_000_000,
                   {"backbone": 22_600_000, "heads": 3_400_000}),
        ParamCount(fft, "FFT", "synthetic", "s.py", 90_000, {"backbone": 90_000}),
        ParamCount(sa, "Self-Attention", "synthetic", "t.py", error="config not available yet"),
    ]


def _render(tmp: Path, table: int, scale: str, params=None):
    tables = fakes.build_tables(table, scale)
    folder = fakes.write_tables(tables, tmp / "tables" / f"table{table}-{scale}")
    fakes.write_records(tables, tmp / "runs")
    frames = load_frames(folder)
    infos = load_run_infos(frames.runs, tmp / "runs")
    output = render_report(frames, tmp / "out", params=params, infos=infos,
                           report_commit=COMMIT, rendered=RENDERED)
    return frames, output


@pytest.fixture(scope="session")
def real_table1(tmp_path_factory):
    """Table 1 at real scale (verdicts, Δ, a hostile extra row), rendered to HTML and LaTeX."""
    return _render(tmp_path_factory.mktemp("real1"), 1, "real")


@pytest.fixture(scope="session")
def synthetic_table8(tmp_path_factory):
    """Table 8 (an ablation, with parameter counts) at synthetic scale, rendered."""
    return _render(tmp_path_factory.mktemp("syn8"), 8, "synthetic", fake_params())
