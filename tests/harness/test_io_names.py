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
