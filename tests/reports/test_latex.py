"""LaTeX output: escaping, siunitx cells, and a real pdflatex build checked with pdftotext."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import report_fakes as fakes
from report_tools import require_tool

from reports.latex import environment, latex_escape


def test_escape_special_characters():
    assert latex_escape("50%_&$#{}") == r"50\%\_\&\$\#\{\}"
    assert latex_escape("<script>") == r"\textless{}script\textgreater{}"
    assert latex_escape("a\\b ~ ^") == r"a\textbackslash{}b \textasciitilde{} \textasciicircum{}"
    assert latex_escape("TriDet§∓") == r"TriDet\S{}$\mp$"
    assert latex_escape("two\n\nlines") == "two  lines"  # no paragraph break inside a table
    assert latex_escape("Café") == "Café"
    assert latex_escape("日") == "[U+65E5]"


def test_templates_escape_every_variable():
    env = environment()
    out = env.from_string("((( x ))) ((( y )))").render(x="100%", y=latex_escape("#"))
    assert out == r"100\% \#"  # plain strings escaped once, Tex values not again


def test_table_tex_cells(real_table1):
    _, output = real_table1
    tex = (output.out_dir / "latex" / "table1.tex").read_text()
    assert fakes.HOSTILE_METHOD not in tex and "<script>" not in tex
    assert r"\textless{}script\textgreater{}x\textless{}/script\textgreater{}50\%\_\&\$\#\{\}" in tex
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert "S[table-format" not in tex  # plain right-aligned cells: one ± spacing everywhere
    # ActionFormer/I3D is the best harness mean at 0.3 (82.12 ± CI half-width)
    assert r"\textbf{82.1}\,$\pm$\,0.2" in tex
    assert r"\second{80.6}\,$\pm$\,0.2" in tex  # TriDet/I3D second at 0.3
    assert r"$-$3.0\belowmark{}" in tex and r"$+$2.0\abovemark{}" in tex
    assert r"reported{\reportedmark}" in tex
    assert r"\synthbanner" not in tex
    assert "Provenance:" in tex and "feedbeef1234" in tex


def test_synthetic_tex_has_banner(synthetic_table8):
    _, output = synthetic_table8
    tex = (output.out_dir / "latex" / "table8.tex").read_text()
    assert r"\synthbanner" in tex
    assert r"$\Delta$" not in tex.split(r"\bottomrule")[0]  # no Δ lines in the table body
    assert "9.40" in tex and "26.00" in tex  # counted parameters (millions)


def _pdflatex(folder):
    require_tool("pdflatex")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]
    return folder / "report.pdf"


def _pages(pdf) -> int:
    require_tool("pdfinfo")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _text(pdf, first: int | None = None, last: int | None = None) -> str:
    require_tool("pdftotext")
    cmd = ["pdftotext", "-layout"]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(cmd + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("which", ["real_table1", "synthetic_table8"])
def test_pdflatex_builds_the_report(which, request, tmp_path):
    frames, output = request.getfixturevalue(which)
    folder = tmp_path / "build"
    shutil.copytree(output.out_dir, folder)  # keep the session's output clean
    pdf = _pdflatex(folder / "latex")
    table = frames.tables[0]
    pages = _pages(pdf)
    # title page, one page per table, then the figures (one or two per page)
    assert 2 + (len(output.figures) + 1) // 2 <= pages <= 2 + len(output.figures)
    assert f"Table {table}:" in _text(pdf, 2)
    text = _text(pdf)
    assert "feedbeef1234 (dirty)" in text and "0123456789ab" in text  # provenance
    if which == "real_table1":
        assert "<script>x</script>50%_&$#{}" in text  # escaped, printed literally
        assert "82.1" in text and "Synthetic scale" not in text
    else:
        assert "Synthetic scale" in text and "FFT" in text and "Self-Attention" in text
