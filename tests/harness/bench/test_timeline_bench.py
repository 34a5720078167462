"""The timeline bench's pieces that need no training (the runs themselves are `make bench`)."""

from __future__ import annotations

import pandas as pd

from harness.bench import timeline


def test_table1_reference_reads_the_committed_mid_runs():
    runs = pd.read_csv(timeline.TABLE1_RUNS)
    for method in timeline.METHODS:
        ref = timeline.table1_reference(method)
        assert ref is not None and ref["n"] == 3
        mine = runs[(runs["run_name"] == f"{method}/synthetic_thumos_like__mid") & (runs["metric"] == "avg")]
        assert abs(ref["mAP"] - mine["value"].mean()) < 1e-9 and 0 < ref["mAP"] < 100
        assert ref["wall_s"] > 0


def test_timeline_leaves_exist_for_every_method():
    for method in timeline.METHODS:
        assert (timeline.ROOT / "harness" / "configs" / method / "synthetic_thumos14_timeline.py").is_file()
