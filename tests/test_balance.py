"""Each real scenario is a real dilemma, measured (issue 12, item 2).

With the scenario's own personas: agreement between 25% and 75% of computer-only games;
at most a quarter of the elements adopted in >= 97% or <= 3% of the games that put them on
the table; every scheduled or conditional inject fires in at least 5% of games; no single
element, tabled alone by one seat at its first turn to propose, lifts agreement above 90%;
and a seat played well by a script ends better off than played badly. The figures each
guide reports come from ``python benchmarks/balance.py --probe``, which measures the same.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from exercise import catalog
from exercise.engine.rulebook import Rulebook
from exercise.scenario.loading import load_scenario
from exercise.simulate import probe
from exercise.simulate.report import personas_in_play, summarise
from exercise.simulate.runner import simulate

from .test_bundled import REAL

GAMES = 600  # computer-only games per scenario for the rates
PROBE_GAMES = 100  # games per seat and opening element, and per scripted seat


@cache
def book(name: str) -> Rulebook:
    return Rulebook(load_scenario(catalog.resolve(name)))


@cache
def findings(name: str) -> dict[str, Any]:
    """What `exercise simulate NAME --json` reports, over seeds 0..GAMES-1."""
    b = book(name)
    return summarise(b, simulate(b, GAMES, 0), seed=0, personas=personas_in_play(b, {}))


@pytest.mark.parametrize("name", REAL)
def test_agreement_is_neither_sure_nor_hopeless(name):
    rate = findings(name)["outcomes"].get("agreement", {}).get("rate", 0.0)
    assert 0.25 <= rate <= 0.75, f"{name}: agreement in {rate:.0%} of games"


@pytest.mark.parametrize("name", REAL)
def test_few_elements_are_dead_weight(name):
    data = findings(name)
    fired = {i["id"]: i["fired"] for i in data["injects"]}
    extreme, counted = [], 0
    for e in data["elements"]:
        shown = max((fired.get(i, 0) for i in e.get("added_by", [])), default=0) \
            if e["hidden"] else GAMES
        if not shown:
            continue
        counted += 1
        rate = e["adopted"] / shown
        if rate >= 0.97 or rate <= 0.03:
            extreme.append(f"{e['id']} {rate:.0%}")
    assert len(extreme) <= counted / 4, f"{name}: {len(extreme)} of {counted}: {extreme}"


@pytest.mark.parametrize("name", REAL)
def test_every_scheduled_or_conditional_inject_fires_often_enough(name):
    data = findings(name)
    quiet = [f"{i['id']} {i['fired'] / GAMES:.1%}" for i in data["injects"]
             if i["trigger"] in ("at", "when") and i["fired"] / GAMES < 0.05]
    assert not quiet, f"{name}: {quiet}"


@pytest.mark.parametrize("name", REAL)
def test_no_single_opening_element_wins_the_game(name):
    """Every seat opens with every element alone at its first turn to propose; none lifts
    agreement above 90% (openings possible in under a fifth of the games are not judged)."""
    b = book(name)
    openings = [o for o in probe.first_turn(b, range(PROBE_GAMES))
                if o.games >= PROBE_GAMES * probe.MIN_SHARE]
    assert openings, "some opening can be made"
    winning = [f"{o.seat} tables {o.element}: {o.agreement:.0%}" for o in openings
               if o.agreement > probe.MAX_OPENING]
    assert not winning, f"{name}: {winning}"


@pytest.mark.parametrize("name", REAL)
def test_a_seat_played_well_does_better_than_played_badly(name):
    b = book(name)
    contrasts = [probe.scripted_seat(b, seat, range(PROBE_GAMES)) for seat in b.voters]
    assert probe.judge(contrasts), "; ".join(
        f"{c.seat}: well {c.well:+.1f}, badly {c.badly:+.1f} (± {c.error:.1f})"
        for c in contrasts)
