"""Hostile scenario files: "valid" is bounded, validation stays fast, and text is strict.

The promises pinned here are issue 9's: promise 5 (bounded means bounded: published limits,
every valid scenario plays, simulates and reports to the end, the deal analysis stays fast,
validate stays linear), promise 4 (untrusted text is text: control characters are refused),
promise 8 (deterministic everywhere) and the smaller items of promise 11 (whole-match ids,
tabs named, Python's own number messages never shown).
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import json
import math
import os
import re
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from exercise import analysis
from exercise.analysis import SEARCH_BUDGET, _order, analyse
from exercise.bots import ComputerPlayer
from exercise.engine import CallVote, Game, Phase, Rulebook
from exercise.scenario import limits as lim
from exercise.scenario.loading import check_text
from exercise.scenario.problems import SHOWN, Problem, ScenarioError
from exercise.scenario.schema import schema_text
from exercise.scenario.yaml_source import read_yaml
from exercise.simulate.report import personas_in_play, render, summarise
from exercise.simulate.runner import simulate

from .conftest import REPO, check, run_cli, scenario_data, to_yaml
from .strategies import limit_scenarios, worst_cases


def el(eid: str, **extra: Any) -> dict[str, Any]:
    """An element with the required keys."""
    return {"id": eid, "title": eid.upper(), "summary": f"Element {eid}.", **extra}


def errors(data_or_text: Any) -> list[str]:
    """The error messages (without file:line) for a scenario given as data or YAML text."""
    text = data_or_text if isinstance(data_or_text, str) else to_yaml(data_or_text)
    return [p.message for p in check_text(text, "test.yaml").errors]


def strict_json(text: str) -> Any:
    """Parse JSON as a strict reader would: NaN and Infinity are not JSON."""
    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


# --- promise 5: published limits, in validate's words and in the schema ---------------------


def _parties(n: int) -> list[dict[str, Any]]:
    return [{"id": f"p{i}", "name": f"P{i}", "public_brief": "b"} for i in range(n)]


OVER_THE_LIMITS = [
    ("elements", scenario_data(elements=[el(f"e{i}") for i in range(lim.MAX_ELEMENTS + 1)]),
     f"at most {lim.MAX_ELEMENTS} elements; this file has {lim.MAX_ELEMENTS + 1}"),
    ("parties", scenario_data(parties=_parties(lim.MAX_PARTIES + 1)),
     f"at most {lim.MAX_PARTIES} parties; this file has {lim.MAX_PARTIES + 1}"),
    ("injects", scenario_data(injects=[{"id": f"i{k}", "title": "I", "text": "t"}
                                       for k in range(lim.MAX_INJECTS + 1)]),
     f"at most {lim.MAX_INJECTS} injects; this file has {lim.MAX_INJECTS + 1}"),
    ("tracks", scenario_data(tracks=[{"id": f"t{k}", "label": "T", "start": 0}
                                     for k in range(lim.MAX_TRACKS + 1)]),
     f"at most {lim.MAX_TRACKS} tracks; this file has {lim.MAX_TRACKS + 1}"),
    ("rounds", scenario_data(rounds=1_000_000_000),
     f"out of range: must be at most {lim.MAX_ROUNDS}, got 1,000,000,000"),
    ("max_package", scenario_data(max_package=lim.MAX_PACKAGE + 1),
     f"out of range: must be at most {lim.MAX_PACKAGE}"),
    ("consent", scenario_data(elements=[el("a", consent=["ukraine"] * (lim.MAX_PARTIES + 1))]),
     f"at most {lim.MAX_PARTIES} parties; this list has {lim.MAX_PARTIES + 1}"),
    ("requires", scenario_data(elements=[el("a", requires=["b"] * (lim.MAX_REQUIRES + 1)),
                                         el("b")]),
     f"at most {lim.MAX_REQUIRES} elements; this list has {lim.MAX_REQUIRES + 1}"),
    ("audience", scenario_data(injects=[{"id": "i", "title": "I", "text": "t",
                                         "audience": ["ukraine"] * (lim.MAX_PARTIES + 1)}]),
     f"at most {lim.MAX_PARTIES} parties; this list has {lim.MAX_PARTIES + 1}"),
    ("questions", scenario_data(debrief={"questions": ["Why?"] * (lim.MAX_TEXTS + 1)}),
     f"at most {lim.MAX_TEXTS} entries; this list has {lim.MAX_TEXTS + 1}"),
    ("condition width", scenario_data(injects=[{
        "id": "i", "title": "I", "text": "t",
        "when": {"any": [{"round_at_least": 1}] * (lim.MAX_CONDITION_WIDTH + 1)}}]),
     f"at most {lim.MAX_CONDITION_WIDTH} conditions; this list has "
     f"{lim.MAX_CONDITION_WIDTH + 1}"),
    ("values", scenario_data(elements=[el("a", values={f"x{i}": 1 for i in range(
        lim.MAX_PARTIES + 1)})]),
     f"at most {lim.MAX_PARTIES} parties; this mapping has {lim.MAX_PARTIES + 1}"),
]


@pytest.mark.parametrize(("what", "data", "expected"), OVER_THE_LIMITS,
                         ids=[case[0] for case in OVER_THE_LIMITS])
def test_a_count_past_its_limit_is_refused_naming_the_limit_and_the_count(what, data, expected):
    """Promise 5 (bounded means bounded): one past a published limit is an error that says
    the limit and how many the file has, e.g. "at most 250 elements; this file has 251"."""
    found = errors(data)
    assert any(expected in m for m in found), (what, found[:5])


def test_counts_at_their_limits_are_valid():
    """Promise 5: the limits are inclusive; a scenario at every count limit at once is valid
    (as are the bundled scenarios and the 200-element, 500-inject benchmark file)."""
    for name in WORST:
        checked = check_text(worst_yaml(name), f"{name}.yaml")
        assert checked.scenario is not None, (name, [str(p) for p in checked.errors][:3])
    spec = importlib.util.spec_from_file_location("bench_cli", REPO / "benchmarks" / "bench_cli.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert not check_text(bench.generated_scenario(), "generated.yaml").errors


@pytest.mark.parametrize(("written", "expected"), [
    ("1e300", "out of range: must be between -1,000,000 and 1,000,000, got 1e+300"),
    ("1e309", "out of range: must be between -1,000,000 and 1,000,000, got 1e309"),
    ("-1e309", "out of range: must be between -1,000,000 and 1,000,000, got -1e309"),
    ("1000001", "got 1,000,001"),
    ("9" * 5000, "out of range: must be between -1,000,000 and 1,000,000, got a 5,000-digit "
                 "number"),
    (".inf", "expected a finite number"),
    ("-.inf", "expected a finite number"),
    (".nan", "expected a finite number"),
    ("inf", "expected a finite number"),
])
def test_numbers_are_finite_and_within_the_published_range(written, expected):
    """Promise 5 and 11: every number is finite and within ±1,000,000. 1e309 is refused
    (not read as infinity), a 5,000-digit integer gets our out-of-range message (not
    Python's own digit limit), and .inf/.nan are not numbers here."""
    text = to_yaml(scenario_data()).replace("name: Ukraine",
                                            f"name: Ukraine\n  walk_away: {written}")
    found = errors(text)
    assert any(expected in m for m in found), found
    assert all(len(m) < 300 for m in found), "a huge number is not repeated back"


def test_a_huge_round_count_is_out_of_range_not_a_python_error():
    """Promise 11: `rounds` of 5,000 digits says "out of range" with the limit."""
    found = errors(to_yaml(scenario_data()).replace("rounds: 3", "rounds: 1" + "0" * 4999))
    assert found == [f"out of range: must be at most {lim.MAX_ROUNDS}, got a 5,000-digit number"]


def test_numbers_at_the_range_limits_are_valid():
    """Promise 5: ±1,000,000 themselves are allowed everywhere a number goes."""
    data = scenario_data(tracks=[{"id": "t", "label": "T", "start": 0, "min": -lim.MAX_NUMBER,
                                  "max": lim.MAX_NUMBER}],
                         elements=[el("a", values={"ukraine": lim.MAX_NUMBER,
                                                   "russia": -lim.MAX_NUMBER},
                                      effects={"t": lim.MAX_NUMBER})])
    data["parties"][0]["walk_away"] = -lim.MAX_NUMBER
    assert check(data).scenario is not None


@pytest.mark.parametrize(("field", "most", "kind"), [
    ("title", lim.MAX_LINE, "one-line text"),
    ("background", lim.MAX_MARKDOWN, "Markdown text"),
])
def test_text_lengths_are_bounded(field, most, kind):
    """Promise 5: one-line text is at most 500 characters and Markdown at most 20,000; the
    message gives the limit and the length found."""
    assert check(scenario_data(**{field: "x" * most})).scenario is not None
    found = errors(scenario_data(**{field: "x" * (most + 1)}))
    assert found == [f"too long: at most {most:,} characters of {kind}; this has {most + 1:,}"]


def test_ids_are_bounded_in_length():
    """Promise 5: an id is at most 64 characters."""
    data = scenario_data()
    data["parties"][0]["id"] = "a" * (lim.MAX_ID + 1)
    assert any(f"at most {lim.MAX_ID} characters" in m for m in errors(data))


def _deep(levels: int) -> dict[str, Any]:
    cond: dict[str, Any] = {"round_at_least": 1}
    for level in range(levels):
        cond = {"not": cond} if level % 2 else {"all": [cond, {"round_at_least": 1}]}
    return cond


def test_conditions_are_bounded_in_depth():
    """Promise 5: all/any/not nest at most 8 deep; a ninth level is refused at its place."""
    def data(levels: int) -> dict[str, Any]:
        return scenario_data(injects=[{"id": "i", "title": "I", "text": "t",
                                       "when": _deep(levels)}])

    assert check(data(lim.MAX_CONDITION_DEPTH)).scenario is not None
    found = errors(data(lim.MAX_CONDITION_DEPTH + 1))
    assert found == [f"conditions nest too deep: at most {lim.MAX_CONDITION_DEPTH} levels of "
                     "all/any/not inside one another"]


def test_conditions_are_bounded_in_their_total_number_of_tests():
    """Promise 5: the `when` conditions of all injects hold at most 1,000 tests together,
    because every one is checked after every resolution."""
    def data(injects: int) -> dict[str, Any]:
        return scenario_data(injects=[{"id": f"i{k}", "title": "I", "text": "t",
                                       "when": {"any": [{"round_at_least": 1}] * 10}}
                                      for k in range(injects)])

    per = 10
    assert check(data(lim.MAX_CONDITION_TESTS // per)).scenario is not None
    found = errors(data(lim.MAX_CONDITION_TESTS // per + 1))
    assert any(f"at most {lim.MAX_CONDITION_TESTS:,} are allowed" in m for m in found), found


def _schema_nodes(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schema_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_nodes(value)


def test_the_schema_publishes_the_limits():
    """Promise 5: an editor sees the limits: maxItems on every list, maxLength on every text,
    minimum and maximum on every number, and no text without a pattern or a list of
    choices (so no field is ever plain, control-character-accepting text)."""
    schema = json.loads(schema_text())
    props = schema["properties"]
    assert props["elements"]["maxItems"] == lim.MAX_ELEMENTS
    assert props["parties"]["maxItems"] == lim.MAX_PARTIES
    assert props["injects"]["maxItems"] == lim.MAX_INJECTS
    assert props["tracks"]["maxItems"] == lim.MAX_TRACKS
    assert props["rounds"]["maximum"] == lim.MAX_ROUNDS
    assert props["max_package"]["maximum"] == lim.MAX_PACKAGE
    for node in _schema_nodes(schema):
        kind = node.get("type")
        if kind == "array":
            assert "maxItems" in node, node
        elif kind == "object" and "additionalProperties" in node and \
                isinstance(node["additionalProperties"], dict):
            assert "maxProperties" in node, node
        elif kind == "string":
            assert "pattern" in node or "enum" in node, node
            assert "maxLength" in node or "enum" in node or node["pattern"].startswith(
                ("^\\d{4}", "^#")), node
        elif kind in ("number", "integer"):
            assert "maximum" in node and ("minimum" in node or "exclusiveMinimum" in node), node


def test_the_schema_refuses_what_is_past_a_limit():
    """Promise 5: the published schema itself refuses a file past a limit (as an editor would
    flag it), and accepts one at the limits."""
    schema = json.loads(schema_text())
    from .test_schema import as_yaml12

    data = as_yaml12(read_yaml(to_yaml(scenario_data()), "x").data)
    jsonschema.validate(data, schema)
    for broken in ({**data, "rounds": lim.MAX_ROUNDS + 1},
                   {**data, "title": "\x1b]52;c;aGk=\x07"},
                   {**data, "title": "two\nlines"},
                   {**data, "elements": [{**data["elements"][0], "id": f"e{i}"}
                                         for i in range(lim.MAX_ELEMENTS + 1)]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


def test_the_limits_are_documented():
    """Promise 5: docs/readings.md lists every limit with its value, and the README's
    "Writing a scenario" section points at them."""
    readings = (REPO / "docs" / "readings.md").read_text(encoding="utf-8")
    section = readings.split("## Limits", 1)[1]
    for what, value in lim.LIMITS:
        assert f"| {what} | {value:,} |" in section, (what, value)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    writing = readme.split("## Writing a scenario", 1)[1].split("\n## ", 1)[0]
    assert "docs/readings.md#limits" in writing


# --- promise 5: whatever its size within the limits, a valid scenario runs to the end ------


def play_with_bots(game: Game) -> None:
    """Play a game to the end with a computer player in every seat (as `run --bots all`)."""
    players = {p: ComputerPlayer(game, p) for p in game.book.voters}
    for _ in range(10_000):
        if game.is_over:
            return
        if game.phase is Phase.DISCUSSION:
            game.push(CallVote())  # headless play opens voting at once
            continue
        for party in game.awaiting():
            decision = players[party].decide(game)
            assert decision is not None
            assert decision.reason  # the reason is written for every move
            game.push(decision.move)
    raise AssertionError("the game did not end")


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(limit_scenarios())
def test_scenarios_at_the_limits_play_simulate_and_analyse_to_the_end(data):
    """Promise 5: a scenario drawn at the limits (most parties, elements, rounds, tracks and
    injects; long requires chains, wide excludes, deep conditions, numbers at ±1,000,000) is
    valid, plays to the end with every seat a computer player, simulates, and gets a deal
    analysis, with every figure finite (strict JSON)."""
    checked = check(data)
    assert checked.scenario is not None, [str(p) for p in checked.errors][:3]
    book = Rulebook(checked.scenario)
    game = Game(book, seed=3)
    play_with_bots(game)
    strict_json(json.dumps(game.result(), allow_nan=False))
    tally = simulate(book, 10, seed=1)
    summary = summarise(book, tally, seed=1, personas=personas_in_play(book, {}))
    strict_json(json.dumps(summary, allow_nan=False))
    assert render(summary)
    s = game.session
    deal = analyse(book.element_ids, book.requires, book.excludes, s.values, s.walk_away,
                   book.required, [e for e, st in s.status.items() if str(st) == "adopted"])
    assert deal.signable <= deal.feasible
    assert deal.nash_product is None or math.isfinite(deal.nash_product)


WORST = worst_cases()


@functools.cache
def worst_yaml(name: str) -> str:
    """A worst case as a file's text (written once: dumping 600 KB of YAML takes a while)."""
    return to_yaml(WORST[name])


@pytest.mark.parametrize("name", list(WORST))
def test_worst_case_scenarios_run_simulate_and_report_through_the_cli(name, tmp_path):
    """Promise 5: each worst case at the limits (see tests/strategies.worst_cases) passes
    `exercise validate`, then `run --bots all`, `simulate -n 100` and `report` of the
    logged run all end with status 0, no traceback and strict JSON, each well within a
    minute (the figures are in benchmarks/bench_limits.py)."""
    scenario = tmp_path / f"{name}.yaml"
    scenario.write_text(worst_yaml(name), encoding="utf-8")
    log = tmp_path / f"{name}.jsonl"
    steps = [("validate", str(scenario)),
             ("run", str(scenario), "--bots", "all", "--json", "--log", str(log)),
             ("simulate", str(scenario), "-n", "100", "--json"),
             ("report", str(log))]
    for args in steps:
        done = run_cli(*args, timeout=120)
        assert done.returncode == 0, (args[0], done.stderr[-2000:])
        assert "Traceback" not in done.stdout + done.stderr, args[0]
        if "--json" in args:
            strict_json(done.stdout)


# --- promise 5: the deal analysis, exact where small and bounded where large ---------------


def brute_force(elements, requires, excludes, values, walk_away, required):
    """Every package, by enumeration: (feasible, signable, best Nash product)."""
    feasible = signable = 0
    best = None
    for size in range(1, len(elements) + 1):
        for combo in itertools.combinations(elements, size):
            chosen = set(combo)
            if any(r not in chosen for e in combo for r in requires.get(e, ())):
                continue
            if any(x in chosen for e in combo for x in excludes.get(e, ())):
                continue
            feasible += 1
            totals = [sum(values.get(p, {}).get(e, 0) for e in combo) for p in required]
            if all(t >= walk_away.get(p, 0) - 1e-9 for t, p in zip(totals, required,
                                                                      strict=True)):
                signable += 1
                product = math.prod(max(0.0, t - walk_away.get(p, 0))
                                    for t, p in zip(totals, required, strict=True))
                best = product if best is None else max(best, product)
    return feasible, signable, best


@pytest.mark.parametrize("count_states", [analysis.COUNT_STATES, 0])
def test_the_deal_analysis_is_exact_where_the_packages_are_few(count_states, monkeypatch):
    """Promise 5: below the search budget the counts and the Nash product are exact (checked
    against enumerating every subset of up to nine elements), by the counting sweep, and by
    the search alone when the sweep gives up."""
    import random

    monkeypatch.setattr(analysis, "COUNT_STATES", count_states)

    rng = random.Random(5)
    for _ in range(300):
        n = rng.randint(1, 9)
        els = [f"e{i}" for i in range(n)]
        req = {e: [els[j] for j in range(i) if rng.random() < 0.2] for i, e in enumerate(els)}
        exc: dict[str, set[str]] = {e: set() for e in els}
        for i, j in itertools.combinations(range(n), 2):
            if rng.random() < 0.15 and els[i] not in req[els[j]]:
                exc[els[i]].add(els[j])
                exc[els[j]].add(els[i])
        parties = [f"p{k}" for k in range(rng.randint(0, 3))]
        values = {p: {e: rng.choice([-3, -1, 0, 1, 2, 5, 0.1]) for e in els} for p in parties}
        walk = {p: rng.choice([-2, 0, 1, 3]) for p in parties}
        deal = analyse(els, req, exc, values, walk, parties, [])
        feasible, signable, best = brute_force(els, req, exc, values, walk, parties)
        assert not deal.truncated and deal.feasible_exact
        assert (deal.feasible, deal.signable) == (feasible, signable)
        assert deal.nash_product == (None if best is None else round(best, 9))


def _is_package(members: tuple[str, ...], requires, excludes) -> bool:
    chosen = set(members)
    return bool(chosen) and all(r in chosen for e in members for r in requires.get(e, ())) \
        and not any(x in chosen for e in members for x in excludes.get(e, ()))


def test_the_deal_analysis_at_250_elements_is_bounded_and_sound():
    """Promise 5: at the element limit, with every package signable (2^250 of them), the
    analysis ends, says it stopped (truncated: at least N signable), still counts the
    feasible packages exactly, and names a real package whose product it really reaches."""
    import random

    rng = random.Random(9)
    els = [f"e{i}" for i in range(lim.MAX_ELEMENTS)]
    parties = [f"p{k}" for k in range(lim.MAX_PARTIES)]
    values = {p: {e: rng.randint(1, 9) for e in els} for p in parties}
    walk = dict.fromkeys(parties, 0)
    deal = analyse(els, {}, {}, values, walk, parties, els[:3])
    assert deal.truncated and deal.feasible_exact
    assert deal.feasible == 2 ** lim.MAX_ELEMENTS - 1
    assert 0 < deal.signable <= SEARCH_BUDGET
    assert deal.nash is not None and _is_package(deal.nash, {}, {})
    assert deal.nash_values is not None and deal.nash_product is not None
    assert deal.nash_product == pytest.approx(math.prod(deal.nash_values.values()))
    assert deal.nash_product >= deal.actual_product  # at least as good as what it was shown


def test_a_long_requires_chain_needs_no_recursion():
    """Promise 5: a requires chain far longer than Python's recursion limit orders and
    analyses without a RecursionError (the report runs the analysis on any log)."""
    n = sys.getrecursionlimit() * 3
    els = [f"e{i}" for i in range(n)]
    requires = {e: [els[i - 1]] for i, e in enumerate(els) if i}
    assert _order(list(reversed(els)), requires) == els
    chain = els[: lim.MAX_ELEMENTS]
    deal = analyse(chain, requires, {}, {"p": dict.fromkeys(chain, 1)}, {"p": 0}, ["p"], [])
    assert (deal.feasible, deal.signable, deal.truncated) == (lim.MAX_ELEMENTS,
                                                              lim.MAX_ELEMENTS, False)
    assert deal.nash == tuple(chain)


def test_wide_excludes_are_counted_exactly():
    """Promise 5: 250 elements that all exclude one another make exactly 250 packages."""
    els = [f"e{i}" for i in range(lim.MAX_ELEMENTS)]
    excludes = {e: tuple(x for x in els if x != e) for e in els}
    deal = analyse(els, {}, excludes, {"p": {e: i for i, e in enumerate(els)}}, {"p": 0},
                   ["p"], [])
    assert (deal.feasible, deal.truncated, deal.nash) == (lim.MAX_ELEMENTS, False, (els[-1],))


# --- promise 5: validate stays linear and its output capped -----------------------------------


def bad_references(size: int) -> str:
    """A scenario of about ``size`` bytes whose elements are full of unknown references."""
    lines = ["id: bad", "title: Bad", "summary: s", "background: b", "rounds: 3", "parties:",
             "  - {id: ukraine, name: U, public_brief: b}",
             "  - {id: russia, name: R, public_brief: b}", "elements:"]
    total, i = sum(len(line) + 1 for line in lines), 0
    while total < size:
        line = (f"  - {{id: e{i}, title: T, summary: s, requires: [nope{i}, e{i + 1}x], "
                f"consent: [rusia{i}], values: {{ukrain{i}: 1}}}}")
        lines.append(line)
        total += len(line) + 1
        i += 1
    return "\n".join(lines) + "\n"


def test_a_megabyte_of_bad_references_is_checked_and_its_problems_capped(tmp_path):
    """Promise 5 (validate stays linear): a 1 MB file of unknown references is checked (in
    well under a second on a laptop; benchmarks/bench_limits.py prints the figure), the first
    100 problems are printed with their suggestions, then "… and N more problems"."""
    path = tmp_path / "bad.yaml"
    path.write_text(bad_references(1_000_000), encoding="utf-8")
    done = run_cli("validate", str(path), timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == SHOWN + 1
    more = re.fullmatch(r"… and ([\d,]+) more problems", lines[-1])
    assert more and int(more.group(1).replace(",", "")) > 10_000
    assert sum("did you mean" in line for line in lines[:SHOWN]) > SHOWN // 2
    assert re.search(r": [\d,]+ errors$", done.stderr.strip())


def test_a_scenario_error_shows_the_first_problems_then_a_count():
    """Promise 5: a command that refuses a scenario (run, simulate, resume) prints at most 100
    problems of it, then how many more there are."""
    problems = [Problem("f.yaml", i + 1, 1, "x", "bad") for i in range(SHOWN + 50)]
    lines = str(ScenarioError(problems)).splitlines()
    assert len(lines) == SHOWN + 1 and lines[-1] == "… and 50 more problems"


# --- promise 4 and 11: strict text --------------------------------------------------------------


def test_ids_are_matched_whole():
    """Promise 11: "ukraine\\n" is not the id "ukraine" (a whole match, not re.match's `$`)."""
    data = scenario_data()
    data["parties"][0]["id"] = "ukraine\n"
    assert any("'ukraine\n' is not a valid id (it holds newline (U+000A) at character 8)" in m
               for m in errors(data))


OSC52 = "\x1b]52;c;aGVsbG8=\x07"  # writes the clipboard when printed to a terminal

TEXT_FIELDS = {
    "title": lambda d, t: d.update(title=t),
    "summary": lambda d, t: d.update(summary=t),
    "background": lambda d, t: d.update(background=t),
    "party name": lambda d, t: d["parties"][0].update(name=t),
    "party short": lambda d, t: d["parties"][0].update(short=t[:4]),
    "public brief": lambda d, t: d["parties"][0].update(public_brief=t),
    "private brief": lambda d, t: d["parties"][0].update(private_brief=t),
    "element title": lambda d, t: d["elements"][0].update(title=t),
    "element summary": lambda d, t: d["elements"][0].update(summary=t),
    "category": lambda d, t: d["elements"][0].update(category=t),
    "quote": lambda d, t: d.update(
        sources=[{"id": "s", "outlet": "O", "title": "T", "date": "2025-01"}],
        elements=[el("dmz", source={"ref": "s", "quote": t}), el("monitoring")]),
    "source outlet": lambda d, t: d.update(
        sources=[{"id": "s", "outlet": t, "title": "T", "date": "2025-01"}]),
    "track label": lambda d, t: d.update(tracks=[{"id": "e", "label": t, "start": 0}]),
    "objective": lambda d, t: d.update(learning_objectives=[t]),
    "inject text": lambda d, t: d.update(injects=[{"id": "i", "title": "I", "text": t}]),
    "facilitator note": lambda d, t: d.update(injects=[{"id": "i", "title": "I", "text": "t",
                                                        "facilitator_note": t}]),
    "question": lambda d, t: d.update(debrief={"questions": [t]}),
    "end reason": lambda d, t: d.update(injects=[{"id": "i", "title": "I", "text": "t",
                                                  "effects": {"end": t}}]),
}


@pytest.mark.parametrize("field", list(TEXT_FIELDS))
@pytest.mark.parametrize(("char", "name"), [("\x1b", "ESC (U+001B)"), ("\x9b", "CSI (U+009B)"),
                                            ("\x7f", "DEL (U+007F)"), ("\x07", "BEL (U+0007)")])
def test_control_characters_are_refused_in_every_text_field(field, char, name):
    """Promise 4 (untrusted text is text): ESC, C1 controls, DEL and the other C0 controls are
    refused wherever text goes, with a located message naming the character."""
    data = scenario_data()
    TEXT_FIELDS[field](data, f"ab{char}]52;c;aGk=")
    checked = check(data)
    assert checked.scenario is None
    found = [p for p in checked.errors if name in p.message]
    assert found and found[0].line is not None and found[0].path, [str(p) for p in
                                                                    checked.errors]


@pytest.mark.parametrize(("field", "one_line"), [
    ("title", True), ("party name", True), ("element title", True), ("category", True),
    ("track label", True), ("quote", True), ("question", True), ("source outlet", True),
    ("summary", False), ("background", False), ("public brief", False),
    ("inject text", False), ("facilitator note", False), ("element summary", False),
])
def test_one_line_text_refuses_newlines_and_markdown_allows_them(field, one_line):
    """Promise 4: names, titles, labels, quotes and questions are one line (a newline or tab
    in them is refused, naming it); Markdown fields allow newlines and tabs."""
    data = scenario_data()
    TEXT_FIELDS[field](data, "first line\n\tsecond line")
    checked = check(data)
    if one_line:
        assert any("newline (U+000A)" in p.message and "one-line text" in p.message
                   for p in checked.errors), [str(p) for p in checked.errors]
    else:
        assert checked.scenario is not None, [str(p) for p in checked.errors]


def test_a_folded_title_loses_only_its_trailing_newline():
    """Promise 4: `title: >` (a folded block, which ends with a newline) is one line: the
    trailing newline is dropped rather than refused."""
    text = to_yaml(scenario_data()).replace("title: Test scenario",
                                            "title: >\n  A folded\n  title\n")
    checked = check_text(text, "t.yaml")
    assert checked.scenario is not None and checked.scenario.title == "A folded title"


def test_brackets_stay_valid_text():
    """Promise 4: `[`, `]` and `[/]` (Rich markup look-alikes) are ordinary text in a scenario;
    the terminal UI shows them literally."""
    data = scenario_data(title="[bold]Talks[/bold] [/] [@click=app.quit]")
    data["parties"][0]["name"] = "[/]"
    assert check(data).scenario is not None


def test_validate_never_prints_a_control_character(tmp_path):
    """Promise 4: a control character in an unknown key, an invalid id or the file name is
    escaped in validate's output (\\u001b), never written raw to the terminal."""
    text = to_yaml(scenario_data()).replace("rounds: 3", 'rounds: 3\n"ti\\etle": x\n')
    text = text.replace("id: dmz", 'id: "dm\\ez"')
    path = tmp_path / "odd\x1bname.yaml"
    path.write_text(text, encoding="utf-8")
    done = run_cli("validate", str(path))
    assert done.returncode == 1
    out = done.stdout + done.stderr
    assert "\x1b" not in out and "\\u001b" in out


# --- promise 11: the smaller items ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["a: 1\n\tb: 2\n", "a:\n\t- x\n", "a:\n  b: 1\n\tc: 2\n",
                                  "\ta: 1\n"])
def test_tab_indentation_is_named_with_line_and_column(text):
    """Promise 11: a tab used to indent gets a message saying YAML indents with spaces, at the
    tab's line and column (libyaml's own words say nothing of tabs)."""
    doc = read_yaml(text, "f.yaml")
    (problem,) = doc.problems
    assert "tab" in problem.message and "spaces" in problem.message
    line = text.split("\n").index(next(x for x in text.split("\n") if "\t" in x)) + 1
    assert (problem.line, problem.column) == (line, text.split("\n")[line - 1].index("\t") + 1)


# --- promise 8: deterministic whatever the hash seed ------------------------------------------


def test_bots_and_simulate_are_the_same_under_any_hash_seed(tmp_path):
    """Promise 8: computer players and the simulator iterate in file order, never in a set's
    order, so `run --bots all` and `simulate` print the same under any PYTHONHASHSEED (a
    scenario with wide excludes, package voting and consent, where a set could decide)."""
    data = scenario_data(
        voting="package", rounds=6, max_package=3,
        elements=[el(f"e{i}", consent=["ukraine", "russia"][: i % 3],
                     excludes=[f"e{j}" for j in range(i) if (i + j) % 3 == 0],
                     values={"ukraine": (i * 5) % 7 - 2, "russia": (i * 3) % 5 - 1,
                             "us": 1},
                     stances={"ukraine": "support", "russia": "oppose"} if i % 2 else {})
                  for i in range(12)])
    path = tmp_path / "s.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    assert check(data).scenario is not None
    outputs = set()
    for seed in ("0", "1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs = [subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True,
                               text=True, cwd=REPO, env=env, timeout=60)
                for args in (("run", str(path), "--bots", "all", "--json", "--no-log", "-v"),
                             ("simulate", str(path), "-n", "200", "--json"))]
        assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
        outputs.add(tuple(r.stdout for r in runs))
    assert len(outputs) == 1


def test_problem_text_is_one_line_even_from_a_hostile_file():
    """Promise 4: a problem printed from a file whose content holds newlines or escapes is one
    line with them escaped."""
    line = str(Problem("f\x1b.yaml", 1, 2, "a\nb", "unknown key 'x\x9by'"))
    assert "\n" not in line and "\x1b" not in line and "\x9b" not in line


def test_worst_cases_fit_the_file_size_limit():
    """Promise 5: the worst cases are real files: each is within the 2 MiB file limit."""
    from exercise.scenario.yaml_source import MAX_BYTES

    for name in WORST:
        assert len(worst_yaml(name).encode()) < MAX_BYTES, name


def test_the_bundled_scenarios_are_far_inside_the_limits():
    """Promise 5 (generous for real scenarios): the bundled scenarios use at most a third of
    any count limit."""
    from exercise import catalog
    from exercise.scenario.loading import load_scenario

    for entry in catalog.bundled():
        sc = load_scenario(entry.path)
        assert len(sc.parties) * 3 <= lim.MAX_PARTIES
        assert len(sc.elements) * 3 <= lim.MAX_ELEMENTS
        assert len(sc.injects) * 3 <= lim.MAX_INJECTS
        assert sc.rounds * 2 <= lim.MAX_ROUNDS

