"""`exercise validate`: every problem at once, located, with a suggestion where one fits."""

from __future__ import annotations

from typing import Any

import pytest

from exercise.scenario.loading import check_file
from exercise.scenario.problems import Severity

from .conftest import check, messages, run_cli, scenario_data, to_yaml


def el(eid: str, **extra: Any) -> dict[str, Any]:
    """An element with the required keys."""
    return {"id": eid, "title": eid.upper(), "summary": f"Element {eid}.", **extra}


def only(data: dict[str, Any]) -> list[str]:
    """The problem messages (without file:line) for a scenario given as data."""
    return [p.split(": ", 2)[-1] for p in messages(data)]


BROKEN = """\
id: Demo Scenario
title: Demo
summary: s
background: b
rounds: 2
voting: elements
parties:
  - id: ukraine
    name: Ukraine
    public_brief: U
    walk_away: lots
  - id: russia
    nmae: Russia
    public_brief: R
elements:
  - id: dmz
    title: DMZ
    summary: s
    consent: [ukraine, rusia]
    hidden: yes
injects:
  - id: late
    title: Late
    text: t
    at: {round: 9}
"""


def test_every_problem_is_listed_at_once_with_line_column_and_path():
    """One pass finds every problem, each as file:line:column: severity: key.path: message."""
    found = messages(BROKEN)
    expected = [
        "test.yaml:1:5: error: id: 'Demo Scenario' is not a valid id",
        "test.yaml:6:9: error: voting: 'elements' is not one of: element, package "
        "(did you mean 'element'?)",
        "test.yaml:11:16: error: parties[0].walk_away: expected a number, got 'lots'",
        "test.yaml:12:5: error: parties[1]: missing required key 'name'",
        "test.yaml:13:5: error: parties[1].nmae: unknown key 'nmae' (did you mean 'name'?)",
        "test.yaml:19:24: error: elements[0].consent[1]: unknown party 'rusia' "
        "(did you mean 'russia'?)",
        "test.yaml:20:13: error: elements[0].hidden: expected true or false, got 'yes'",
        "test.yaml:25:17: error: injects[0].at.round: round 9 is beyond the scenario's 2 rounds",
    ]
    for want in expected:
        assert any(m.startswith(want) for m in found), (want, found)
    assert len(found) == len(expected)


def test_problems_come_in_file_order():
    """Problems are sorted by line, as a reader meets them."""
    lines = [int(m.split(":")[1]) for m in messages(BROKEN)]
    assert lines == sorted(lines)


@pytest.mark.parametrize(("change", "expected"), [
    ({"turn_order": ["ukraine", "rusia"]}, "unknown party 'rusia' (did you mean 'russia'?)"),
    ({"elements": [el("dmz", requires=["monitorng"]), el("monitoring")]},
     "unknown element 'monitorng' (did you mean 'monitoring'?)"),
    ({"elements": [el("dmz", effects={"escalaton": 1})],
      "tracks": [{"id": "escalation", "label": "E", "start": 0}]},
     "unknown track 'escalaton' (did you mean 'escalation'?)"),
    ({"injects": [{"id": "a", "title": "A", "text": "t", "when": {"inject": "strik",
                                                                  "fired": True}},
                  {"id": "strike", "title": "S", "text": "t"}]},
     "unknown inject 'strik' (did you mean 'strike'?)"),
    ({"learning_objectives": [{"id": "deterrence", "text": "Learn"}],
      "elements": [el("dmz", objectives=["deterence"])]},
     "unknown learning objective 'deterence' (did you mean 'deterrence'?)"),
    ({"elements": [el("dmz", stances={"ukrain": "support"})]},
     "unknown party 'ukrain' (did you mean 'ukraine'?)"),
    ({"elements": [el("dmz", values={"moscow": 3})]}, "unknown party 'moscow'"),
    ({"elements": [el("dmz", source={"ref": "nbc", "quote": "q"})],
      "sources": [{"id": "nbc-news", "outlet": "NBC", "title": "T", "date": "2025-09"}]},
     "unknown source 'nbc'"),
    ({"ratification": {"required": ["ukraine", "kyiv"]}}, "unknown party 'kyiv'"),
])
def test_cross_references_are_checked(change, expected):
    """Unknown party, element, track, inject, objective and source ids are reported."""
    assert any(expected in m for m in only(scenario_data(**change))), only(scenario_data(**change))


@pytest.mark.parametrize(("where", "word"), [("parties", "facilitator"), ("parties", "public"),
                                            ("parties", "all"), ("elements", "package")])
def test_reserved_words_cannot_be_ids(where, word):
    """Ids the program uses for itself (facilitator, public, all, package) are refused."""
    data = scenario_data()
    data[where][0]["id"] = word
    assert any(f"'{word}' is a reserved word" in m for m in only(data))


def test_requires_cycles_are_reported():
    """A `requires` cycle makes every element in it untableable."""
    data = scenario_data(elements=[el("a", requires=["b"]), el("b", requires=["c"]),
                                   el("c", requires=["a"])])
    found = only(data)
    assert any("cycle (a → b → c → a)" in m for m in found)


def test_requires_and_excludes_the_same_element_is_reported():
    """An element that requires what it excludes could never be tabled."""
    data = scenario_data(elements=[el("a", requires=["b"]), el("b", excludes=["a"])])
    assert any("could never be tabled" in m for m in only(data))


def test_at_round_beyond_rounds_is_reported():
    """An `at` round beyond `rounds` would never fire."""
    data = scenario_data(rounds=3, injects=[{"id": "x", "title": "X", "text": "t",
                                              "at": {"round": 4}}])
    assert any("beyond the scenario's 3 rounds" in m for m in only(data))


