"""Moves as data: one reader for the moves file and the session log (engine/move_data.py)."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise.engine import (
    Ballot,
    CallRatification,
    CallVote,
    EndExercise,
    FireInject,
    Move,
    Pass,
    Player,
    SeatChanged,
    Sign,
    Table,
    Vote,
)
from exercise.engine.move_data import SHAPES, MoveDataError, move_from_data, read_move
from exercise.headless import read_moves
from exercise.scenario.problems import ScenarioError
from exercise.sessions.records import RecordError, parse_record

EXAMPLES: list[Move] = [
    Table("ukraine", ("dmz", "us-monitoring")),
    Pass("ukraine"),
    Vote("russia", {"dmz": Ballot.REJECT, "us-monitoring": Ballot.ACCEPT}),
    FireInject("strike"),
    CallRatification(),
    EndExercise("Time is up"),
    SeatChanged("russia", Player.COMPUTER, "hardliner"),
    SeatChanged("russia", Player.PERSON),
    CallVote(),
    Sign("russia", False),
]


def test_every_kind_of_move_has_one_shape():
    """Adding a kind of move is one entry of SHAPES: every class of Move has exactly one,
    and a mapping body's keys are the class's own fields."""
    classes = set(typing.get_args(Move))
    assert {shape.move for shape in SHAPES.values()} == classes
    assert {type(move) for move in EXAMPLES} == classes
    for kind, shape in SHAPES.items():
        assert shape.move.kind == kind
        if shape.keys:
            assert set(shape.keys) == {f.name for f in dataclasses.fields(shape.move)}


@pytest.mark.parametrize("move", EXAMPLES, ids=lambda m: type(m).__name__)
def test_a_move_reads_back_from_what_it_writes(move):
    """The data form a move writes (to a log, or by hand into a moves file) reads back as
    the same move, through JSON and through YAML."""
    data = json.loads(json.dumps(move.to_data()))
    assert move_from_data(data) == move
    assert [m.move for m in read_moves(json.dumps([data]), "moves.yaml")] == [move]


@pytest.mark.parametrize(("data", "path", "message"), [
    ("ratiffy", (), "unknown move 'ratiffy' (did you mean 'ratify'?)"),
    ({"tabel": {}}, ("tabel",), "unknown move 'tabel' (did you mean 'table'?)"),
    ([1, 2], (), "a move is a mapping with one key"),
    ({"pass": {}}, ("pass",), "pass needs the party making it (party: ID)"),
    ({"pass": "ukraine"}, ("pass",), "pass needs a mapping"),
    ({"table": {"party": "ukraine", "elements": "dmz"}}, ("table", "elements"),
     "elements must be a list of element ids"),
    ({"vote": {"party": "russia", "votes": {"dmz": "acept"}}}, ("vote", "votes", "dmz"),
     "'acept' is not accept, reject or abstain (did you mean 'accept'?)"),
    ({"vote": {"party": "russia", "votes": {}}}, ("vote", "votes"), "votes must map"),
    ({"inject": ""}, ("inject",), "inject needs the id of the inject to fire"),
    ({"end": 5}, ("end",), "end takes the reason"),
    ({"seat": {"party": "russia", "player": "robot"}}, ("seat", "player"),
     "player must be one of: person, computer"),
    ({"seat": {"party": "russia", "player": "person", "persona": "hardliner"}},
     ("seat", "persona"), "a persona is for a computer player only"),
])
def test_a_bad_move_says_what_and_where(data, path, message):
    """Each problem names where inside the move it is and what is wrong, in the same words
    for a moves file and a log."""
    move, problems = read_move(data)
    assert move is None
    assert problems[0].path == path and message in problems[0].message
    with pytest.raises(MoveDataError) as caught:
        move_from_data(data)
    assert caught.value.path == path and message in str(caught.value)


def test_an_unknown_key_is_a_problem_in_a_file_and_passed_over_in_a_log():
    """A key no move has is a typo in a hand-written file, but in a log it may be a newer
    program's addition: the move is still made."""
    data = {"pass": {"party": "ukraine", "prty": 1}}
    move, problems = read_move(data)
    assert move == Pass("ukraine")
    assert [(p.path, p.unknown_key) for p in problems] == [(("pass", "prty"), True)]
    assert "did you mean 'party'?" in problems[0].message
    assert move_from_data(data) == Pass("ukraine")
    with pytest.raises(ScenarioError, match=r"moves.yaml:1:\d+: .*unknown key 'prty'"):
        read_moves("- pass: {party: ukraine, prty: 1}\n", "moves.yaml")


def test_a_log_names_the_field_inside_the_move():
    """A log's bad move is reported with the key path inside the move."""
    record = {"type": "move", "n": 1, "by": "human",
              "move": {"vote": {"party": "russia", "votes": {"freeze": "maybe"}}}}
    with pytest.raises(RecordError, match=r"field 'move\.vote\.votes\.freeze': 'maybe' is not"):
        parse_record(record)


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from([*SHAPES, "party", "votes", "elements", "player", "persona", "x"]),
        inner, max_size=3),
    max_leaves=10))
def test_any_data_is_a_move_or_problems(data: Any):
    """Whatever the data, the reader returns a move or says what is wrong (never raises)."""
    move, problems = read_move(data)
    assert move is not None or problems
    assert all(p.message for p in problems)
