import json

import pytest

from datasets.annotations import label_map, load_annotations
from harness.errors import DataError


def _write(tmp_path, obj, name="a.json"):
    p = tmp_path / name
    p.write_text(json.dumps(obj) if not isinstance(obj, str) else obj)
    return p


def test_parses_string_duration_and_missing_fps(tmp_path):
    p = _write(tmp_path, {"database": {"v1": {"subset": "Validation", "duration": "12.5",
               "annotations": [{"label": "a", "label_id": 3, "segment": [1, 2]}]}}})
    (v,) = load_annotations(p)
    assert v.subset == "validation" and v.duration == 12.5 and v.fps is None
    assert v.segments.tolist() == [[1.0, 2.0]] and v.label_ids.tolist() == [3]
    assert label_map([v]) == {"a": 3}


@pytest.mark.parametrize("text,needle", [
    ("{not json", "malformed JSON"),
    ('{"database": []}', "no 'database'"),
    ('{"database": {"v": {"duration": 1}}}', "subset"),
    ('{"database": {"v": {"subset": "test", "duration": "x"}}}', "duration is not a number"),
    ('{"database": {"v": {"subset": "test", "duration": 3, "annotations": [{"label": "a", "segment": [1]}]}}}', "segment"),
    ('{"database": {"v": {"subset": "test", "duration": 3, "annotations": [{"label": "a", "label_id": -1, "segment": [1, 2]}]}}}', "label_id"),
])
def test_malformed_files_name_file_and_problem(tmp_path, text, needle):
    p = _write(tmp_path, text)
    with pytest.raises(DataError) as info:
        load_annotations(p)
    msg = str(info.value)
    assert str(p) in msg and needle in msg and "\n" not in msg


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_annotations(tmp_path / "nope.json")


def test_label_map_conflicts(tmp_path):
    p = _write(tmp_path, {"database": {
        "v1": {"subset": "test", "duration": 5, "annotations": [{"label": "a", "label_id": 0, "segment": [1, 2]}]},
        "v2": {"subset": "test", "duration": 5, "annotations": [{"label": "b", "label_id": 0, "segment": [1, 2]}]}}})
    with pytest.raises(DataError, match="used by"):
        label_map(load_annotations(p), "x")
