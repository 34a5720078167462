"""How each of the paper's Tables 1-11 is laid out: columns, row groups, labels, captions.

Everything here restates the paper (``results/paper/cltdr-gmg-poster.md``): printed tIoU
columns and the span of the average, feature-set groups and their footnote marks, row labels of
the ablations. Tables not listed (a custom experiment) get a generic layout: the columns the
paper prints for their rows, one group per feature set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A value column: ``metric`` as in tables.csv (``0.5``, ``avg``, ``params_M``).

    Attributes:
        header: plain-text header (HTML escapes it).
        tex: LaTeX header (trusted text written here, never data).
        unit: ``%`` (mAP) or ``M`` (millions of parameters).
    """

    metric: str
    header: str
    tex: str
    unit: str = "%"


@dataclass(frozen=True)
class CheckColumn:
    """A switch column of Tables 6 and 9 (✓/✗ per row), e.g. ``Instant`` or ``P_{l+1}``.

    Attributes:
        name: plain text; ``sub``: subscript (HTML ``<sub>``); tex: LaTeX header.
    """

    name: str
    sub: str
    tex: str


# (method, features, task, variant) -> group index or None
GroupRule = tuple[str, Callable[[str, str, str, str], bool]]


@dataclass(frozen=True)
class TableLayout:
    """The printed shape of one paper table.

    Attributes:
        table: paper table number; title: short title; caption: the paper's caption.
        legend: the paper's explanation of its footnote marks.
        columns: value columns in printed order (the average last, then ``# Params``).
        checks: switch columns (Tables 6 and 9).
        groups: (title, predicate on (method, features, task, variant)) in printed order;
            rows matching none form groups of their own feature set.
        note: what the paper does differently from this layout.
    """

    table: int
    title: str
    caption: str
    legend: str = ""
    columns: tuple[Column, ...] = ()
    checks: tuple[CheckColumn, ...] = ()
    groups: tuple[GroupRule, ...] = ()
    note: str = ""


def tiou_columns(metrics: tuple[str, ...], avg_span: str = "") -> tuple[Column, ...]:
    """tIoU columns plus the average (``Avg. (0.5:0.05:0.95)`` when the span is not printed)."""
    cols = [Column(m, m, m) for m in metrics]
    header = "Avg." + (f" ({avg_span})" if avg_span else "")
    cols.append(Column("avg", header, header))
    return tuple(cols)


def _features(*names: str) -> Callable[[str, str, str, str], bool]:
    return lambda method, features, task, variant: features in names


def _task(name: str) -> Callable[[str, str, str, str], bool]:
    return lambda method, features, task, variant: task == name


def _rows(*pairs: tuple[str, str]) -> Callable[[str, str, str, str], bool]:
    return lambda method, features, task, variant: (method, features) in pairs


def _prefix(prefix: str) -> Callable[[str, str, str, str], bool]:
    return lambda method, features, task, variant: variant.startswith(prefix + "=")


