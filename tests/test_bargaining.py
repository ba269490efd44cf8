"""Computer delegations bargain (issue 13, items 2-4): they answer offers with a reason, keep
or break promises by persona, weigh broken promises, make offers that raise their own
score, and ``simulate --no-talks`` shows what bargaining does.

The scenario: each principal gains from one element and loses a little on the other, and
each holds a veto (consent) over the element it loses on. Without talks both elements are
vetoed; a trade ("we accept yours if you accept ours") carries both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exercise.bots import ComputerPlayer
from exercise.bots.bargain import answer, propose_trade
from exercise.conduct import FACILITATOR, Conductor, SeatPlan
from exercise.engine import (
    Answer,
    CallVote,
    EventKind,
    Game,
    Offer,
    Pass,
    Rulebook,
    Table,
    Terms,
    Vote,
)
from exercise.room import Room
from exercise.simulate.report import personas_in_play, summarise
from exercise.simulate.runner import simulate

from .conftest import load, run_cli, scenario_data, to_yaml


def trade_data(*, costly: bool = True, **changes: Any) -> dict[str, Any]:
    """Two vetoes that only a trade gets past (the United States proposes both), and an
    element that costs Russia twice its typical value (``costly``)."""
    data = scenario_data(**{"rounds": 2, "turn_order": ["us", "ukraine", "russia"], **changes})
    data["elements"] = [
        {"id": "dmz", "title": "Buffer zone", "summary": "s", "consent": ["russia"],
         "values": {"ukraine": 3, "russia": -1, "us": 1}, "stances": {"ukraine": "support"}},
        {"id": "moratorium", "title": "NATO moratorium", "summary": "s", "consent": ["ukraine"],
         "values": {"ukraine": -1, "russia": 3, "us": 1}, "stances": {"russia": "support"}},
        {"id": "costly", "title": "Reparations", "summary": "s",
         "values": {"ukraine": 2, "russia": -4, "us": 0}},
    ][:3 if costly else 2]
    for party in data["parties"]:
        party["walk_away"] = 0
    return data


def tabled_with_promise(russia_gives: str = "dmz") -> Game:
    """Round 1, voting open on dmz, moratorium and costly, after Russia accepted Ukraine's
    offer: Ukraine accepts the moratorium if Russia accepts ``russia_gives``."""
    game = Game(load(trade_data()), seed=1)
    game.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                    Terms(accept=(russia_gives,))))
    game.push(Answer("russia", 1, True))
    game.push(Table("us", ("dmz", "moratorium", "costly")))
    game.push(CallVote())
    return game


@pytest.mark.parametrize(("persona", "element", "kept"), [
    ("cooperative", "dmz", True), ("pragmatist", "dmz", True), ("hardliner", "dmz", False),
    ("cooperative", "costly", True), ("pragmatist", "costly", False),
    ("hardliner", "costly", False),
])
def test_computer_delegations_keep_or_break_promises_by_persona(persona, element, kept):
    """A promise costing Russia half its typical value (dmz) is kept by the cooperative and
    the pragmatist and broken by the hardliner; one costing twice it (costly) only the
    cooperative keeps. The vote's reason says so, and the promise is settled so."""
    game = tabled_with_promise(element)
    russia = ComputerPlayer(game, "russia", persona=persona, noise=0)
    decision = russia.decide(game)
    assert decision is not None and isinstance(decision.move, Vote)
    ballot = decision.move.votes[element]
    assert (ballot == "accept") is kept
    said = "keeps its promise of offer 1" if kept else "breaking its promise of offer 1"
    assert said in decision.reason
    game.push(decision.move)
    for party in ("ukraine", "us"):
        game.push(Vote(party, dict.fromkeys(game.ballot_targets(), "accept")))
    results = {(e.data["party"], e.data["element"]): e.data["result"] for e in game.events
               if e.kind is EventKind.PROMISE_SETTLED}
    assert results[("russia", element)] == ("kept" if kept else "broken")


