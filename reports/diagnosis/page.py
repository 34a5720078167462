"""The diagnosis report page (HTML, no script) and the LaTeX table of headline numbers."""

from __future__ import annotations

import html
import math

from reports.diagnosis.matching import ERROR_TYPES
from reports.diagnosis.seeds import Interval, SeedSummary

HEADLINE = [("average_mAP_N/all", "avg-mAP$_N$", "average-mAP_N")] + [
    (f"error_impact/{t}", t.replace("_", " "), f"gain w/o {t.replace('_', ' ')}")
    for t in ERROR_TYPES[1:]
]


def fmt(iv: Interval | None, scale: float = 100.0, digits: int = 2) -> str:
    """``mean [low, high]`` in points (``mean`` alone for one seed, ``–`` when undefined)."""
    if iv is None or not math.isfinite(iv.mean):
        return "–"
    text = f"{iv.mean * scale:.{digits}f}"
    if math.isfinite(iv.low):
        text += f" [{iv.low * scale:.{digits}f}, {iv.high * scale:.{digits}f}]"
    return text


def _tex_cell(iv: Interval | None) -> str:
    if iv is None or not math.isfinite(iv.mean):
        return "--"
    if not math.isfinite(iv.low):
        return f"{iv.mean * 100:.2f}"
    return f"{iv.mean * 100:.2f} $\\pm$ {iv.half_width * 100:.2f}"


def latex_table(summary: SeedSummary, caption: str) -> str:
    """Booktabs table: per method the headline numbers, mean ± 95 % t half-width (points)."""
    cols = "l" + "r" * len(HEADLINE)
    head = " & ".join(["Method"] + [h[1] for h in HEADLINE])
    rows = []
    for m in summary.methods:
        q = summary.per_method[m]
        rows.append(" & ".join([_tex_escape(m)] + [_tex_cell(q.get(p)) for p, _, _ in HEADLINE]))
    for (a, b), q in summary.paired.items():
        rows.append(" & ".join([_tex_escape(f"{a} $-$ {b}", math_ok=True)]
                               + [_tex_cell(q.get(p)) for p, _, _ in HEADLINE]))
    body = " \\\\\n".join(rows)
    return (
        "\\begin{table}[t]\n\\centering\n\\small\n"
        f"\\begin{{tabular}}{{{cols}}}\n\\toprule\n{head} \\\\\n\\midrule\n{body} \\\\\n"
        "\\bottomrule\n\\end{tabular}\n"
        f"\\caption{{{_tex_escape(caption)}}}\n\\end{{table}}\n"
    )


def _tex_escape(text: str, math_ok: bool = False) -> str:
    out = text.replace("\\", "\\textbackslash{}") if not math_ok else text
    for ch in "&%#_":
        out = out.replace(ch, "\\" + ch)
    if not math_ok:
        out = out.replace("$", "\\$")
    return out


def _table(header: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    trs = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="tal"><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>'


def html_page(summary: SeedSummary, title: str, figures: dict[str, str], timelines: dict[str, str],
              notes: list[str]) -> str:
    """The page: headline table, paired differences, figures, timelines, notes."""
    header = ["method"] + [h[2] for h in HEADLINE] + ["seeds"]
    rows = []
    for m in summary.methods:
        q = summary.per_method[m]
        n = q["average_mAP_N/all"].n if "average_mAP_N/all" in q else 0
        rows.append([m] + [fmt(q.get(p)) for p, _, _ in HEADLINE] + [str(n)])
    paired = [[f"{a} − {b}"] + [fmt(q.get(p)) for p, _, _ in HEADLINE]
              + [str(q["average_mAP_N/all"].n if "average_mAP_N/all" in q else 0)]
              for (a, b), q in summary.paired.items()]
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
        "table.tal{border-collapse:collapse;font-size:13px}table.tal td,table.tal th"
        "{border:1px solid #ccc;padding:2px 6px;text-align:right}img{max-width:100%}</style>",
        "</head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<p>DETAD's error analysis (Alwassel et al., ECCV 2018) of every run; numbers in points "
        "(percent), mean over seeds with the 95 % t-interval of the mean in brackets. "
        "Error-type gains: average-mAP<sub>N</sub> gained by deleting that type's predictions "
        "(false-positive analysis: each class's top 10·n<sub>c</sub> predictions).</p>",
        "<h2>Headline numbers</h2>", _table(header, rows),
        "<h2>Paired differences between methods (same seeds)</h2>",
        _table(["difference"] + [h[2] for h in HEADLINE] + ["seeds"], paired) if paired
        else "<p>Fewer than two methods with runs.</p>",
        "<p>LaTeX: <a href='diagnosis.tex'>diagnosis.tex</a>; all numbers: "
        "<a href='summary.json'>summary.json</a>.</p>",
        "<h2>Figures</h2>",
    ]
    for name, href in figures.items():
        parts.append(f"<figure><img src='{html.escape(href)}' alt='{html.escape(name)}'>"
                     f"<figcaption>{html.escape(name.replace('_', ' '))}; whiskers: 95 % "
                     "t-intervals over seeds.</figcaption></figure>")
    if timelines:
        parts.append("<h2>Timelines</h2><ul>")
        parts += [f"<li><a href='{html.escape(h)}'>{html.escape(m)}</a></li>" for m, h in timelines.items()]
        parts.append("</ul>")
    if notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def timeline_page(method: str, image: str, rule: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(method)} "
            f"timelines</title></head><body style='font-family:sans-serif'>"
            f"<h1>{html.escape(method)}: timelines</h1><p>{html.escape(rule)}</p>"
            f"<img src='{html.escape(image)}' style='max-width:100%'>"
            "<p><a href='index.html'>back to the diagnosis</a></p></body></html>")
