"""The paper's Tables 1-11 as declared experiments (``table1`` ... ``table11``).

Each table lists its rows explicitly (method, features, task/variant) — the same rows as
``results/paper/tables.csv``, which a test checks in both directions — and the rules below map
a row to its configs:

Real scale: ``harness/configs/<model>/<dataset>_<features>.py`` (``REAL_STEMS``); ablation rows
``cltdr_gmg/thumos14_internvideo2_6b_<variant>.py`` (``VARIANT_SUFFIX``; the leaf plus the switch
declared in :mod:`harness.experiments.variants`), the full-model row of
each ablation table being the Table 1 config itself (one set of runs, shown in every table).

Synthetic scale (labelled as such everywhere): ``<model>/synthetic_<preset>.py`` with a
:class:`~harness.experiments.schema.StandIn`:

- datasets → presets: THUMOS14 → thumos-like; MultiTHUMOS → multithumos-like;
  ActivityNet-1.3 → anet-like; HACS → anet-like with data seed 1 (a second dataset of the same
  kind); EPIC-KITCHENS-100 → multithumos-like (dense, overlapping, many short actions, like
  kitchen videos) with data seed 1 (verb) and 2 (noun), so neither shares runs with MultiTHUMOS;
- feature sets → quality: I3D (also I3D-RGB, I3D-RGB+Flow) → low; VideoMAEv2, R(2+1)D (TSP) and
  SlowFast → mid; InternVideo2-6B → high; I3D-RGB keeps the appearance channels only;
- ablations → ``cltdr_gmg/synthetic_thumos_like_<variant>.py`` on thumos-like / high (the
  stand-in of THUMOS14 / InternVideo2-6B).

Methods without an implementation in the harness stay as reported-only rows.
"""

from __future__ import annotations

from harness.core.ablations import VARIANT_SUFFIX
from harness.experiments.schema import Comparison, Entry, Experiment, PaperRow, StandIn

MODEL_DIRS = {"ActionFormer": "actionformer", "TriDet": "tridet", "CLTDR-GMG": "cltdr_gmg"}
REPORTED_ONLY = (
    "TALLFormer", "TemporalMaxer", "TFFormer", "TransGMC", "ActionMamba", "PointTAD", "ReAct",
    "TadTR", "TCANet",
)
FULL_MODEL = "CLTDR-GMG"

# (dataset, task, features) -> real leaf stem
REAL_STEMS = {
    ("THUMOS14", "", "I3D"): "thumos14_i3d",
    ("THUMOS14", "", "VideoMAEv2"): "thumos14_videomaev2",
    ("THUMOS14", "", "InternVideo2-6B"): "thumos14_internvideo2_6b",
    ("MultiTHUMOS", "", "I3D-RGB"): "multithumos_i3d_rgb",
    ("MultiTHUMOS", "", "I3D-RGB+Flow"): "multithumos_i3d",
    ("MultiTHUMOS", "", "VideoMAEv2"): "multithumos_videomaev2",
    ("EPIC-KITCHENS-100", "verb", "SlowFast"): "epic100_verb_slowfast",
    ("EPIC-KITCHENS-100", "noun", "SlowFast"): "epic100_noun_slowfast",
    ("ActivityNet-1.3", "", "R(2+1)D"): "anet13_tsp",
    ("HACS", "", "I3D"): "hacs_i3d",
    ("HACS", "", "SlowFast"): "hacs_slowfast",
}
# (dataset, task) -> (preset, data seed)
PRESETS = {
    ("THUMOS14", ""): ("thumos-like", 0),
    ("MultiTHUMOS", ""): ("multithumos-like", 0),
    ("EPIC-KITCHENS-100", "verb"): ("multithumos-like", 1),
    ("EPIC-KITCHENS-100", "noun"): ("multithumos-like", 2),
    ("ActivityNet-1.3", ""): ("anet-like", 0),
    ("HACS", ""): ("anet-like", 1),
}
QUALITY = {
    "I3D": "low", "I3D-RGB": "low", "I3D-RGB+Flow": "low", "VideoMAEv2": "mid",
    "R(2+1)D": "mid", "SlowFast": "mid", "InternVideo2-6B": "high",
}
RGB_ONLY = ("I3D-RGB",)