def test_a_computer_answers_an_offer_from_its_values_with_a_specific_reason():
    """An offer worth more than it costs is accepted, one that costs more is declined, each
    with a reason naming what is given and what is asked."""
    game = Game(load(trade_data()), seed=1)
    russia = ComputerPlayer(game, "russia", persona="pragmatist", noise=0)
    game.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                    Terms(accept=("dmz",))))
    yes = answer(russia, game, game.session.talks.offers[0])
    assert yes.move == Answer("russia", 1, True)
    assert yes.reason == ("Russia accepts offer 1: Ukraine accepting NATO moratorium is worth "
                          "more to it than accepting Buffer zone costs it.")
    game.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                    Terms(accept=("costly",))))
    no = answer(russia, game, game.session.talks.offers[1])
    assert no.move == Answer("russia", 2, False)
    assert no.reason == ("Russia declines offer 2: accepting Reparations costs it more than "
                         "Ukraine accepting NATO moratorium brings it.")


@pytest.mark.parametrize(("persona", "forgives"), [
    ("hardliner", 0), ("pragmatist", 1), ("cooperative", 2)])
def test_broken_promises_weigh_on_a_partys_next_offers(persona, forgives):
    """A delegation that broke more promises than a persona forgives has its next offer
    declined, and the reason says how many it broke."""
    game = Game(load(trade_data(rounds=3)), seed=1)
    russia = ComputerPlayer(game, "russia", persona=persona, noise=0)
    broken = forgives + 1
    for _ in range(broken):  # Ukraine promises to accept costly and votes it down
        game.push(Offer("ukraine", ("russia",), Terms(accept=("costly",)), Terms()))
        game.push(Answer("russia", len(game.session.talks.offers), True))
    game.push(Table("us", ("costly",)))
    game.push(CallVote())
    game.push(Vote("ukraine", {"costly": "reject"}))
    game.push(Vote("russia", {"costly": "accept"}))
    game.push(Vote("us", {"costly": "reject"}))
    assert game.session.talks.broken_by("ukraine") == broken
    game.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                    Terms(accept=("dmz",))))
    reply = answer(russia, game, game.session.talks.offers[-1])
    assert reply.move.accept is False
    assert f"Ukraine has broken {broken} promise" in reply.reason


def test_computer_offers_raise_their_own_score_and_ask_nothing_a_signer_opposes():
    """In discussion a computer delegation offers a trade over the tabled elements that
    leaves it better off if both are adopted, and never asks for an element a required
    signer opposes in public."""
    game = Game(load(trade_data()), seed=1)
    game.push(Table("us", ("dmz", "moratorium")))
    ukraine = ComputerPlayer(game, "ukraine", noise=0)
    decision = propose_trade(ukraine, game)
    assert decision is not None
    move = decision.move
    assert move == Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                         Terms(accept=("dmz",)))
    values = game.book.values["ukraine"]
    assert values["dmz"] + values["moratorium"] > 0
    assert "Ukraine offers Russia a trade" in decision.reason
    opposed = trade_data()
    opposed["elements"][0]["stances"]["russia"] = "oppose"
    game = Game(load(opposed), seed=1)
    game.push(Table("us", ("dmz", "moratorium")))
    assert propose_trade(ComputerPlayer(game, "ukraine", noise=0), game) is None


def test_a_computer_answers_a_persons_offer_privately_in_the_room():
    """A person's offer to a computer seat is answered by the room itself, and the reason
    reaches only the offer's parties (and the facilitator)."""
    scenario = load(trade_data())
    plans = {p.id: SeatPlan(p.id, human=p.id == "ukraine") for p in scenario.parties}
    room = Room(Conductor(scenario, plans, 1), bot_delay=0, auto_vote=False, timer=False)
    room.settle()
    room.act("ukraine", Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                              Terms(accept=("dmz",))))
    room.settle()
    state = room.conductor.game.session.talks.offers[-1]
    assert state.answers == {"russia": True}
    reasons = [line for line in room.conductor.feed if line.kind == "reason"
               and f"offer {state.number}" in line.text and "accepts" in line.text]
    assert reasons and all(line.audience == ("ukraine", "russia") for line in reasons)
    assert not any(r.visible_to("us") for r in reasons)
    assert all(r.visible_to(FACILITATOR) for r in reasons)


def _mean_scores(book: Rulebook, talks: bool, personas: dict[str, str] | None = None
                 ) -> dict[str, Any]:
    summary = summarise(book, simulate(book, 300, 0, personas=personas, talks=talks), seed=0,
                        personas=personas_in_play(book, personas or {}), talks=talks)
    return {"agreement": summary["outcomes"].get("agreement", {}).get("rate", 0.0),
            **{p["id"]: p["mean_score"] for p in summary["parties"]}}


