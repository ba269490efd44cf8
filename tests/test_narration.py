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


@pytest.mark.parametrize(("cause", "told"), [
    ({"withheld": ["russia"], "accepts": 2, "cast": 3, "needed": 2},
     "REJECTED: Buffer zone held by non-NATO troops — Russia withheld consent."),
    ({"withheld": ["russia", "us"], "accepts": 1, "cast": 3, "needed": 2},
     "REJECTED: Buffer zone held by non-NATO troops — Russia and United States withheld consent."),
    ({"withheld": [], "accepts": 1, "cast": 3, "needed": 2},
     "REJECTED: Buffer zone held by non-NATO troops — 1 of 3 accepting; 2 needed."),
    ({"withheld": [], "accepts": 0, "cast": 0, "needed": 0},
     "REJECTED: Buffer zone held by non-NATO troops — every delegation abstained."),
    (None, "REJECTED: Buffer zone held by non-NATO troops."),  # an older log's event
])
def test_a_rejection_in_the_feed_says_why(narrator: Narrator, cause, told):
    """Issue 12: the feed says why an element failed (resolution, scenario-format.md "A
    round", 5: every consent party must accept, and a majority of the votes cast)."""
    from exercise.engine import Event, EventKind

    data = {"element": "dmz-neutral", "rejections": 1, **({"cause": cause} if cause else {})}
    assert narrator.line(Event(EventKind.ELEMENT_REJECTED, 1, data)) == told


def test_a_change_of_stance_reads_as_a_sentence(narrator: Narrator):
    """"Russia now says it will neutral" is mended: the stance is a verb."""
    from exercise.engine import Event, EventKind

    line = narrator.line(Event(EventKind.STANCE_CHANGED, 1, {
        "party": "russia", "element": "dmz-neutral", "old": "oppose", "new": "neutral"}))
    assert line == "Russia now is neutral on Buffer zone held by non-NATO troops."