# the rows of each table, as printed: (method, features) or (task, method, features)
TABLE1 = [
    ("TALLFormer", "Swin"),
    ("ActionFormer", "I3D"), ("TemporalMaxer", "I3D"), ("TFFormer", "I3D"),
    ("TransGMC", "I3D"), ("TriDet", "I3D"), ("CLTDR-GMG", "I3D"),
    ("ActionFormer", "VideoMAEv2"), ("TriDet", "VideoMAEv2"), ("CLTDR-GMG", "VideoMAEv2"),
    ("ActionFormer", "InternVideo2-6B"), ("TemporalMaxer", "InternVideo2-6B"),
    ("ActionMamba", "InternVideo2-6B"), ("TriDet", "InternVideo2-6B"),
    ("CLTDR-GMG", "InternVideo2-6B"),
]
TABLE2 = [
    ("PointTAD", "I3D-RGB"), ("ActionFormer", "I3D-RGB"), ("TemporalMaxer", "I3D-RGB"),
    ("TriDet", "I3D-RGB"), ("CLTDR-GMG", "I3D-RGB"),
    ("TriDet", "I3D-RGB+Flow"), ("CLTDR-GMG", "I3D-RGB+Flow"),
    ("TriDet", "VideoMAEv2"), ("CLTDR-GMG", "VideoMAEv2"),
]
TABLE3 = [
    (task, method, "SlowFast")
    for task in ("verb", "noun")
    for method in ("ActionFormer", "TemporalMaxer", "TriDet", "TFFormer", "TransGMC", "CLTDR-GMG")
]
TABLE4 = [
    ("ReAct", "TSN"), ("TadTR", "TSN"), ("TadTR", "R(2+1)D"), ("TALLFormer", "Swin"),
    ("TFFormer", "I3D"), ("ActionFormer", "R(2+1)D"), ("TransGMC", "R(2+1)D"),
    ("TriDet", "R(2+1)D"), ("CLTDR-GMG", "R(2+1)D"),
]
TABLE5 = [
    ("TadTR", "I3D"), ("TALLFormer", "Swin"), ("TCANet", "SlowFast"), ("TriDet", "I3D"),
    ("CLTDR-GMG", "I3D"), ("TriDet", "SlowFast"), ("CLTDR-GMG", "SlowFast"),
]
ABLATIONS = {  # table -> variants in printed order
    6: ["gmg=instant", "gmg=local", "gmg=global", "gmg=instant+local", "gmg=instant+global",
        "gmg=local+global", "gmg=instant+local+global"],
    7: ["gate=off", "gate=on"],
    8: ["global=fft", "global=self-attention"],
    9: ["cls=P_l", "cls=P_l+1+P_l", "cls=P_l+P_l-1", "cls=P_l+1+P_l+P_l-1",
        "reg=P_l", "reg=P_l+P_l-1", "reg=P_l+1+P_l", "reg=P_l+1+P_l+P_l-1"],
    10: ["refine=none", "refine=cls", "refine=reg", "refine=cls+reg"],
    11: ["fusion=concat", "fusion=add", "fusion=attention"],
}
MAIN_TABLES = {
    1: ("THUMOS14", TABLE1), 2: ("MultiTHUMOS", TABLE2), 3: ("EPIC-KITCHENS-100", TABLE3),
    4: ("ActivityNet-1.3", TABLE4), 5: ("HACS", TABLE5),
}
TITLES = {
    1: "THUMOS14 (Table 1)", 2: "MultiTHUMOS (Table 2)", 3: "EPIC-KITCHENS-100 (Table 3)",
    4: "ActivityNet-1.3 (Table 4)", 5: "HACS (Table 5)", 6: "GMG branches (Table 6)",
    7: "GMG gate (Table 7)", 8: "global extractor (Table 8)",
    9: "CLTDR neighbour levels (Table 9)", 10: "refinement (Table 10)",
    11: "DCM/DRM fusion (Table 11)",
}