def test_bargaining_raises_a_bots_expected_score_in_simulation():
    """Over the same simulated games, the computer delegations' trades carry what vetoes
    block without talks: Ukraine's (and everyone's) mean score and the agreement rate rise."""
    book = Rulebook(load(trade_data(costly=False)))
    without, with_talks = _mean_scores(book, False), _mean_scores(book, True)
    assert with_talks["ukraine"] > without["ukraine"]
    assert with_talks["agreement"] > without["agreement"]


def test_bargaining_with_a_hardliner_who_breaks_its_word_does_not_pay():
    """Against a hardliner Russia, which accepts the trade and breaks its promise, the same
    bargaining leaves Ukraine no better off than not talking."""
    book = Rulebook(load(trade_data(costly=False)))
    personas = {"russia": "hardliner"}
    without = _mean_scores(book, False, personas)
    with_talks = _mean_scores(book, True, personas)
    assert with_talks["ukraine"] <= without["ukraine"]


def test_a_simulated_game_with_talks_ends_as_the_same_game_run_headless(tmp_path: Path):
    """The talks are part of the one rules implementation: a simulated game and `exercise
    run --bots all` with the same seed make the same offers and end the same."""
    from exercise.simulate.memo import Simulator

    path = tmp_path / "trade.yaml"
    path.write_text(to_yaml(trade_data(costly=False)), encoding="utf-8")
    done = run_cli("run", str(path), "--bots", "all", "--seed", "4", "--json", "--no-log")
    assert done.returncode == 0, done.stderr
    played = Simulator(Rulebook(load(trade_data(costly=False)))).play(4)
    assert json.loads(done.stdout)["scores"] == played.session.scores
    assert len(played.session.talks.offers) > 0


def test_simulate_no_talks_reports_what_bargaining_does(tmp_path: Path):
    """`exercise simulate --no-talks` sets the games without talks beside the same games
    with them, in its table and its JSON."""
    path = tmp_path / "trade.yaml"
    path.write_text(to_yaml(trade_data(costly=False)), encoding="utf-8")
    table = run_cli("simulate", str(path), "-n", "200", "--no-talks", "-q")
    assert table.returncode == 0, table.stderr
    assert "What bargaining does" in table.stdout
    assert "agreement: 0.0% without talks, 100.0% with them (+100.0 points)" in table.stdout
    data = json.loads(run_cli("simulate", str(path), "-n", "200", "--no-talks", "-q",
                              "--json").stdout)
    assert data["talks"]["on"] is False and data["talks"]["offers"] == 0
    effect = data["talks_effect"]
    assert effect["agreement_rate"] == [0.0, 1.0]
    ukraine = next(p for p in effect["parties"] if p["id"] == "ukraine")
    assert ukraine["change"] > 0


# --- promises to table, offers across rounds, package voting --------------------------------


def table_data(**changes: Any) -> dict[str, Any]:
    """Ukraine wants the buffer zone tabled, and never proposes (two rounds: the United
    States, then Russia); the United States tables the moratorium, which Russia supports
    and which is worth nothing to Ukraine. The buffer zone needs Russia's consent and costs
    it a quarter of its typical value: without talks it is never tabled."""
    data = scenario_data(**{"rounds": 2, "turn_order": ["us", "russia", "ukraine"],
                            **changes})
    data["elements"] = [
        {"id": "moratorium", "title": "NATO moratorium", "summary": "s",
         "values": {"ukraine": 0, "russia": 4, "us": 1}, "stances": {"russia": "support"}},
        {"id": "dmz", "title": "Buffer zone", "summary": "s", "consent": ["russia"],
         "values": {"ukraine": 3, "russia": -1, "us": 0}},
        {"id": "monitoring", "title": "US monitoring", "summary": "s"},
    ]
    for party in data["parties"]:
        party["walk_away"] = 0
    return data


