"""HTML pages: autoescaping, markers, banner, provenance, and a real headless Chromium render."""

from __future__ import annotations

import re
import subprocess

from report_tools import require_tool

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--enable-logging=stderr",
                  "--v=0", "--virtual-time-budget=5000"]
# a probe appended to a copy of a page (the report itself has no script): counts loaded images
PROBE = ("<script>window.addEventListener('load', () => { const im = [...document.images]; "
         "document.body.setAttribute('data-images', im.filter(i => i.complete && "
         "i.naturalWidth > 0).length + '/' + im.length); });</script>")


def test_hostile_labels_are_escaped(real_table1):
    _, output = real_table1
    page = (output.out_dir / "table1.html").read_text()
    assert "<script" not in page
    assert "&lt;script&gt;x&lt;/script&gt;50%_&amp;$#{}" in page  # the method name
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 50%_&amp;$#{}" in page  # the class name
    index = (output.out_dir / "index.html").read_text()
    assert "<script" not in index and "&lt;script&gt;alert(1)" in index  # problems list


def test_cells_markers_and_rows(real_table1):
    _, output = real_table1
    page = (output.out_dir / "table1.html").read_text()
    assert page.count('class="num excl-below"') == 6  # TriDet / I3D: every column
    assert page.count('class="num excl-above"') == 6  # ActionFormer / VideoMAEv2
    assert '<div class="ours best">82.1 ± 0.2</div>' in page
    assert '<div class="ours second">80.6 ± 0.2</div>' in page
    assert page.count('<tr class="reported"') == 6
    assert "not run (config not available yet)" in page
    assert "printed avg 69.9 differs" in page  # flagged paper row
    assert "Δ −3.0 ▼" in page and "Δ +2.0 ▲" in page
    assert "synthetic-banner" not in page
    # per-class AP from the run records, with the annotation file's class names
    assert "Per-class AP" in page and "Diving" in page


def test_synthetic_banner_and_provenance(synthetic_table8):
    _, output = synthetic_table8
    pages = [output.out_dir / "index.html", output.out_dir / "table8.html"]
    for path in pages:
        page = path.read_text()
        assert 'id="synthetic-banner"' in page and "not comparable to the paper" in page
        footer = page.split('<footer id="provenance">')[1]
        for text in ("git commit of the runs", "0123456789ab", "configs hash", "seeds",
                     "0, 1, 2, 3, 4", "rendered", "2026-01-10 12:00 UTC", "hardware",
                     "Fake CPU", "run dates", "2026-01-01 to 2026-01-05", "feedbeef1234"):
            assert text in footer, text
    page = pages[1].read_text()
    assert "Δ" not in page.split("<table")[1].split("</table>")[0]  # no Δ at synthetic scale
    assert "counted 9.40M" in page and "counted 26.00M" in page


def _chromium(url: str, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    exe = require_tool("chromium")
    cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if ":CONSOLE" in line or "Uncaught" in line or "Failed to load resource" in line]


def test_chromium_renders_index_and_table(real_table1, tmp_path):
    _, output = real_table1
    out = output.out_dir
    n_figures = len(output.figures)
    assert n_figures == 3
    for name, table_id in (("index.html", "index-tables"), ("table1.html", "table1")):
        probe = out / f"probe-{name}"
        probe.write_text((out / name).read_text().replace("</body>", PROBE + "</body>"))
        try:
            done = _chromium(probe.as_uri(), tmp_path, "--dump-dom")
        finally:
            probe.unlink()
        assert done.returncode == 0, done.stderr[-2000:]
        dom = done.stdout
        assert f'id="{table_id}"' in dom and "<tbody>" in dom
        assert len(re.findall(r"<img [^>]*src=\"figures/[^\"]+\.png\"", dom)) == n_figures
        assert f'data-images="{n_figures}/{n_figures}"' in dom, "figures did not load"
        assert "Provenance" in dom
        assert not _console_errors(done.stderr), _console_errors(done.stderr)


def test_chromium_screenshot(synthetic_table8, tmp_path):
    _, output = synthetic_table8
    shot = tmp_path / "page.png"
    done = _chromium((output.out_dir / "table8.html").as_uri(), tmp_path,
                     f"--screenshot={shot}", "--window-size=1200,1600")
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a rendered, non-blank page
    assert not _console_errors(done.stderr), _console_errors(done.stderr)


def test_cell_tooltip_has_the_details(real_table1):
    _, output = real_table1
    page = (output.out_dir / "table1.html").read_text()
    row = page.split('data-row="1|THUMOS14||TriDet||I3D"')[1].split("</tr>")[0]
    for text in ("paper 83.6", "harness mean 80.62", "95% CI [80.", "prediction interval",
                 "Δ −2.98 (below paper)", "n = 5", "seeds 0, 1, 2, 3, 4",
                 "result: last epoch, EMA weights, test split", "features: I3D"):
        assert text in row, text