def stand_in(dataset: str, task: str, features: str) -> StandIn | None:
    """The synthetic stand-in of a (dataset, task, features) row, None if there is none."""
    if (dataset, task) not in PRESETS or features not in QUALITY:
        return None
    preset, data_seed = PRESETS[(dataset, task)]
    return StandIn(preset=preset, quality=QUALITY[features], data_seed=data_seed,
                   rgb_only=features in RGB_ONLY)


def synthetic_stem(preset: str) -> str:
    return "synthetic_" + preset.replace("-", "_")


def main_entry(table: int, dataset: str, method: str, features: str, task: str = "") -> Entry:
    """A row of Tables 1-5."""
    row = PaperRow(table=table, dataset=dataset, method=method, features=features, task=task)
    model = MODEL_DIRS.get(method)
    real_stem = REAL_STEMS.get((dataset, task, features))
    standin = stand_in(dataset, task, features)
    if model is None or real_stem is None:
        return Entry(row)
    synthetic = f"{model}/{synthetic_stem(standin.preset)}" if standin else None
    return Entry(row, real=f"{model}/{real_stem}", synthetic=synthetic, stand_in=standin)


def ablation_entry(table: int, variant: str) -> Entry:
    """A row of Tables 6-11 (CLTDR-GMG on THUMOS14 / InternVideo2-6B)."""
    row = PaperRow(table=table, dataset="THUMOS14", method=FULL_MODEL,
                   features="InternVideo2-6B", variant=variant)
    suffix = VARIANT_SUFFIX[variant]
    standin = stand_in("THUMOS14", "", "InternVideo2-6B")
    real = "cltdr_gmg/thumos14_internvideo2_6b"
    synthetic = "cltdr_gmg/synthetic_thumos_like"
    note = "full model: the runs of Table 1's CLTDR-GMG / InternVideo2-6B row"
    if suffix is not None:
        real, synthetic, note = f"{real}_{suffix}", f"{synthetic}_{suffix}", ""
    return Entry(row, real=real, synthetic=synthetic, stand_in=standin, note=note)


def _main_comparisons(entries: list[Entry]) -> list[Comparison]:
    """CLTDR-GMG vs every trained baseline with the same dataset, task and features."""
    out = []
    for a in entries:
        if a.row.method != FULL_MODEL or a.reported_only:
            continue
        for b in entries:
            same = (b.row.dataset, b.row.task, b.row.features) == (
                a.row.dataset, a.row.task, a.row.features)
            if same and b is not a and not b.reported_only:
                out.append(Comparison(a.row.key, b.row.key))
    return out


def paper_table(table: int) -> Experiment:
    """The declared experiment of one paper table."""
    if table in MAIN_TABLES:
        dataset, rows = MAIN_TABLES[table]
        entries = [
            main_entry(table, dataset, *r) if len(r) == 2 else main_entry(
                table, dataset, r[1], r[2], task=r[0])
            for r in rows
        ]
        comparisons = _main_comparisons(entries)
    elif table in ABLATIONS:
        entries = [ablation_entry(table, v) for v in ABLATIONS[table]]
        full = next(e for e in entries if VARIANT_SUFFIX[e.row.variant] is None)
        comparisons = [Comparison(full.row.key, e.row.key) for e in entries
                       if VARIANT_SUFFIX[e.row.variant] is not None]
    else:
        raise KeyError(table)
    return Experiment(
        name=f"table{table}", title=TITLES[table], entries=tuple(entries),
        comparisons=tuple(comparisons),
        description=__doc__.split("\n\n")[0] if __doc__ else "",
    )


PAPER_TABLES = tuple(range(1, 12))