def test_a_computer_offers_to_accept_now_if_the_next_proposer_tables_what_it_wants():
    """In discussion Ukraine, which values the untabled buffer zone and has no turn to
    propose left, offers Russia, whose turn comes in round 2: it accepts the moratorium
    (which Russia supports) now if Russia tables the buffer zone then; the offer runs to
    round 2, and its reason names the elements and the round. Russia accepts it."""
    game = Game(load(table_data()), seed=1)
    game.push(Table("us", ("moratorium",)))
    ukraine = ComputerPlayer(game, "ukraine", noise=0)
    decision = propose_trade(ukraine, game)
    assert decision is not None
    assert decision.move == Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                                  Terms(table=("dmz",)), until=2)
    assert decision.reason == (
        "Ukraine offers Russia a trade: it will accept NATO moratorium, which Russia "
        "supports, in this round's vote if Russia tables Buffer zone when it next proposes, "
        "in round 2; NATO moratorium adopted and Buffer zone tabled would leave Ukraine "
        "better off than neither.")
    game.push(decision.move)
    russia = ComputerPlayer(game, "russia", noise=0)
    reply = answer(russia, game, game.session.talks.offers[0])
    assert reply.move == Answer("russia", 1, True)
    assert "tabling Buffer zone by round 2" in reply.reason


def _settled(game: Game) -> list[tuple[int, str, str, str]]:
    return [(e.round, e.data["party"], e.data["verb"], e.data["result"]) for e in game.events
            if e.kind is EventKind.PROMISE_SETTLED]


@pytest.mark.parametrize(("persona", "kept"), [
    ("cooperative", True), ("pragmatist", True), ("hardliner", False)])
def test_a_promise_to_table_is_kept_or_broken_by_persona_a_round_later(persona, kept):
    """Rule: a promise to table is tested at the party's next proposal within the offer's
    rounds. Russia promised in round 1 to table the buffer zone in round 2, at a cost of a
    quarter of its typical value: the cooperative and the pragmatist (fidelity 1) table it,
    the hardliner (fidelity 0) does not, and the promise is settled so in round 2."""
    game = Game(load(table_data()), seed=1)
    game.push(Table("us", ("moratorium",)))
    game.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                    Terms(table=("dmz",)), until=2))
    game.push(Answer("russia", 1, True))
    game.push(CallVote())
    for party in ("ukraine", "russia", "us"):
        game.push(Vote(party, {"moratorium": "accept"}))
    assert _settled(game) == [(1, "ukraine", "accept", "kept")]
    assert game.round == 2 and game.session.proposer == "russia"
    russia = ComputerPlayer(game, "russia", persona=persona, noise=0)
    decision = russia.decide(game)
    assert decision is not None
    assert ("dmz" in getattr(decision.move, "elements", ())) is kept
    assert "offer" not in decision.reason  # the room hears the proposal, not the promise
    game.push(decision.move)
    assert _settled(game)[-1] == (2, "russia", "table", "kept" if kept else "broken")


def test_a_promise_to_table_what_was_adopted_since_is_moot_not_broken():
    """Rule (engine/talks.py, test_proposal): an element adopted before the party's turn
    cannot be tabled; the promise to table it is settled untested, not broken."""
    game = Game(load(table_data()), seed=1)
    game.push(Table("us", ("moratorium", "dmz")))
    game.push(Offer("ukraine", ("russia",), Terms(accept=("moratorium",)),
                    Terms(table=("dmz",)), until=2))
    game.push(Answer("russia", 1, True))
    game.push(CallVote())
    for party in ("ukraine", "russia", "us"):
        game.push(Vote(party, {"moratorium": "accept", "dmz": "accept"}))
    game.push(Pass("russia"))
    assert _settled(game)[-1] == (2, "russia", "table", "untested")
    assert game.session.talks.broken_by("russia") == 0


def package_data(**changes: Any) -> dict[str, Any]:
    """Package voting, four rounds. The United States tables the buffer zone (Russia's
    consent needed; it costs Russia) and monitoring; Ukraine proposes in rounds 2 and 4 and
    could table the moratorium, which Russia supports and which costs Ukraine its typical
    value."""
    data = scenario_data(**{"rounds": 4, "turn_order": ["us", "ukraine", "russia", "ukraine"],
                            "voting": "package", **changes})
    data["elements"] = [
        {"id": "dmz", "title": "Buffer zone", "summary": "s", "consent": ["russia"],
         "values": {"ukraine": 3, "russia": -1, "us": 1}, "stances": {"ukraine": "support"}},
        {"id": "monitoring", "title": "US monitoring", "summary": "s",
         "values": {"ukraine": 1, "russia": 0, "us": 1}},
        {"id": "moratorium", "title": "NATO moratorium", "summary": "s",
         "values": {"ukraine": -1, "russia": 3, "us": 0}, "stances": {"russia": "support"}},
    ]
    for party in data["parties"]:
        party["walk_away"] = 0
    return data