def test_observers_in_consent_or_turn_order_are_reported():
    """Observers never vote or propose, so they cannot be in consent or turn_order."""
    data = scenario_data(turn_order=["un"], elements=[el("dmz", consent=["un"])])
    data["parties"].append({"id": "un", "name": "UN", "role": "observer", "public_brief": "w"})
    found = only(data)
    assert any("'un' is an observer; observers never propose" in m for m in found)
    assert any("'un' is an observer; observers never vote" in m for m in found)


@pytest.mark.parametrize(("when", "reason"), [
    ({"track": "esc", "at_least": 11}, "never goes above its max"),
    ({"track": "esc", "at_most": -1}, "never goes below its min"),
    ({"round_at_least": 9}, "beyond the last round"),
    ({"element": "dmz", "status": "withdrawn"}, "no inject withdraws 'dmz'"),
    ({"element": "dmz", "status": "excluded"}, "nothing excludes 'dmz'"),
    ({"element": "dmz", "status": "hidden"}, "is not hidden"),
    ({"element": "dmz", "rejections_at_least": 5}, "at most once a round"),
    ({"party": "ukraine", "score_at_least": 10}, "can score at most 3"),
    ({"all": [{"round_at_least": 1}, {"round_at_least": 7}]}, "beyond the last round"),
    ({"any": []}, "no conditions"),
    ({"inject": "self", "fired": True}, "cannot wait for itself"),
])
def test_conditions_that_can_never_hold_are_reported(when, reason):
    """A `when` that can never hold (where that is decidable) is an error: the inject is dead."""
    data = scenario_data(
        rounds=3,
        tracks=[{"id": "esc", "label": "Escalation", "start": 0}],
        elements=[el("dmz", values={"ukraine": 3})],
        injects=[{"id": "self", "title": "X", "text": "t", "when": when}],
    )
    found = only(data)
    assert any("can never hold" in m and reason in m for m in found), found


def test_conditions_that_can_hold_are_accepted():
    """Reachable conditions pass validation."""
    data = scenario_data(
        rounds=3,
        tracks=[{"id": "esc", "label": "Escalation", "start": 0, "collapse_at": 10}],
        elements=[el("dmz", values={"ukraine": 3}, excludes=["x"]), el("x")],
        injects=[{"id": "a", "title": "A", "text": "t", "when": {"any": [
            {"track": "esc", "at_least": 5}, {"element": "x", "status": "excluded"},
            {"not": {"party": "ukraine", "score_at_least": 3}}]}}],
    )
    assert check(data).scenario is not None


def test_a_condition_with_two_tests_says_to_combine_them():
    """`{track: t, at_least: 1, at_most: 3}` is one test too many: combine with all."""
    data = scenario_data(tracks=[{"id": "esc", "label": "E", "start": 0}],
                         injects=[{"id": "a", "title": "A", "text": "t",
                                   "when": {"track": "esc", "at_least": 1, "at_most": 3}}])
    assert any("combine tests with all" in m for m in only(data))


def test_a_condition_of_unknown_shape_lists_the_forms():
    """A mapping that is no condition at all gets the list of condition forms."""
    data = scenario_data(injects=[{"id": "a", "title": "A", "text": "t",
                                   "when": {"weather": "rain"}}])
    assert any("not a condition" in m and "round_at_least" in m for m in only(data))


def test_warnings_do_not_stop_a_scenario_from_loading():
    """Warnings (a hidden element nothing adds) are reported but the scenario loads."""
    data = scenario_data(elements=[el("dmz"), el("ghost", hidden=True)])
    checked = check(data)
    assert checked.scenario is not None
    assert [p.severity for p in checked.problems] == [Severity.WARNING]
    assert "will never reach the table" in checked.problems[0].message


def test_empty_required_key_says_empty_not_missing():
    """`title:` with nothing after it is reported as empty."""
    text = to_yaml(scenario_data()).replace("title: Test scenario", "title:")
    assert any("'title' is empty" in m for m in messages(text))


def test_top_level_must_be_a_mapping():
    """A list at the top level is not a scenario."""
    assert any("a scenario file is a mapping" in m for m in messages("- a\n- b\n"))


def test_the_model_is_immutable():
    """A loaded scenario cannot be changed by what holds it."""
    from pydantic import ValidationError

    scenario = check(scenario_data(elements=[el("dmz", values={"ukraine": 1})])).scenario
    assert scenario is not None
    with pytest.raises(ValidationError):
        scenario.rounds = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        scenario.elements[0].values["ukraine"] = 5  # type: ignore[index]
    with pytest.raises(AttributeError):
        scenario.parties.append(None)  # type: ignore[attr-defined]


def test_missing_file_is_a_problem(tmp_path):
    """A file that does not exist is one problem, not an exception."""
    checked = check_file(tmp_path / "nope.yaml")
    assert [p.message for p in checked.problems] == ["no such file"]


# --- the command -------------------------------------------------------------------------------


def test_validate_exits_0_for_a_valid_file_and_1_for_a_broken_one(tmp_path):
    """`exercise validate` exits 0 when valid, 1 when not, listing problems on stdout."""
    good = tmp_path / "good.yaml"
    good.write_text(to_yaml(scenario_data()), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    done = run_cli("validate", str(good))
    assert done.returncode == 0 and "ok" in done.stderr
    done = run_cli("validate", str(good), str(bad))
    assert done.returncode == 1
    assert done.stdout.count("error:") == 8
    assert "Traceback" not in done.stderr + done.stdout


def test_validate_never_tracebacks_on_garbage(tmp_path):
    """Binary junk, a folder and a missing file each give a clear message and exit 1."""
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 4)
    done = run_cli("validate", str(junk), str(tmp_path), str(tmp_path / "missing.yaml"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "not UTF-8" in done.stdout and "folder" in done.stdout and "no such file" in done.stdout
