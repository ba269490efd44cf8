"""Ratification by choice (issue 12, item 7): ``ratification: {signing: choice}``.

The contract's rule ("Ratification and outcome": a party signs when its score is at least
its walk_away) stays the default. With signing by choice, people decide at ratification
whether to sign, so a delegation can vote a deal through and then refuse to sign it, or
sign a deal below its walk-away; computer seats sign exactly when the rule would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from exercise import catalog
from exercise.bots import ComputerPlayer
from exercise.conduct import Conductor, SeatPlan
from exercise.engine import (
    CallRatification,
    CallVote,
    EndExercise,
    EventKind,
    Game,
    IllegalMoveError,
    OutcomeKind,
    Phase,
    Sign,
    Table,
    Vote,
)
from exercise.engine.moves import Ballot
from exercise.narration import Narrator

from .conftest import load


def tutorial() -> dict[str, Any]:
    """The bundled tutorial, as data."""
    data: dict[str, Any] = yaml.safe_load(Path(catalog.resolve("tutorial")).read_text("utf-8"))
    return data


def choice() -> dict[str, Any]:
    """The tutorial with signing by choice (as it is bundled)."""
    data = tutorial()
    data["ratification"] = {"signing": "choice"}
    return data


def to_ratification(game: Game, elements: tuple[str, ...] = ("freeze",)) -> None:
    """Adopt ``elements`` (every party accepts; the freeze alone is worth +2 to Ukraine,
    whose walk-away is 2), then call ratification."""
    proposer = game.proposer
    assert proposer is not None
    game.push(Table(proposer, elements))
    game.push(CallVote())
    for party in game.book.voters:
        game.push(Vote(party, dict.fromkeys(elements, Ballot.ACCEPT)))
    game.push(CallRatification())


def test_the_default_stays_the_contracts_rule():
    """Ratification and outcome: without the key, each party signs when its score reaches
    its walk-away, at once; a sign move is refused and says signing is automatic."""
    data = tutorial()
    data.pop("ratification", None)
    game = Game(load(data), seed=1)
    with pytest.raises(IllegalMoveError, match="signing is automatic"):
        game.check(Sign("ukraine", True))
    to_ratification(game)
    assert game.is_over
    s = game.session
    assert s.outcome is not None
    assert s.outcome.signed == {p: s.scores[p] >= s.walk_away[p] for p in game.book.voters}


def test_ratification_waits_for_every_partys_choice_in_secret():
    game = Game(load(choice()), seed=1)
    to_ratification(game)
    assert game.phase is Phase.RATIFICATION and not game.is_over
    assert game.awaiting() == game.book.voters
    assert "sign" in game.expected()
    game.push(Sign("russia", True))
    cast = [e for e in game.events if e.kind is EventKind.SIGNATURE_CAST]
    assert cast and cast[-1].data == {"party": "russia"}  # who has chosen, never what
    assert game.awaiting() == ("ukraine", "us")
    with pytest.raises(IllegalMoveError, match="already chosen"):
        game.push(Sign("russia", False))
    with pytest.raises(IllegalMoveError, match="already under way"):
        game.push(CallRatification())
    with pytest.raises(IllegalMoveError, match="not a party"):
        game.push(Sign("nobody", True))


def test_a_party_can_vote_a_deal_through_and_then_refuse_to_sign_it():
    """Ukraine accepted the freeze, which reaches its walk-away, and refuses to sign: no
    agreement, and the record says it refused though the deal paid."""
    game = Game(load(choice()), seed=1)
    to_ratification(game)
    s = game.session
    assert s.scores["ukraine"] >= s.walk_away["ukraine"]
    for party in game.awaiting():
        game.push(Sign(party, party != "ukraine"))
    outcome = game.outcome()
    assert outcome is not None and outcome.kind is OutcomeKind.NO_AGREEMENT
    assert outcome.refused == ("ukraine",)
    ratified = next(e for e in game.events if e.kind is EventKind.RATIFICATION)
    assert ratified.data["chosen"] is True and ratified.data["reached"]["ukraine"] is True
    narrator = Narrator(game.scenario)
    assert narrator.line(ratified) == "Ratification: signed by Russia, United States; " \
                                      "refused by Ukraine."


def test_a_party_may_sign_below_its_walk_away():
    game = Game(load(choice()), seed=1)
    to_ratification(game, ("nato-pause",))
    s = game.session
    short = [p for p in game.book.voters if s.scores[p] < s.walk_away[p]]
    assert "ukraine" in short, "the NATO pause alone leaves Ukraine below its walk-away"
    for party in game.awaiting():
        game.push(Sign(party, True))
    outcome = game.outcome()
    assert outcome is not None and outcome.kind is OutcomeKind.AGREEMENT
    assert all(outcome.signed[p] for p in short)


def test_nothing_adopted_ends_at_once_and_the_facilitator_can_stop_while_parties_choose():
    game = Game(load(choice()), seed=1)
    game.push(CallRatification())
    outcome = game.outcome()
    assert outcome is not None and outcome.kind is OutcomeKind.NO_AGREEMENT

    game = Game(load(choice()), seed=1)
    to_ratification(game)
    assert EndExercise() in list(game.legal_moves("facilitator"))
    game.push(EndExercise("Time is up"))
    outcome = game.outcome()
    assert outcome is not None and outcome.kind is OutcomeKind.ENDED


@pytest.mark.parametrize("seed", range(12))
def test_computer_seats_sign_exactly_when_the_rule_would(seed):
    """The same game with the rule and by choice, every seat a computer: the same outcome;
    each computer seat's reason names its score against its walk-away."""
    automatic = tutorial()
    automatic.pop("ratification", None)
    results = []
    for data in (automatic, choice()):
        game = Game(load(data), seed=seed)
        players = {p: ComputerPlayer(game, p) for p in game.book.voters}
        reasons = []
        while not game.is_over:
            if game.phase is Phase.DISCUSSION:
                game.push(CallVote())
                continue
            decision = players[game.awaiting()[0]].decide(game)
            assert decision is not None
            if isinstance(decision.move, Sign):
                reasons.append(decision.reason)
            game.push(decision.move)
        results.append((game.outcome(), dict(game.session.scores)))
        if reasons:
            assert all("walk-away" in r for r in reasons)
    (auto, auto_scores), (chosen, chosen_scores) = results
    assert auto is not None and chosen is not None
    assert (auto.kind, auto.signed, auto_scores) == (chosen.kind, chosen.signed, chosen_scores)