ABLATION_LEGEND = "§: InternVideo2-6B features (every row)."
ABLATION_NOTE = "Ablation of CLTDR-GMG on THUMOS14 with InternVideo2-6B features."
THUMOS = ("0.3", "0.4", "0.5", "0.6", "0.7")
ANET = ("0.5", "0.75", "0.95")
ABLATION = ("0.3", "0.5", "0.7")
LAYOUTS: dict[int, TableLayout] = {
    1: TableLayout(
        1, "THUMOS14", "Performance comparison on THUMOS14 dataset.",
        "*: TSN features. ‡: Swin Transformer features. †: VideoMAEv2 features. "
        "§: InternVideo2-6B features. Others: I3D features. ∓: indicates our implementation.",
        tiou_columns(THUMOS),
        groups=(("I3D features (TALLFormer: Swin ‡)", _features("Swin", "I3D")),
                ("VideoMAEv2 features †", _features("VideoMAEv2")),
                ("InternVideo2-6B features §", _features("InternVideo2-6B"))),
    ),
    2: TableLayout(
        2, "MultiTHUMOS", "Performance comparison on MultiTHUMOS dataset.",
        "*: I3D (RGB+Flow) features. †: VideoMAEv2 features. Others: I3D (only RGB) features.",
        tiou_columns(("0.2", "0.5", "0.7"), "0.1:0.1:0.9"),
        groups=(("I3D (only RGB) features", _features("I3D-RGB")),
                ("I3D (RGB+Flow) features *", _features("I3D-RGB+Flow")),
                ("VideoMAEv2 features †", _features("VideoMAEv2"))),
    ),
    3: TableLayout(
        3, "EPIC-KITCHENS-100",
        "Performance comparison on EPIC-KITCHENS-100 dataset. V. and N. denote the verb and "
        "noun sub-tasks.", "SlowFast features.",
        tiou_columns(("0.1", "0.2", "0.3", "0.4", "0.5")),
        groups=(("V. (verb)", _task("verb")), ("N. (noun)", _task("noun"))),
    ),
    4: TableLayout(
        4, "ActivityNet-1.3", "Performance comparison on ActivityNet1.3 dataset.",
        "*: TSN features. ‡: Swin Transformer features. †: R(2+1)D features. "
        "Others: I3D features.",
        tiou_columns(ANET, "0.5:0.05:0.95"),
        groups=(("", lambda *a: True),),
    ),
    5: TableLayout(
        5, "HACS", "Performance comparison on HACS dataset.",
        "‡: Swin Transformer features. †: SlowFast features. Others: I3D features.",
        tiou_columns(ANET, "0.5:0.05:0.95"),
        groups=(("", _rows(("TadTR", "I3D"), ("TALLFormer", "Swin"), ("TCANet", "SlowFast"),
                           ("TriDet", "I3D"), ("CLTDR-GMG", "I3D"))),
                ("", _rows(("TriDet", "SlowFast"), ("CLTDR-GMG", "SlowFast")))),
    ),
    6: TableLayout(
        6, "GMG branches", "The analysis of different temporal granularities.", ABLATION_LEGEND,
        tiou_columns(()),
        checks=(CheckColumn("Instant", "", "Instant"), CheckColumn("Local", "", "Local"),
                CheckColumn("Global", "", "Global")),
        groups=(("", lambda *a: True),),
        note=ABLATION_NOTE + " The paper prints this table transposed (one column per variant).",
    ),
    7: TableLayout(7, "GMG gate", "The impact of gated mechanism in GMG.", ABLATION_LEGEND,
                   tiou_columns(ABLATION), groups=(("", lambda *a: True),), note=ABLATION_NOTE),
    8: TableLayout(
        8, "Global extractor", "The comparison of global feature extractor in GMG.",
        ABLATION_LEGEND,
        tiou_columns(ABLATION) + (Column("params_M", "# Params", r"\#\,Params", unit="M"),),
        groups=(("", lambda *a: True),),
        note=ABLATION_NOTE + " # Params: the paper's count; harness: the real config's model.",
    ),
    9: TableLayout(
        9, "CLTDR pyramid levels", "Ablation of pyramid layers in CLTDR.", ABLATION_LEGEND,
        (Column("avg", "mAP", "mAP"),),
        checks=(CheckColumn("P", "l+1", r"$P_{l+1}$"), CheckColumn("P", "l", r"$P_{l}$"),
                CheckColumn("P", "l-1", r"$P_{l-1}$")),
        groups=(("classification", _prefix("cls")), ("regression", _prefix("reg"))),
        note=ABLATION_NOTE + " The paper prints the classification and regression halves side "
        "by side.",
    ),
    10: TableLayout(10, "Refinement", "The effectiveness of refinement in CLTDR.",
                    ABLATION_LEGEND, tiou_columns(ABLATION), groups=(("", lambda *a: True),),
                    note=ABLATION_NOTE),
    11: TableLayout(11, "DCM/DRM fusion", "The comparison of fusion strategies in CLTDR.",
                    ABLATION_LEGEND, tiou_columns(ABLATION), groups=(("", lambda *a: True),),
                    note=ABLATION_NOTE),
}

