"""Safe names, the one containment rule and strict JSON (harness/io.py)."""

from __future__ import annotations

import json

import pytest

from harness.errors import ConfigError, DataError, HarnessError
from harness.experiments.loader import experiment_from_file
from harness.io import check_slug, contained, loads_json, read_json


@pytest.mark.parametrize("bad", ["../../x", "a/b", "..", ".hidden", "-rf", "", "a\\b", "x" * 200])
def test_unsafe_slugs_refused(bad):
    with pytest.raises(ConfigError, match="not a safe name"):
        check_slug(bad, "experiment name")


@pytest.mark.parametrize("good", ["table1", "smoke-2", "my_exp.v2", "a+b"])
def test_safe_slugs_pass(good):
    assert check_slug(good, "x") == good


def test_containment_follows_dotdot_and_symlinks(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.txt").write_text("x")
    (root / "link").symlink_to(tmp_path / "outside.txt")
    assert contained(root / "a" / "b", root, "output") == root / "a" / "b"
    with pytest.raises(HarnessError, match="lies outside"):
        contained(root / ".." / "x", root, "output")
    with pytest.raises(HarnessError, match="lies outside"):
        contained(root / "link", root, "feature file")


@pytest.mark.parametrize("name", ["../../x", "a/b"])
def test_experiment_name_cannot_escape_out(tmp_path, name):
    f = tmp_path / "exp.json"
    f.write_text(json.dumps({"name": name, "entries": []}))
    with pytest.raises(ConfigError, match="not a safe name"):
        experiment_from_file(f)


def test_run_tag_cannot_escape_results(tmp_path):
    f = tmp_path / "exp.json"
    f.write_text(json.dumps({"name": "ok", "entries": [
        {"table": 1, "dataset": "THUMOS14", "method": "ActionFormer", "run_tag": "../../../etc"}]}))
    with pytest.raises(ConfigError, match="not a safe name"):
        experiment_from_file(f)


def test_duplicate_json_keys_are_errors(tmp_path):
    with pytest.raises(ValueError, match="duplicate key 'a'"):
        loads_json('{"a": 1, "b": {"c": 2}, "a": 3}')
    with pytest.raises(ValueError, match="duplicate key 'c'"):
        loads_json('{"b": {"c": 2, "c": 1}}')
    p = tmp_path / "x.json"
    p.write_text('{"v": 1, "v": 2}')
    with pytest.raises(DataError, match=r"x.json: invalid predictions.*duplicate key 'v'"):
        read_json(p, "predictions")
    f = tmp_path / "exp.json"
    f.write_text('{"name": "a", "name": "b", "entries": []}')
    with pytest.raises(ConfigError, match="duplicate key 'name'"):
        experiment_from_file(f)


def test_fast_reader_finds_duplicates_and_ignores_colons_in_strings():
    from harness.io import loads_json_fast

    assert loads_json_fast(b'{"a:b": {"x": [{"q": "::\\":"}]}, "c": []}') == {"a:b": {"x": [{"q": '::":'}]}, "c": []}
    with pytest.raises(ValueError, match="duplicate key 'score'"):
        loads_json_fast(b'{"results": {"v": [{"score": 1, "score": 2}]}}')
    # a colon inside a string and a duplicated key offset each other in the raw colon count
    with pytest.raises(ValueError, match="duplicate key 'd'"):
        loads_json_fast(b'{"k": "x:y", "d": 1, "d": 2}')
    with pytest.raises(ValueError, match="duplicate key 'a:b'"):
        loads_json_fast(b'{"a:b": 1, "a:b": 2}')


@pytest.mark.parametrize("body", [
    '{"v": [{"label": 0, "score": 0.5, "segment": [0, 1], "score": 0.9}]}',  # in a detection
    '{"v": [{"label": 0, "score": 0.5, "segment": [0, 1], "x": {"k": 1, "k": 2}}]}',  # nested
    '{"v": [{"label": 0, "score": 0.5, "segment": [0, 1]}], "w": [], "w": []}',  # video ids
])
def test_prediction_pair_count_still_finds_duplicates(tmp_path, body):
    """load_predictions counts pairs by the file's layout (a lower bound): a duplicate
    anywhere, even inside an object nested in a detection, is still an error."""
    from harness.metrics import load_predictions

    p = tmp_path / "p.json"
    p.write_text('{"version": "x", "external_data": {"used": false}, "results": ' + body + "}")
    with pytest.raises(DataError, match=r"p.json: malformed JSON \(duplicate key"):
        load_predictions(p)


def test_prediction_pair_count_is_exact_on_a_clean_file():
    from harness.io import json_pairs
    from harness.metrics.formats import _prediction_pairs

    data = {"version": "x", "external_data": {"used": True, "details": "y"},
            "results": {"a": [{"label": 1, "score": 0.1, "segment": [0, 1]}] * 3, "b": []}}
    assert _prediction_pairs(data) == json_pairs(data) == 3 + 2 + 2 + 9
    odd = {"results": {"a": [1, {"label": 1}]}}  # non-object detections: the generic walk
    assert _prediction_pairs(odd) == json_pairs(odd) == 3


def test_gc_paused_restores_the_collector_state():
    import gc

    from harness.io import gc_paused

    assert gc.isenabled()
    with gc_paused(), gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
