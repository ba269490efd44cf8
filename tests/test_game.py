"""The engine's API: what is legal, push, outcome; illegal moves name what was expected."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from exercise.engine import (
    CallRatification,
    CallVote,
    EndExercise,
    FireInject,
    Game,
    GameOverError,
    IllegalMoveError,
    InjectUnavailableError,
    InvalidBallotError,
    InvalidPackageError,
    NotYourTurnError,
    Pass,
    Phase,
    Table,
    Vote,
    WrongPhaseError,
)


def snapshot(game: Game) -> dict[str, Any]:
    """Everything an illegal move must leave untouched."""
    s = game.session
    return copy.deepcopy({
        "phase": s.state, "round": s.round, "proposer": s.proposer, "tabled": s.tabled,
        "ballots": s.ballots, "status": s.status, "rejections": s.rejections,
        "tracks": s.tracks, "values": s.values, "stances": s.stances, "walk_away": s.walk_away,
        "scores": s.scores, "fired": s.fired, "signed": s.signed, "events": len(s.events),
        "history": len(s.history), "attempts": s.attempts, "outcome": s.outcome,
    })


ILLEGAL_IN_PROPOSAL = [
    (Table("russia", ("dmz",)), NotYourTurnError, "russia's turn|ukraine's turn"),
    (Table("ukraine", ()), InvalidPackageError, "at least one"),
    (Table("ukraine", ("dmz", "dmz")), InvalidPackageError, "twice"),
    (Table("ukraine", ("nowhere",)), InvalidPackageError, "no element"),
    (Pass("us"), NotYourTurnError, "ukraine's turn"),
    (Vote("ukraine", {"dmz": "accept"}), WrongPhaseError, "voting phase"),
    (CallVote(), WrongPhaseError, "discussion"),
    (FireInject("nope"), InjectUnavailableError, "no inject"),
]


@pytest.mark.parametrize(("move", "error", "text"), ILLEGAL_IN_PROPOSAL)
def test_illegal_move_raises_a_specific_error_and_changes_nothing(make_game, move, error, text):
    """An illegal move raises its own error class, says what was expected, and changes nothing."""
    game = make_game()
    before = snapshot(game)
    with pytest.raises(error, match=text) as info:
        game.push(move)
    assert isinstance(info.value, (IllegalMoveError, ValueError))
    assert info.value.expected
    assert "expected" in str(info.value)
    assert snapshot(game) == before
    assert not game.is_legal(move)


def test_illegal_votes_change_nothing(make_game):
    """Incomplete, extra, repeated and observer ballots are refused without a trace."""
    game = make_game()
    game.push(Table("ukraine", ("dmz",)))
    game.push(CallVote())
    game.push(Vote("ukraine", {"dmz": "accept"}))
    before = snapshot(game)
    for move, pattern in [
        (Vote("russia", {}), "no vote on dmz"),
        (Vote("russia", {"dmz": "accept", "monitoring": "accept"}), "not on the ballot"),
        (Vote("ukraine", {"dmz": "reject"}), "already voted"),
        (Vote("nobody", {"dmz": "reject"}), "not a party"),
    ]:
        with pytest.raises(InvalidBallotError, match=pattern):
            game.push(move)
        assert snapshot(game) == before


def test_a_ballot_must_say_accept_reject_or_abstain():
    """A vote with another word is refused when the move is made."""
    with pytest.raises(InvalidBallotError, match="accept, reject or abstain"):
        Vote("russia", {"dmz": "maybe"})


def test_moves_after_the_end_raise_game_over(make_game):
    """Once the exercise has ended, every move is refused with GameOverError."""
    game = make_game()
    game.push(EndExercise())
    for move in (Pass("ukraine"), CallRatification(), EndExercise(), FireInject("x")):
        with pytest.raises(GameOverError, match="has ended"):
            game.push(move)
    assert list(game.legal_moves()) == []


def test_legal_moves_are_exactly_the_moves_push_accepts(make_game):
    """Every move legal_moves lists is accepted by push, in every phase of a round."""
    game = make_game(max_package=2, injects=[{"id": "card", "title": "Card", "text": "t"}])
    for _ in range(6):
        if game.is_over:
            break
        moves = list(game.legal_moves())
        assert moves, game.phase
        for move in moves:
            assert game.is_legal(move), move
        # Move on with the first non-facilitator move when there is one.
        party_moves = [m for m in moves if m.actor != "facilitator"]
        game.push(party_moves[-1] if party_moves else CallVote())


def test_legal_moves_in_proposal_cover_passes_and_every_package(make_game):
    """In proposal: a pass, plus every package of 1..max_package tableable elements."""
    game = make_game(max_package=2)
    moves = set(game.legal_moves("ukraine"))
    assert Pass("ukraine") in moves
    assert Table("ukraine", ("dmz",)) in moves
    assert Table("ukraine", ("dmz", "monitoring")) in moves
    assert len([m for m in moves if isinstance(m, Table)]) == 3


def test_awaiting_and_expected_say_who_moves(make_game):
    """The engine says who must move now and what it is waiting for."""
    game = make_game()
    assert game.awaiting() == ("ukraine",)
    assert "proposal from ukraine" in game.expected()
    game.push(Table("ukraine", ("dmz",)))
    assert game.awaiting() == ("facilitator",)
    game.push(CallVote())
    assert set(game.awaiting()) == {"ukraine", "russia", "us"}
    game.push(Vote("russia", {"dmz": "reject"}))
    assert set(game.awaiting()) == {"ukraine", "us"}
    assert game.voted() == ("russia",)


def test_push_returns_the_events_the_move_produced(make_game):
    """push returns the events its move set off, in order."""
    game = make_game()
    events = game.push(Pass("ukraine"))
    kinds = [str(e.kind) for e in events]
    assert kinds == ["passed", "round_started"]


def test_same_moves_same_seed_same_game(make_game):
    """The engine is deterministic: the same moves and seed give the same events."""
    injects = [{"id": "maybe", "title": "M", "text": "t", "when": {"round_at_least": 1},
                "chance": 0.5, "repeat": True}]

    def play(seed: int) -> list[dict]:
        game = make_game(seed=seed, injects=injects)
        for _ in range(3):
            if game.is_over:
                break
            game.push(Table(game.proposer, ("dmz",)))
            game.push(CallVote())
            for who in game.awaiting():
                game.push(Vote(who, {"dmz": "reject"}))
        return [e.to_data() for e in game.events]

    assert play(4) == play(4)


def test_result_has_the_contract_keys(make_game):
    """result() has exactly the keys of `exercise run --json`, outcome null while running."""
    game = make_game()
    result = game.result()
    assert set(result) == {"outcome", "round", "phase", "elements", "rejections", "scores",
                           "signed", "tracks", "injects_fired", "rejected"}
    assert result["outcome"] is None and result["phase"] == "proposal"
    assert set(result["scores"]) == {"ukraine", "russia", "us"}
    assert result["signed"] == {"ukraine": False, "russia": False, "us": False}


def test_game_starts_in_round_one_proposal(make_game):
    """A new game has run round 1's briefing and waits for the first proposer."""
    game = make_game()
    assert (game.round, game.phase, game.proposer) == (1, Phase.PROPOSAL, "ukraine")
