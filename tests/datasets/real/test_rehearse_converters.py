"""The pure converters of the public annotation layouts (BSN ActivityNet, EPIC CSVs)."""

from __future__ import annotations

import pytest

from datasets.real.converters import (
    bsn_to_anet,
    epic_to_database,
    parse_timestamp,
    select_videos,
    split_for_training,
)
from harness.errors import DataError


def test_parse_timestamp():
    assert parse_timestamp("00:00:01.89") == pytest.approx(1.89)
    assert parse_timestamp("01:02:03.50") == pytest.approx(3723.5)
    with pytest.raises(DataError, match="hh:mm:ss"):
        parse_timestamp("12.5")


BSN = {
    "v_abc": {"duration_second": 80.0, "duration_frame": 2000, "feature_frame": 1984,
              "annotations": [{"segment": [1.0, 9.5], "label": "Ballet"}]},
    "v_-x1": {"duration_second": 30.0, "duration_frame": 900, "feature_frame": 450,
              "annotations": [{"segment": [3.0, 20.0], "label": "BMX"}, {"segment": [21, 22], "label": "Ballet"}]},
    "v_tst": {"duration_second": 10.0, "duration_frame": 300, "feature_frame": 288, "annotations": []},
}
INFO = [{"video": "v_abc", "subset": "training"}, {"video": "v_-x1", "subset": "validation"},
        {"video": "v_tst", "subset": "testing"}]


def test_bsn_to_anet_layout_ids_and_coverage():
    db, covered = bsn_to_anet(BSN, INFO, ["BMX", "Ballet"])
    assert sorted(db) == ["-x1", "abc"]  # 'v_' stripped, testing left out
    assert db["abc"] == {"subset": "training", "duration": 80.0,
                         "annotations": [{"label": "Ballet", "label_id": 1, "segment": [1.0, 9.5]}]}
    assert [a["label_id"] for a in db["-x1"]["annotations"]] == [0, 1]
    assert covered == {"abc": pytest.approx(0.992), "-x1": pytest.approx(0.5)}


def test_bsn_to_anet_errors():
    with pytest.raises(DataError, match="unknown class 'Ballet'"):
        bsn_to_anet(BSN, INFO, ["BMX"])
    with pytest.raises(DataError, match="not in anet_video_info_new.csv"):
        bsn_to_anet(BSN, INFO[:1], ["BMX", "Ballet"])


def _row(vid, start, stop, verb, noun):
    return {"video_id": vid, "start_timestamp": start, "stop_timestamp": stop, "verb": "v",
            "verb_class": str(verb), "noun": "n", "noun_class": str(noun)}


EPIC_INFO = [{"video_id": "P01_01", "duration": "100.5"}, {"video_id": "P02_03", "duration": "40.0"}]


def test_epic_to_database_verb_and_noun():
    rows = {"validation": [_row("P02_03", "00:00:01.00", "00:00:02.50", 2, 0)],
            "training": [_row("P01_01", "00:01:00.00", "00:01:05.25", 1, 1)]}
    verbs = epic_to_database(rows, EPIC_INFO, "verb", ["take", "put", "open"])
    assert list(verbs) == ["P01_01", "P02_03"]
    assert verbs["P01_01"] == {"subset": "training", "duration": 100.5, "annotations": [
        {"label": "put", "label_id": 1, "segment": [60.0, 65.25]}]}
    nouns = epic_to_database(rows, EPIC_INFO, "noun", ["tap", "plate"])
    assert nouns["P02_03"]["annotations"][0] == {"label": "tap", "label_id": 0, "segment": [1.0, 2.5]}


def test_epic_to_database_errors():
    with pytest.raises(DataError, match="in both training and validation"):
        epic_to_database({"training": [_row("P01_01", "00:00:01.00", "00:00:02.00", 0, 0)],
                          "validation": [_row("P01_01", "00:00:03.00", "00:00:04.00", 0, 0)]},
                         EPIC_INFO, "verb", ["a"])
    with pytest.raises(DataError, match="not in EPIC_100_video_info.csv"):
        epic_to_database({"validation": [_row("P09_99", "00:00:01.00", "00:00:02.00", 0, 0)]},
                         EPIC_INFO, "verb", ["a"])
    with pytest.raises(DataError, match="outside the 1 classes"):
        epic_to_database({"validation": [_row("P01_01", "00:00:01.00", "00:00:02.00", 5, 0)]},
                         EPIC_INFO, "verb", ["a"])
    with pytest.raises(DataError, match="missing column"):
        epic_to_database({"validation": [{"video_id": "P01_01"}]}, EPIC_INFO, "verb", ["a"])


def test_split_for_training_alternates_sorted_ids():
    db = {v: {"subset": "validation", "duration": 1.0, "annotations": []} for v in ("b", "a", "d", "c")}
    out = split_for_training(db)
    assert {v: e["subset"] for v, e in out.items()} == {
        "a": "training", "b": "validation", "c": "training", "d": "validation"}
    assert db["a"]["subset"] == "validation"  # input untouched


def test_select_videos_quirks_first_then_shortest():
    db = {f"v{i}": {"subset": "Test" if i % 2 else "Validation", "duration": float(d), "annotations": []}
          for i, d in enumerate([50, 40, 30, 20, 10, 5, 70, 80])}
    kept = select_videos(db, ("Validation", "Test"), 2, must=("v7",))
    # Validation: the two shortest (v4 10 s, v2 30 s); Test: the quirk carrier v7, then v5 (5 s)
    assert sorted(kept) == ["v2", "v4", "v5", "v7"]
    kept = select_videos(db, ("Validation", "Test"), 1, min_seconds=15)
    assert sorted(kept) == ["v2", "v3"]  # shortest at least 15 s per split
    assert select_videos(db, ("Validation", "Test"), None) == db
    with pytest.raises(DataError, match="at least 1"):
        select_videos(db, ("Test",), 0)
