"""Moves and events told in words, with names and titles, never ids."""

from __future__ import annotations

import pytest

from exercise import catalog
from exercise.engine import (
    Ballot,
    CallRatification,
    CallVote,
    EndExercise,
    FireInject,
    Pass,
    Player,
    SeatChanged,
    Table,
    Vote,
)
from exercise.narration import Narrator, private_mark
from exercise.scenario.loading import load_scenario


@pytest.fixture(scope="module")
def narrator() -> Narrator:
    """The tutorial's narrator."""
    return Narrator(load_scenario(catalog.resolve("tutorial")))


@pytest.mark.parametrize(("move", "by", "told"), [
    (Table("us", ("freeze", "nato-pause")), "computer",
     "United States (the computer) tables Freeze the front line and 20-year pause on NATO "
     "membership."),
    (Pass("ukraine"), "human", "Ukraine (a person) passes."),
    (Vote("russia", {"freeze": Ballot.ACCEPT}), "computer", "Russia (the computer) votes."),
    (CallVote(), "facilitator", "The facilitator opens voting."),
    (CallVote(), "auto", "Voting opens by itself."),
    (FireInject("moscow-signal"), "facilitator",
     "The facilitator plays the card “Private: Moscow signals flexibility”."),
    (CallRatification(), "facilitator", "The facilitator calls ratification."),
    (EndExercise("Time is up"), "facilitator", "The facilitator ends the exercise (Time is up)."),
    (SeatChanged("russia", Player.COMPUTER, "hardliner"), "facilitator",
     "The facilitator gives the Russia seat to the computer (hardliner)."),
    (SeatChanged("russia", Player.PERSON), "facilitator",
     "The facilitator gives the Russia seat to a person."),
])
def test_a_move_is_told_with_names_and_who_made_it(narrator, move, by, told):
    """Each kind of move, as a replay tells it: names and titles, and who made it; a vote
    says nothing of the ballot."""
    assert narrator.move(move, by) == told


def test_a_private_mark_names_who_a_line_was_for():
    """A private line's mark, the same in every front end."""
    assert private_mark(["Russia"]) == "(private to Russia) "
    assert private_mark(["Turkey", "United States"]) == "(private to Turkey, United States) "
    assert private_mark([]) == "(private) "
