"""Scenario files are untrusted: reading is safe, strict, bounded, and knows where things are."""

from __future__ import annotations

import os

import pytest

from exercise.scenario.yaml_source import Plain, read_yaml

from .conftest import messages, scenario_data, to_yaml


def problems_of(text: str | bytes) -> list[str]:
    """Problems reading a YAML text, as printed."""
    return [str(p) for p in read_yaml(text, "f.yaml").problems]


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch /tmp/pwned']",
    "!!python/name:os.system",
    "!!python/object:builtins.dict {}",
    "!custom thing",
    "!!binary aGVsbG8=",
    "!!timestamp 2025-01-01",
    "!!set {a, b}",
])
def test_no_tag_can_construct_an_object(tag, tmp_path):
    """A YAML tag never builds a Python object or runs code; it is a problem with a position."""
    marker = "/tmp/pwned"
    if os.path.exists(marker):
        os.remove(marker)
    doc = read_yaml(f"title: {tag}\n", "f.yaml")
    assert any("not allowed" in p.message for p in doc.problems)
    assert all(type(v) in (str, Plain, dict, list) for v in (doc.data or {}).values())
    assert not os.path.exists(marker)


def test_core_tags_are_allowed_and_str_forces_text():
    """The core tags are fine; `!!str 1.10` keeps the text."""
    doc = read_yaml("a: !!str 1.10\nb: !!int 3\n", "f.yaml")
    assert doc.problems == []
    assert doc.data["a"] == "1.10" and not isinstance(doc.data["a"], Plain)


def test_duplicate_key_is_an_error_naming_both_lines():
    """A duplicated key is an error (PyYAML would silently keep the last)."""
    found = problems_of("id: a\ntitle: T\nid: b\n")
    assert found == ["f.yaml:3:1: error: id: duplicate key 'id' (first given at line 1); "
                     "each key may appear once"]


def test_duplicate_nested_key_names_its_path():
    """Duplicates deep in the file are found too, with their key path."""
    found = problems_of("parties:\n  - id: a\n    name: A\n    name: B\n")
    assert found and "parties[0].name: duplicate key 'name'" in found[0]


@pytest.mark.parametrize(("written", "field", "expected"), [
    ("no", "title", "no"),
    ("NO", "short", "NO"),
    ("1.10", "title", "1.10"),
    ("0755", "title", "0755"),
    ("1:20", "title", "1:20"),
    ("2025-12-16", "title", "2025-12-16"),
    ("on", "short", "on"),
    ("y", "short", "y"),
])
def test_yaml11_surprises_never_change_text(written, field, expected):
    """`no`, `1.10`, `0755`, `1:20` and bare dates stay as written where text is expected."""
    data = scenario_data()
    text = to_yaml(data).replace("name: Ukraine", f"name: Ukraine\n  {field}: {written}", 1)
    if field == "title":
        text = to_yaml(data).replace("title: Test scenario", f"title: {written}")
    scenario = load_text(text)
    value = scenario.title if field == "title" else getattr(scenario.parties[0], field)
    assert value == expected


def load_text(text: str):
    """Load YAML text as a scenario, failing the test with its problems."""
    from exercise.scenario.loading import check_text

    checked = check_text(text, "f.yaml")
    assert checked.scenario is not None, [str(p) for p in checked.problems]
    return checked.scenario


def test_norway_is_a_party_id_not_false():
    """The party id `no` (Norway) stays the text "no" as a key and as a value."""
    data = scenario_data()
    data["parties"].append({"id": "no", "name": "Norway", "public_brief": "Nordic view."})
    data["elements"][0]["stances"] = {"no": "support"}
    text = to_yaml(data).replace("'no'", "no")  # write it bare, as an author would
    scenario = load_text(text)
    assert scenario.parties[-1].id == "no"
    assert scenario.elements[0].stances == {"no": "support"}


def test_yes_no_are_not_booleans_where_a_flag_is_expected():
    """`hidden: no` is refused with a hint, not silently read as false."""
    data = scenario_data()
    text = to_yaml(data).replace("summary: A demilitarized zone.",
                                 "summary: A demilitarized zone.\n  hidden: no")
    found = messages(text)
    assert any("elements[0].hidden: expected true or false, got 'no'" in m
               and "yes/no/on/off" in m for m in found)


def test_bare_dates_stay_text():
    """A bare date is kept as the text written (YAML 1.1 would make a date object)."""
    data = scenario_data(sources=[{"id": "nyt", "outlet": "NYT", "title": "Plan",
                                   "date": "2025-12-16"}])
    text = to_yaml(data).replace("'2025-12-16'", "2025-12-16")
    assert load_text(text).sources[0].date == "2025-12-16"


def test_alias_bomb_is_refused_before_it_expands():
    """A billion-laughs alias bomb is refused quickly, naming the bound."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    found = problems_of("\n".join(lines) + "\n")
    assert any("expands to more than" in m for m in found)


def test_small_aliases_are_allowed():
    """Aliases that stay small are fine."""
    doc = read_yaml("base: &b {x: 1}\ncopy: *b\n", "f.yaml")
    assert doc.problems == [] and doc.data["copy"] == {"x": "1"}


def test_deep_nesting_is_refused_without_recursion_error():
    """Absurd nesting is a located problem, never a crash: the file is refused at a line.

    Which reader refuses first (ours at level 65, or libyaml's own flow-depth limit) and in
    what words depends on the PyYAML release; what a user sees does not.
    """
    for text in ("a: " + "[" * 5000, "a: " + "[" * 100, "a:\n" + "".join(
            " " * i + "- \n" for i in range(0, 400, 1))):
        doc = read_yaml(text, "f.yaml")
        assert doc.data is None
        assert doc.problems, "deep nesting must be refused"
        assert all(p.line is not None and p.line >= 1 for p in doc.problems)
    assert any("nesting is deeper" in m for m in problems_of("a: " + "[" * 100))


def test_file_size_is_bounded():
    """A file over the limit is refused before it is parsed."""
    found = problems_of(b"a: " + b"x" * (3 * 1024 * 1024))
    assert found and "limit" in found[0]


@pytest.mark.parametrize(("data", "expected"), [
    (b"\xff\xfe\x00a", "not UTF-8"),
    (b"", "empty"),
    (b"# only a comment\n", "empty"),
    (b"a: 1\n---\nb: 2\n", "only one YAML document"),
    (b"a: [1, 2\n", "not valid YAML"),
    (b"a: b: c\n", "not valid YAML"),
    (b"? [a, b]\n: 1\n", "a key must be plain text"),
    (b"a: *nowhere\n", "names no anchor"),
    (b"<<: {a: 1}\n", "merge keys"),
    (b"a: \x00\n", "NUL"),
])
def test_broken_yaml_gives_a_located_problem(data, expected):
    """Broken files give one clear problem, never an exception."""
    found = problems_of(data)
    assert any(expected in m for m in found), found


def test_positions_point_at_values_and_keys():
    """Every value's line and column are kept, for messages."""
    doc = read_yaml("a:\n  b: [1, 2]\n  c: x\n", "f.yaml")
    assert doc.where(("a", "b", 1)) == (2, 10)
    assert doc.where(("a", "c"), key=True) == (3, 3)
    assert doc.where(("a", "missing")) == (2, 3)  # nearest ancestor