CITATIONS = {
    "TALLFormer": "Cheng and Bertasius 2022", "ActionFormer": "Zhang, Wu, and Li 2022",
    "TemporalMaxer": "Tang, Kim, and Sohn 2023", "TFFormer": "Yang, Wei, and Zheng 2024",
    "TransGMC": "Yang et al. 2024", "TriDet": "Shi et al. 2023", "ActionMamba": "Chen et al. 2024",
    "PointTAD": "Tan et al. 2022", "ReAct": "Shi et al. 2022", "TadTR": "Liu et al. 2022",
    "TCANet": "Qing et al. 2021b",
}
VARIANT_LABELS = {
    "gate=off": "without Gate", "gate=on": "with Gate",
    "global=fft": "FFT", "global=self-attention": "Self-Attention",
    "refine=none": "without refinement", "refine=cls": "only refine classification",
    "refine=reg": "only refine regression",
    "refine=cls+reg": "refine classification and regression",
    "fusion=concat": "Concatenation", "fusion=add": "Addition", "fusion=attention": "Attention",
}
GMG_BRANCHES = ("instant", "local", "global")
LEVELS = ("P_l+1", "P_l", "P_l-1")


def layout_for(table: int, metrics: list[str]) -> TableLayout:
    """The layout of ``table``; a generic one (columns ``metrics``) for unknown tables."""
    if table in LAYOUTS:
        return LAYOUTS[table]
    tious = tuple(m for m in metrics if m not in ("avg", "params_M"))
    return TableLayout(table, f"Table {table}", "", columns=tiou_columns(tious))


LEVEL_TOKEN = re.compile(r"P_l([+-]1)?")
LEVEL_BRACED = re.compile(r"P_\{(l(?:[+-]1)?)\}")


def levels_text(text: str) -> str:
    """Pyramid levels written as in the paper: ``cls=P_l+1+P_l`` -> ``cls=P_{l+1}+P_{l}``
    (the variant keys flatten the subscripts; renderers turn ``P_{..}`` into subscripts)."""
    return LEVEL_TOKEN.sub(lambda m: "P_{l" + (m.group(1) or "") + "}", text)


def level_parts(text: str) -> list[tuple[str, str | None]]:
    """``text`` (after :func:`levels_text`) split into (plain text, None) and
    (``P``, subscript) pieces, for HTML, LaTeX and matplotlib."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in LEVEL_BRACED.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], None))
        out.append(("P", m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def row_label(table: int, method: str, variant: str) -> str:
    """The row's printed label: the method for Tables 1-5, the switch for ablations
    (Table 9: ``cls: P_{l+1} + P_{l}``, the group named so that the halves stay apart)."""
    if not variant:
        return method
    if variant in VARIANT_LABELS:
        return VARIANT_LABELS[variant]
    name, _, value = variant.partition("=")
    if name in ("cls", "reg") and table == 9:
        return f"{name}: " + " + ".join(levels_text(m.group(0))
                                        for m in LEVEL_TOKEN.finditer(value))
    if name == "gmg" and table == 6:
        return value.replace("+", " + ")
    return variant


def checks(table: int, variant: str) -> tuple[bool, ...]:
    """Switch marks of Tables 6 (instant/local/global) and 9 (P_{l+1}, P_l, P_{l-1})."""
    name, _, value = variant.partition("=")
    if table == 6 and name == "gmg":
        parts = value.split("+")
        return tuple(b in parts for b in GMG_BRANCHES)
    if table == 9 and name in ("cls", "reg"):
        found = re.findall(r"P_l(?:[+-]1)?", value)
        return tuple(level in found for level in LEVELS)
    return ()
