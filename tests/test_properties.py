"""Property-based play: random legal and illegal moves keep every invariant of the rules."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise import catalog
from exercise.engine import Game, IllegalMoveError, OutcomeKind, Phase, Status
from exercise.scenario.loading import load_scenario

from .conftest import load
from .strategies import illegal_candidates, scenarios
from .test_game import snapshot

WAITING = {Phase.PROPOSAL, Phase.DISCUSSION, Phase.VOTING, Phase.ENDED}


def check_invariants(game: Game) -> None:
    """Everything that must hold between any two moves."""
    s, book = game.session, game.book
    if s.state is Phase.RATIFICATION:  # waits only for people's choices to sign
        assert book.signing_choice and Status.ADOPTED in s.status.values()
        assert set(s.signatures) < set(book.voters) and not s.tabled
    else:
        assert s.state in WAITING, "the engine never rests in a pass-through phase"
    assert set(s.status.values()) <= set(Status)
    adopted = {e for e, st_ in s.status.items() if st_ is Status.ADOPTED}
    for party in book.voters:
        expected = sum(s.values[party].get(e, 0) for e in adopted)
        assert s.scores[party] == pytest.approx(expected, abs=1e-6), party
    for tid, spec in book.tracks.items():
        assert spec.low <= s.tracks[tid] <= spec.high
    for element in adopted:
        assert all(s.status[r] is Status.ADOPTED for r in book.requires[element])
        assert not (set(book.excludes[element]) & adopted), "adopted elements exclude each other"
    assert all(s.status[e] is Status.OPEN for e in s.tabled)
    assert len(s.tabled) <= book.max_package
    assert all(n >= 0 for n in s.rejections.values())
    assert sum(s.fire_count.values()) == len(s.fired)
    for iid, n in s.fire_count.items():
        assert n <= 1 or book.injects[iid].repeat
    if s.state is Phase.ENDED:
        assert s.outcome is not None
        if s.outcome.kind is OutcomeKind.AGREEMENT and not book.signing_choice:
            assert all(s.scores[p] >= s.walk_away[p] for p in book.required)
    else:
        assert s.outcome is None and 1 <= s.round <= book.rounds
    if s.state is Phase.VOTING:
        assert set(s.ballots) <= set(book.voters)


def random_walk(game: Game, data: st.DataObject, steps: int) -> None:
    """Push a mix of legal and (mostly) illegal moves, checking invariants after each."""
    check_invariants(game)
    for _ in range(steps):
        if game.is_over:
            break
        if data.draw(st.booleans(), label="try an illegal move"):
            move = data.draw(st.sampled_from(illegal_candidates(game)), label="candidate")
            before = snapshot(game)
            try:
                game.push(move)
            except IllegalMoveError:
                assert snapshot(game) == before, f"{move} changed the game"
                continue
        else:
            legal = list(itertools.islice(game.legal_moves(), 300))
            assert legal
            # Prefer the parties' moves so games progress; the facilitator's come now and then.
            party = [m for m in legal if m.actor != "facilitator"] or legal
            pool = legal if data.draw(st.integers(0, 9), label="facilitator?") == 0 else party
            move = data.draw(st.sampled_from(pool), label="legal move")
            assert game.is_legal(move)
            game.push(move)
        check_invariants(game)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), spec=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_random_play_on_generated_scenarios_keeps_the_invariants(data, spec, seed):
    """On any valid scenario, any mix of moves keeps scores, statuses and tracks consistent,
    and an illegal move changes nothing."""
    random_walk(Game(load(spec), seed), data, steps=60)


BUNDLED = [e.path for e in catalog.bundled()]


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_random_play_on_bundled_scenarios_keeps_the_invariants(path, data, seed):
    """The same invariants hold on every bundled scenario."""
    random_walk(Game(_bundled(path), seed), data, steps=80)


_CACHE: dict[Any, Any] = {}


def _bundled(path: Any) -> Any:
    if path not in _CACHE:
        _CACHE[path] = load_scenario(path)
    return _CACHE[path]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=scenarios(), seed=st.integers(0, 1000))
def test_bots_finish_any_valid_scenario(spec, seed):
    """Computer players can play every seat of any valid scenario to an outcome."""
    from exercise.headless import play

    scenario = load(spec)
    game = play(scenario, bots=[p.id for p in scenario.voters], seed=seed).game
    assert game.is_over
    check_invariants(game)
