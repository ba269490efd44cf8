"""Fuzzed and mutated scenario and moves files never produce a traceback."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise import catalog
from exercise.headless import read_moves
from exercise.scenario.loading import Checked, check_text
from exercise.scenario.problems import ScenarioError

from .conftest import scenario_data, to_yaml

SEEDS = [e.path.read_text(encoding="utf-8") for e in catalog.bundled()] or [to_yaml(
    scenario_data())]
TOKENS = [":", ": ", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/object:os.system ",
          "!x ", "\t", "'", '"', "#", "---\n", "? ", "|", ">", "%YAML 1.1\n", "<<: ", "~",
          "no", "1.10", "2025-12-16", "1e400", "-.inf", ".nan", "0x1F", "\x00", "\ufeff", "é",
          "null", "[]", "{}", "\n  ", "\n- ", "!!binary aGk=", "*nope"]


def checked_quietly(text: str) -> Checked:
    """Check a text; any exception is a test failure with the text that caused it."""
    try:
        return check_text(text, "fuzz.yaml")
    except Exception as exc:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"{type(exc).__name__}: {exc}\n--- input ---\n{text[:2000]}") from exc


def mutate(text: str, rng: random.Random) -> str:
    """One random textual mutation of a YAML file."""
    lines = text.splitlines(keepends=True)
    kind = rng.randrange(8)
    i = rng.randrange(len(lines)) if lines else 0
    if kind == 0 and lines:
        del lines[i]
    elif kind == 1 and lines:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif kind == 2 and lines:
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:pos] + rng.choice(TOKENS) + lines[i][pos:]
    elif kind == 3 and lines:
        lines[i] = " " * rng.randrange(1, 5) + lines[i]
    elif kind == 4 and lines:
        lines[i] = lines[i].lstrip()
    elif kind == 5:
        cut = rng.randrange(len(text) + 1)
        return text[:cut]
    elif kind == 6 and lines:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif lines:
        line = lines[i]
        if ":" in line:
            key, _, _ = line.partition(":")
            lines[i] = f"{key}: {rng.choice(TOKENS)}\n"
    return "".join(lines)


@pytest.mark.parametrize("seed", range(200))
def test_mutated_scenario_files_never_traceback(seed):
    """Textual mutations of real scenario files give problems or a scenario, never an error."""
    rng = random.Random(seed)
    text = SEEDS[seed % len(SEEDS)]
    for _ in range(rng.randrange(1, 6)):
        text = mutate(text, rng)
    checked = checked_quietly(text)
    assert checked.scenario is not None or checked.errors
    for problem in checked.problems:
        assert problem.file == "fuzz.yaml" and problem.message


def replace_somewhere(data: Any, rng: random.Random, value: Any) -> Any:
    """Replace one random node of a data tree with ``value``."""
    if isinstance(data, dict) and data and rng.random() < 0.8:
        key = rng.choice(list(data))
        data[key] = replace_somewhere(data[key], rng, value)
        return data
    if isinstance(data, list) and data and rng.random() < 0.8:
        i = rng.randrange(len(data))
        data[i] = replace_somewhere(data[i], rng, value)
        return data
    return value


JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
              st.text(max_size=8), st.sampled_from(["ukraine", "dmz", "all", "adopted"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "when", "all", "element", "status", "track", "at_least",
                         "round", "party", "x", "values", "effects"]), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=JUNK, seed=st.integers(0, 10**6))
def test_structurally_mutated_scenarios_never_traceback(junk, seed):
    """Any value of any type in any place gives problems, never an exception."""
    import yaml

    rng = random.Random(seed)
    data = yaml.safe_load(SEEDS[seed % len(SEEDS)].split("\n", 1)[1])
    data = replace_somewhere(data, rng, junk)
    checked_quietly(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_tracebacks(text):
    """Arbitrary text as a scenario gives problems, never an exception."""
    checked = checked_quietly(text)
    assert checked.scenario is None


@settings(max_examples=300, deadline=None)
@given(blob=st.binary(max_size=300))
def test_arbitrary_bytes_as_a_moves_file_raise_only_scenario_error(blob):
    """A moves file of any bytes either parses or raises ScenarioError with located problems."""
    try:
        read_moves(blob, "moves.yaml")
    except ScenarioError as exc:
        assert exc.problems