def test_a_computer_seats_reason_to_sign_stays_hidden_until_all_have_chosen():
    """The feed holds a computer seat's reason (it would give its choice away) until the
    ratification is revealed, as it holds a ballot's."""
    scenario = load(choice())
    seats = {p.id: SeatPlan(p.id, p.id == "ukraine") for p in scenario.parties}
    conductor = Conductor(scenario, seats, seed=1)
    game = conductor.game
    while game.phase is not Phase.RATIFICATION and not game.is_over:
        step = conductor.next_step()
        if step.party == "ukraine" and game.phase is Phase.PROPOSAL:
            conductor.push(Table("ukraine", (game.tableable()[0],)), by="ukraine")
        elif step.party == "ukraine":
            conductor.push(Vote("ukraine", dict.fromkeys(game.ballot_targets(), Ballot.ACCEPT)),
                           by="ukraine")
        elif game.phase is Phase.DISCUSSION:
            conductor.push(CallVote(), by="facilitator")
        else:
            conductor.computer_move()
    assert game.phase is Phase.RATIFICATION, "a deal was adopted"
    while conductor.next_step().party != "ukraine":
        conductor.computer_move()
    feed = [line.text for line in conductor.feed_for("ukraine")]
    assert not any("signs" in t or "refuses to sign" in t for t in feed)
    conductor.push(Sign("ukraine", False), by="ukraine")
    feed = [line.text for line in conductor.feed_for("ukraine")]
    assert any("walk-away" in t and ("signs" in t or "refuses" in t) for t in feed)
    assert any(t.startswith("Ratification: signed by") and "refused by Ukraine" in t
               for t in feed)


def test_headless_moves_sign_and_a_bad_choice_is_named(tmp_path, capsys):
    from exercise.cli import main

    scenario = tmp_path / "choice.yaml"
    scenario.write_text(json.dumps(choice()), encoding="utf-8")
    moves = tmp_path / "moves.yaml"
    moves.write_text("- table: {party: us, elements: [freeze]}\n"
                     "- vote: {party: us, votes: {freeze: accept}}\n"
                     "- vote: {party: ukraine, votes: {freeze: accept}}\n"
                     "- vote: {party: russia, votes: {freeze: accept}}\n"
                     "- ratify\n"
                     "- sign: {party: ukraine, signs: false}\n"
                     "- sign: {party: russia, signs: true}\n"
                     "- sign: {party: us, signs: true}\n", encoding="utf-8")
    assert main(["run", str(scenario), "--moves", str(moves), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["outcome"] == "no_agreement"
    assert result["signed"] == {"ukraine": False, "russia": True, "us": True}

    moves.write_text("- ratify\n- sign: {party: ukraine, signs: maybe}\n", encoding="utf-8")
    assert main(["run", str(scenario), "--moves", str(moves), "--json"]) != 0
    err = capsys.readouterr().err
    assert f"{moves}:2:" in err and "signs must be true" in err and "maybe" in err
    assert "Traceback" not in err


def test_every_screen_says_the_seat_chooses_and_no_one_sees_another_choice():
    """The seat that must choose is asked (its view offers a sign), the others' views do
    not, the projector says each delegation chooses in secret, and no view shows who chose
    what before the reveal."""
    from exercise.conduct import PUBLIC
    from exercise.room import Room
    from exercise.tui.projector import phase_words

    scenario = load(choice())
    seats = {p.id: SeatPlan(p.id, p.id in ("ukraine", "russia")) for p in scenario.parties}
    room = Room(Conductor(scenario, seats, seed=1), bot_delay=0, auto_vote=True, timer=False)
    game = room.conductor.game
    to_ratification(game)
    assert game.phase is Phase.RATIFICATION
    assert room.view("ukraine").legal.sign and room.view("russia").legal.sign
    assert not room.view("us").legal.sign and not room.view(PUBLIC).legal.sign
    assert "chooses whether to sign, in secret" in phase_words(room.view(PUBLIC))
    game.push(Sign("russia", False))
    assert not room.view("russia").legal.sign and room.view("ukraine").legal.sign
    for viewer in ("ukraine", PUBLIC, "us"):
        text = " ".join(line.text for line in room.view(viewer).feed)
        assert "refuse" not in text and "Russia signs" not in text


def test_with_nothing_adopted_no_one_is_said_to_refuse():
    """Ratification and outcome: nothing adopted ends at once by the rule; the record does
    not speak of choices no one was asked to make."""
    game = Game(load(choice()), seed=1)
    game.push(CallRatification())
    ratified = next(e for e in game.events if e.kind is EventKind.RATIFICATION)
    assert "chosen" not in ratified.data
    assert "refused" not in (Narrator(game.scenario).line(ratified) or "")