@pytest.mark.parametrize(("persona", "kept"), [("pragmatist", True), ("hardliner", False)])
def test_under_package_voting_computers_trade_a_table_promise_for_the_package(persona, kept):
    """With one vote on the package, Ukraine offers Russia (whose consent the buffer zone
    needs) to table the moratorium at its turn in round 2 if Russia accepts the package;
    Russia accepts, its promise is tested on its package ballot, and Ukraine's promise to
    table at its proposal: kept by a faithful Ukraine, broken by a hardliner (the
    moratorium costs it more than its fidelity, nothing)."""
    game = Game(load(package_data()), seed=1)
    game.push(Table("us", ("dmz", "monitoring")))
    ukraine = ComputerPlayer(game, "ukraine", noise=0)
    decision = propose_trade(ukraine, game)
    assert decision is not None
    assert decision.move == Offer("ukraine", ("russia",), Terms(table=("moratorium",)),
                                  Terms(accept=("dmz", "monitoring")), until=2)
    assert ("it will table NATO moratorium, which Russia supports, when it next proposes, in "
            "round 2, if Russia accepts the package (Buffer zone and US monitoring)"
            ) in decision.reason
    game.push(decision.move)
    russia = ComputerPlayer(game, "russia", noise=0)
    reply = answer(russia, game, game.session.talks.offers[0])
    assert reply.move.accept is True, reply.reason
    game.push(reply.move)
    game.push(CallVote())
    vote = russia.decide(game)
    assert vote is not None and isinstance(vote.move, Vote)
    assert vote.move.votes == {"package": "accept"}
    assert "keeps its promise of offer 1" in vote.reason
    game.push(vote.move)
    for party in ("ukraine", "us"):
        game.push(Vote(party, {"package": "accept"}))
    assert _settled(game) == [(1, "russia", "accept", "kept")] * 2
    proposer = ComputerPlayer(game, "ukraine", persona=persona, noise=0)
    move = proposer.decide(game)
    assert move is not None
    game.push(move.move)
    assert _settled(game)[-1] == (2, "ukraine", "table", "kept" if kept else "broken")


def test_under_package_voting_a_hardliner_offers_no_promise_it_would_break():
    """A hardliner (fidelity 0) never offers to table what costs it: in the same state it
    makes no offer at all."""
    game = Game(load(package_data()), seed=1)
    game.push(Table("us", ("dmz", "monitoring")))
    assert propose_trade(ComputerPlayer(game, "ukraine", persona="hardliner", noise=0),
                         game) is None


def test_computer_delegations_bargain_in_a_package_voting_game():
    """Whole computer games voted as one package have offers in them, and every promise to
    accept that met a vote was tested on the package ballot."""
    from exercise.simulate.memo import Simulator

    book = Rulebook(load(package_data()))
    offers = 0
    for seed in range(20):
        played = Simulator(book).play(seed)
        offers += len(played.session.talks.offers)
        for state in played.session.talks.offers:
            for promise in state.promises:
                if promise.verb != "accept" or promise.result not in ("kept", "broken"):
                    continue
                record = next(r for r in played.records if r.round == promise.round)
                ballot = record.ballots[promise.party]
                assert set(ballot) == {"package"}
                assert (ballot["package"] == "accept") is (promise.result == "kept")
    assert offers > 0


def test_a_table_promise_raises_the_offering_bots_expected_score():
    """Over the same simulated games, Ukraine, which never proposes, gets the buffer zone
    tabled by trading its vote for Russia's turn: its mean score rises with talks."""
    book = Rulebook(load(table_data()))
    without, with_talks = _mean_scores(book, False), _mean_scores(book, True)
    assert with_talks["ukraine"] > without["ukraine"]
