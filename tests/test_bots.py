"""Computer players: legal, seeded, persona-driven, private, and able to say why."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from exercise.bots import PERSONAS, ComputerPlayer
from exercise.engine import CallVote, Game, Table, Vote
from exercise.headless import play

from .conftest import load, scenario_data


def el(eid: str, **extra: Any) -> dict[str, Any]:
    """An element with the required keys."""
    return {"id": eid, "title": eid.replace("-", " ").title(), "summary": "s", **extra}


DATA = scenario_data(
    rounds=5,
    tracks=[{"id": "esc", "label": "Escalation", "start": 3, "collapse_at": 10}],
    parties=[
        {"id": "ukraine", "name": "Ukraine", "public_brief": "b", "walk_away": 4},
        {"id": "russia", "name": "Russia", "public_brief": "b", "walk_away": 2},
        {"id": "us", "name": "United States", "role": "guarantor", "public_brief": "b"},
    ],
    elements=[
        el("dmz", consent=["russia", "ukraine"], values={"ukraine": 3, "russia": 1, "us": 1},
           stances={"ukraine": "support", "russia": "neutral", "us": "support"},
           on_reject={"esc": 1}),
        el("nato", values={"ukraine": 5, "russia": -6}, consent=["russia"],
           stances={"ukraine": "support", "russia": "oppose"}),
        el("moratorium", values={"ukraine": -2, "russia": 4, "us": 1}, consent=["ukraine"],
           stances={"russia": "support", "ukraine": "oppose"}),
        el("monitoring", requires=["dmz"], values={"ukraine": 2, "russia": -1, "us": 2},
           consent=["us"], stances={"us": "support", "russia": "oppose"}),
        el("sanctions", values={"ukraine": -1, "russia": 3, "us": -1},
           stances={"russia": "support", "us": "oppose"}),
    ],
)


def bots_game(seed: int, data: dict[str, Any] = DATA, personas: dict[str, str] | None = None):
    """A bots-only game played to its end; returns the game and the reasons given."""
    reasons: list[tuple[str, str]] = []
    result = play(load(data), bots=("ukraine", "russia", "us"), seed=seed, personas=personas,
                  on_reason=lambda p, r, _move: reasons.append((p, r)))
    return result.game, reasons


def test_bots_play_a_whole_game_with_only_legal_moves():
    """Every seat played by the computer: the game ends, no illegal move along the way."""
    for seed in range(10):
        game, _ = bots_game(seed)
        assert game.is_over


def test_same_seed_same_decisions_and_reasons():
    """Same seed, same decisions: the whole record and every reason repeat exactly."""
    first, reasons = bots_game(7)
    second, reasons2 = bots_game(7)
    assert [e.to_data() for e in first.events] == [e.to_data() for e in second.events]
    assert reasons == reasons2


def test_each_decision_has_a_one_line_reason_in_plain_words():
    """Every decision carries one line naming the party and what it does."""
    _, reasons = bots_game(3)
    assert reasons
    names = {"ukraine": "Ukraine", "russia": "Russia", "us": "United States"}
    for party, reason in reasons:
        assert "\n" not in reason and reason.endswith(".")
        assert reason.startswith(names[party])
        assert any(word in reason for word in ("tables", "passes", "accepts", "rejects",
                                               "abstains", "is for", "is against",
                                               "is indifferent"))
        # Offers and rounds are numbered in public; no other number (a value) may show.
        public = re.sub(r"\b(?:offer|round) \d+\b", "", reason)
        assert not any(ch.isdigit() for ch in public), "a reason must not leak private numbers"


def test_bots_never_read_another_partys_private_values():
    """A seat's decisions do not change when another party's private values change."""
    changed = copy.deepcopy(DATA)
    for element in changed["elements"]:
        element["values"]["russia"] = -element["values"].get("russia", 0) * 3
    for seed in range(5):
        a, b = Game(load(DATA), seed), Game(load(changed), seed)
        ua, ub = ComputerPlayer(a, "ukraine"), ComputerPlayer(b, "ukraine")
        assert ua.decide(a) == ub.decide(b)
        package = ("dmz", "moratorium")
        for g in (a, b):
            g.push(Table("ukraine", package))
            g.push(CallVote())
        assert ua.decide(a) == ub.decide(b)


def test_bots_never_read_an_unrevealed_ballot():
    """A seat votes the same whether or not others have already (secretly) voted."""
    for seed in range(5):
        a, b = Game(load(DATA), seed), Game(load(DATA), seed)
        for g in (a, b):
            g.push(Table("ukraine", ("dmz", "nato")))
            g.push(CallVote())
        b.push(Vote("ukraine", {"dmz": "reject", "nato": "reject"}))
        assert ComputerPlayer(a, "russia").decide(a) == ComputerPlayer(b, "russia").decide(b)


def acceptances(persona: str) -> int:
    """How many ballots a persona accepts on fixed packages, for every seat, over many seeds."""
    count = 0
    for seed in range(20):
        for package in (("dmz", "moratorium", "sanctions"), ("nato",), ("sanctions",)):
            game = Game(load(DATA), seed)
            game.push(Table("ukraine", package))
            game.push(CallVote())
            for seat in ("ukraine", "russia", "us"):
                decision = ComputerPlayer(game, seat, persona=persona).decide(game)
                assert decision is not None and isinstance(decision.move, Vote)
                count += sum(1 for b in decision.move.votes.values() if b == "accept")
    return count


def test_personas_differ_cooperative_accepts_more_than_hardliner():
    """Personas matter: a cooperative seat accepts more than a pragmatist, and it more than a
    hardliner, on the same ballots."""
    assert acceptances("cooperative") > acceptances("pragmatist") > acceptances("hardliner")


def test_persona_comes_from_the_scenario_hint_or_the_override():
    """The scenario's bot hint sets the persona; an explicit one overrides it."""
    data = copy.deepcopy(DATA)
    data["parties"][1]["bot"] = {"persona": "hardliner"}
    game = Game(load(data), 0)
    assert ComputerPlayer(game, "russia").persona.name == "hardliner"
    assert ComputerPlayer(game, "russia", persona="cooperative").persona.name == "cooperative"
    assert ComputerPlayer(game, "ukraine").persona.name == "pragmatist"


def test_outcomes_move_with_persona():
    """Bots-only games end differently with different personas."""
    outcomes = set()
    for persona in PERSONAS:
        for seed in range(4):
            game, _ = bots_game(seed, personas=dict.fromkeys(("ukraine", "russia", "us"),
                                                             persona))
            outcomes.add(str(game.outcome().kind))
    assert len(outcomes) >= 2, outcomes


def test_a_bot_does_nothing_when_not_awaited():
    """decide() returns None for a seat that is not awaited."""
    game = Game(load(DATA), 0)
    assert ComputerPlayer(game, "russia").decide(game) is None


def test_react_states_a_lean_during_discussion():
    """During discussion a computer seat states how it leans on the tabled package."""
    game = Game(load(DATA), 0)
    game.push(Table("ukraine", ("nato",)))
    line = ComputerPlayer(game, "russia").react(game)
    assert line is not None and line.startswith("Russia ")
    assert "is against Nato" in line or "is for Nato" in line


@pytest.mark.parametrize("seed", range(3))
def test_package_voting_bots_vote_on_the_package(seed):
    """With voting: package, bots cast one ballot on the package."""
    data = copy.deepcopy(DATA)
    data["voting"] = "package"
    game, _ = bots_game(seed, data)
    assert game.is_over
    for record in game.history:
        assert all(set(b) == {"package"} for b in record.ballots.values())
