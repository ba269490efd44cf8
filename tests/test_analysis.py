"""The deal analysis against brute force: packages that could stand, those every required
party would sign, their Pareto frontier, the Nash ties, and whether the actual deal could
have been bettered for every required party (issue 11)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise import analysis
from exercise.analysis import (
    BASIS_END,
    BASIS_START,
    DealAnalysis,
    analyse,
    analyse_at_start,
    candidates,
)
from exercise.engine import Rulebook
from exercise.scenario.loading import load_scenario

from .conftest import SCENARIOS, load, scenario_data

# --- brute force --------------------------------------------------------------------------


@dataclass(frozen=True)
class Truth:
    """Every package of a small problem, by enumerating every subset."""

    feasible: int
    signable: dict[frozenset[str], tuple[float, ...]]  # package -> its values
    frontier: set[frozenset[str]]
    top: float | None
    nash: set[frozenset[str]]
    dominators: set[frozenset[str]]  # signable packages better than the deal for all
    actual_vector: tuple[float, ...]


def dominates(u: tuple[float, ...], v: tuple[float, ...]) -> bool:
    """At least as good for every party and better for one."""
    return u != v and all(a >= b for a, b in zip(u, v, strict=True))


def brute_force(problem: dict[str, Any]) -> Truth:
    """The truth by enumeration. A requirement outside the elements can never be in a
    subset, so an element needing one is in no package; values are compared rounded to nine
    places, as the engine keeps them."""
    elements, requires, excludes = problem["elements"], problem["requires"], problem["excludes"]
    values, walk, required = problem["values"], problem["walk_away"], problem["required"]

    def vector(package: Any) -> tuple[float, ...]:
        return tuple(round(sum(values[p].get(e, 0) for e in elements if e in package), 9)
                     for p in required)

    feasible = 0
    signable: dict[frozenset[str], tuple[float, ...]] = {}
    for size in range(1, len(elements) + 1):
        for combo in itertools.combinations(elements, size):
            chosen = frozenset(combo)
            if any(r not in chosen for e in combo for r in requires.get(e, ())):
                continue
            if any(x in chosen for e in combo for x in excludes.get(e, ())):
                continue
            feasible += 1
            v = vector(chosen)
            if all(t >= walk[p] - 1e-9 for t, p in zip(v, required, strict=True)):
                signable[chosen] = v
    frontier = {p for p, v in signable.items()
                if not any(dominates(u, v) for u in signable.values())}

    def product(v: tuple[float, ...]) -> float:
        gains = [t - walk[p] for t, p in zip(v, required, strict=True)]
        return 0.0 if gains and min(gains) <= 0 else round(math.prod(gains), 9)

    products = {p: product(v) for p, v in signable.items()}
    top = max(products.values(), default=None)
    actual_vector = vector(set(problem["actual"]))
    dominators = {p for p, v in signable.items() if dominates(v, actual_vector)} \
        if problem["actual"] else set()
    return Truth(feasible, signable, frontier, top,
                 {p for p, x in products.items() if x == top}, dominators, actual_vector)


def run(problem: dict[str, Any]) -> DealAnalysis:
    """The analysis of a generated problem."""
    return analyse(problem["elements"], problem["requires"], problem["excludes"],
                   problem["values"], problem["walk_away"], problem["required"],
                   problem["actual"])


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    """A small problem: up to ten elements, requirements on earlier elements and on ids
    outside the set (hidden for good, or withdrawn), symmetric exclusions (some with ids
    outside), two or three required parties, decimal values and walk-aways, and a deal (any
    subset: the analysis places it by its values, whether or not it could stand)."""
    n = draw(st.integers(1, 10))
    elements = [f"e{i}" for i in range(n)]
    outside = ["hidden", "withdrawn"]
    requires = {}
    for i, e in enumerate(elements):
        pool = elements[:i] + outside
        needs = draw(st.lists(st.sampled_from(pool), max_size=2, unique=True)) \
            if draw(st.integers(0, 3)) == 0 else []
        requires[e] = needs
    excludes: dict[str, set[str]] = {e: set() for e in elements + outside}
    for a, b in draw(st.lists(st.tuples(st.sampled_from(elements + outside),
                                        st.sampled_from(elements)), max_size=6)):
        if a != b:
            excludes[a].add(b)
            excludes[b].add(a)
    required = [f"p{k}" for k in range(draw(st.integers(2, 3)))]
    number = st.sampled_from([-3, -1, 0, 0, 0.1, 0.2, 0.5, 1, 2, 2.5, 5])
    values = {p: {e: draw(number) for e in elements} for p in required}
    walk_away = {p: draw(st.sampled_from([-2, -1, 0, 0.3, 1, 2, 3])) for p in required}
    actual = draw(st.lists(st.sampled_from(elements), unique=True, max_size=n))
    return {"elements": elements, "requires": requires, "excludes": excludes,
            "values": values, "walk_away": walk_away, "required": required, "actual": actual}


def is_package(problem: dict[str, Any], members: tuple[str, ...]) -> bool:
    """Whether elements could stand adopted together."""
    chosen = set(members)
    return bool(chosen) and chosen <= set(problem["elements"]) \
        and all(r in chosen for e in members for r in problem["requires"].get(e, ())) \
        and not any(x in chosen for e in members for x in problem["excludes"].get(e, ()))


def check_sound(deal: DealAnalysis, truth: Truth, problem: dict[str, Any]) -> None:
    """What holds however early the analysis stopped: every package it names is real,
    signable where it says so, with the values it states; and every exact claim is true."""
    required = problem["required"]

    def real(package: analysis.Package) -> tuple[float, ...]:
        assert is_package(problem, package.elements), package
        v = tuple(package.values[p] for p in required)
        assert frozenset(package.elements) in truth.signable, package
        assert v == truth.signable[frozenset(package.elements)]
        return v

    listed = [real(p) for p in deal.frontier]
    for a, b in itertools.permutations(listed, 2):
        assert not dominates(a, b), "the frontier lists a package another listed one beats"
    for package in deal.nash_packages:
        real(package)
        assert package.product == deal.nash_product
    if deal.dominating_package is not None:
        assert dominates(real(deal.dominating_package), truth.actual_vector)
        assert deal.better_for_all == deal.dominating_package.elements
        assert deal.deal_on_frontier is False
    if deal.frontier_complete:
        assert {frozenset(p.elements) for p in deal.frontier} == truth.frontier
    if deal.frontier_size is not None:
        assert deal.frontier_size == len(truth.frontier)
    if deal.dominance_exact:
        assert (deal.dominating_package is not None) == bool(truth.dominators)
    if deal.feasible_exact:
        assert deal.feasible == truth.feasible
    assert deal.signable <= len(truth.signable) and deal.feasible <= truth.feasible
    if not problem["actual"]:
        assert deal.deal_on_frontier is None
    elif deal.dominance_exact:
        assert deal.deal_on_frontier == (deal.actual_signable and not truth.dominators)


# --- the properties -----------------------------------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems())
def test_the_analysis_agrees_with_brute_force(problem):
    """Issue 11, must hold: on small problems (unmet requirements, exclusions, decimal
    values) the analysis is exact: the counts, the frontier as a set of packages and its
    size, every Nash package tied for the largest product, whether the deal is on the
    frontier, and a dominating package exactly when one exists (and it does dominate)."""
    deal = run(problem)
    truth = brute_force(problem)
    assert not deal.truncated and deal.feasible_exact and deal.dominance_exact
    assert (deal.feasible, deal.signable) == (truth.feasible, len(truth.signable))
    assert deal.frontier_complete and deal.frontier_size == len(truth.frontier)
    assert {frozenset(p.elements) for p in deal.frontier} == truth.frontier
    assert deal.nash_product == truth.top
    assert {frozenset(p.elements) for p in deal.nash_packages} == truth.nash
    assert deal.nash_ties == len(truth.nash)
    if truth.nash:
        assert deal.nash == deal.nash_packages[0].elements
    assert (deal.dominating_package is not None) == bool(truth.dominators)
    if problem["actual"]:
        assert deal.deal_on_frontier == (deal.actual_signable and not truth.dominators)
        if deal.deal_on_frontier and is_package(problem, deal.actual):
            assert frozenset(deal.actual) in truth.frontier
    check_sound(deal, truth, problem)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), budget=st.one_of(st.integers(1, 40), st.just(10_000)),
       frontier=st.integers(1, 4), hunt=st.integers(1, 40))
def test_where_the_analysis_stops_short_it_says_so_and_names_only_real_packages(
        problem, budget, frontier, hunt):
    """Issue 11, promise 5: with the search's budget, the frontier's room and the hunt for a
    better deal cut to a few packages, whatever is named is a real package with its true
    values, the frontier lists no package another listed one beats, and every claim flagged
    exact (the frontier complete, its size, "none dominates the deal") is true."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analysis, "SEARCH_BUDGET", budget)
        patch.setattr(analysis, "FRONTIER_LIMIT", frontier)
        patch.setattr(analysis, "DOMINANCE_BUDGET", hunt)
        patch.setattr(analysis, "NASH_LIMIT", 1)
        deal = run(problem)
    truth = brute_force(problem)
    check_sound(deal, truth, problem)
    assert len(deal.frontier) <= frontier and len(deal.nash_packages) <= 1
    if deal.truncated:
        assert not deal.frontier_complete and deal.frontier_size is None
    elif len(truth.frontier) > frontier:
        assert not deal.frontier_complete


def test_packages_with_the_same_values_are_all_on_the_frontier_and_all_counted():
    """Issue 11: packages with equal values are all on the frontier; when there is no room
    to list them all, the list says it is not complete, and the size still counts them."""
    elements = ["a", "z", "b"]
    values = {"x": {"a": 1, "b": 2}, "y": {"a": 1, "b": -5}}
    walk = {"x": 0, "y": 0}
    deal = analyse(elements, {}, {"b": ["a", "z"], "a": ["b"], "z": ["b"]}, values, walk,
                   ["x", "y"], ["a"])
    # {a} and {a, z} score (1, 1); {z} scores (0, 0) and {b} is not signable.
    assert {p.elements for p in deal.frontier} == {("a",), ("a", "z")}
    assert (deal.frontier_size, deal.frontier_complete, deal.deal_on_frontier) == (2, True, True)
    assert deal.nash_ties == 2 and deal.nash == ("a",)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analysis, "FRONTIER_LIMIT", 1)
        patch.setattr(analysis, "NASH_LIMIT", 1)
        cut = analyse(elements, {}, {"b": ["a", "z"], "a": ["b"], "z": ["b"]}, values, walk,
                      ["x", "y"], ["a"])
    assert [p.elements for p in cut.frontier] == [("a",)]
    assert (cut.frontier_size, cut.frontier_complete) == (2, False)
    assert [p.elements for p in cut.nash_packages] == [("a",)] and cut.nash_ties == 2


# --- the cases of the issue ---------------------------------------------------------------


def test_an_element_whose_requirement_is_missing_is_in_no_package():
    """Issue 11: an element requiring one that is not among the elements analysed (hidden for
    good, or withdrawn) can never be adopted, nor can what requires it. Dropping the
    requirement, as the analysis did, made 7 packages of these 4 elements and 6 signable;
    the truth is 1 and 0."""
    elements = ["x", "y", "z", "w"]  # "h" is not among them
    requires = {"y": ["h"], "z": ["y"], "w": ["y"]}
    excludes = {"x": ["w"], "w": ["x"]}
    values = {"u": {"y": 5}, "r": {}}
    walk_away = {"u": 1, "r": 0}
    deal = analyse(elements, requires, excludes, values, walk_away, ["u", "r"], [])
    assert (deal.feasible, deal.signable, deal.nash, deal.frontier) == (1, 0, None, ())
    assert deal.unadoptable == ("y", "z", "w")
    with_h = analyse([*elements, "h"], requires, excludes, values, walk_away, ["u", "r"], [])
    assert (with_h.feasible, with_h.signable) == (9, 6)  # the 6 with y (and h); {h}, {x}, {x, h}


def hidden_requirement_scenario(*, added: bool) -> dict[str, Any]:
    """Five elements: 'h' starts hidden and 'y' requires it; an inject adds 'h' or not."""
    elements = [
        {"id": "x", "title": "X", "summary": "s", "excludes": ["w"]},
        {"id": "h", "title": "H", "summary": "s", "hidden": True},
        {"id": "y", "title": "Y", "summary": "s", "requires": ["h"],
         "values": {"ukraine": 5}},
        {"id": "z", "title": "Z", "summary": "s", "requires": ["y"]},
        {"id": "w", "title": "W", "summary": "s", "requires": ["y"]},
    ]
    parties = [
        {"id": "ukraine", "name": "Ukraine", "public_brief": "b", "walk_away": 1},
        {"id": "russia", "name": "Russia", "public_brief": "b"},
    ]
    injects = [{"id": "news", "title": "News", "text": "t",
                "effects": {"add_elements": ["h"] if added else [],
                            "withdraw_elements": ["x"]}}]
    return scenario_data(parties=parties, elements=elements, injects=injects)


def test_the_candidates_are_the_open_elements_and_the_hidden_ones_an_inject_adds():
    """Issue 11: the elements that could be on the table are those open at the start and the
    hidden ones some inject adds (even a facilitator's card); one an inject withdraws is
    still one of them. In the 5-element scenario of the issue, with 'h' never added, one
    package could stand and none is signable."""
    never = Rulebook(load(hidden_requirement_scenario(added=False)))
    assert candidates(never) == ("x", "y", "z", "w")
    deal = analyse_at_start(never)
    assert (deal.feasible, deal.signable, deal.basis) == (1, 0, BASIS_START)
    assert deal.unadoptable == ("y", "z", "w")
    added = Rulebook(load(hidden_requirement_scenario(added=True)))
    assert candidates(added) == ("x", "h", "y", "z", "w")
    assert (analyse_at_start(added).feasible, analyse_at_start(added).signable) == (9, 6)


def test_the_labels_say_which_values_and_which_elements():
    """Issue 11: the analysis as the scenario starts and at the end are labelled, each naming
    the values and the elements it is over."""
    assert BASIS_START == ("values and walk-aways as the scenario starts, over the elements "
                           "open at the start and those an inject can add")
    assert BASIS_END.startswith("values and walk-aways at the end, over the elements open")


def test_berlin_as_issue_11_found_it_has_two_nash_packages_as_it_starts():
    """Issue 11: as berlin-2025 started when the issue was filed (the scenario as it was is
    kept beside the goldens; the live one has been rebalanced since), two packages tie for
    the largest Nash product; both are named, the smaller first, and both are on the
    frontier."""
    deal = analyse_at_start(Rulebook(load_scenario(ISSUE_SCENARIO)))
    products = [p.product for p in deal.nash_packages]
    assert deal.nash_ties == 2 == len(products) and products[0] == products[1] > 0
    assert deal.nash == deal.nash_packages[0].elements
    assert len(deal.nash_packages[0].elements) < len(deal.nash_packages[1].elements)
    on_frontier = {p.elements for p in deal.frontier}
    assert all(p.elements in on_frontier for p in deal.nash_packages)
    assert deal.frontier_complete and deal.frontier_size == len(deal.frontier)


def test_the_live_berlin_names_every_nash_package_it_finds():
    """The live berlin-2025 as it starts: every package that ties for the largest Nash
    product is named, the first is the one called the Nash package, and all are on the
    frontier (how many tie follows the scenario's values, read here, not pinned)."""
    deal = analyse_at_start(Rulebook(load_scenario(SCENARIOS / "berlin-2025.yaml")))
    assert deal.nash_ties == len(deal.nash_packages) >= 1
    assert len({p.product for p in deal.nash_packages}) == 1
    assert deal.nash == deal.nash_packages[0].elements
    on_frontier = {p.elements for p in deal.frontier}
    assert all(p.elements in on_frontier for p in deal.nash_packages)


# The deal berlin-2025's computer players reached with seed 0 when issue 11 was filed (the
# players and the scenario have changed since; the scenario as it was is kept beside the
# goldens): every element but the cap, the NATO-country troop ban, US support within days,
# the open bid, Donbas and the Christmas ceasefire.
ISSUE_SCENARIO = Path(__file__).parent / "golden" / "berlin-2025-issue11.yaml"
ISSUE_DEAL = ("Article-5-like principles document", "Military-to-military operating document",
              "Peacetime army of about 800,000", "Sustained weapons, training and resources",
              "Europe-led force in the west", "Force outside any NATO framework",
              "US-led cease-fire monitoring and verification",
              "False-flag detection along the line and borders",
              "Diplomacy first if fighting resumes", "Guarantee given legal force by Congress",
              "Ukraine abandons its bid for NATO membership")


def test_the_issues_berlin_deal_is_beaten_for_both_required_parties_and_the_package_is_named():
    """Issue 11: the deal berlin-2025's computer players reached with seed 0 is signable,
    yet another package that could stand and that both required parties would sign is at
    least as good for both and better for one. The analysis says the deal is not on the
    frontier and names such a package, checked here element by element against the
    scenario (at the scenario's own values)."""
    scenario = load_scenario(ISSUE_SCENARIO)
    book = Rulebook(scenario)
    adopted = [e.id for e in scenario.elements if e.title in ISSUE_DEAL]
    assert len(adopted) == len(ISSUE_DEAL)
    deal = analyse_at_start(book, adopted)
    assert deal.basis == BASIS_START and deal.actual_signable
    assert deal.deal_on_frontier is False and deal.dominance_exact
    better = deal.dominating_package
    assert better is not None and deal.better_for_all == better.elements
    chosen = set(better.elements)
    assert chosen <= set(candidates(book))
    assert all(set(book.requires[e]) <= chosen for e in chosen)
    assert not any(set(book.excludes[e]) & chosen for e in chosen)
    worth = {p: sum(book.values[p].get(e, 0) for e in chosen) for p in ("ukraine", "russia")}
    mine = {p: sum(book.values[p].get(e, 0) for e in adopted) for p in ("ukraine", "russia")}
    assert worth == better.values and mine == deal.actual_values
    assert all(worth[p] >= book.walk_away[p] for p in worth)
    assert all(worth[p] >= mine[p] for p in worth) and worth != mine
    assert deal.to_data()["dominating_package"] == {"elements": list(better.elements),
                                                    "values": better.values}


def test_the_json_form_has_every_key_and_is_plain_data():
    """Issue 11: the analysis as data carries the frontier, the Nash packages, whether the
    deal is on the frontier and what dominates it (null when nothing does)."""
    deal = analyse(["a", "b"], {}, {"a": ["b"], "b": ["a"]},
                   {"x": {"a": 2, "b": 1}, "y": {"a": 1, "b": 2}}, {"x": 0, "y": 0},
                   ["x", "y"], ["a"])
    data = deal.to_data()
    assert data["frontier"] == [{"elements": ["a"], "values": {"x": 2, "y": 1}},
                                {"elements": ["b"], "values": {"x": 1, "y": 2}}]
    assert data["nash_packages"] == [{"elements": ["a"], "values": {"x": 2, "y": 1},
                                      "product": 2},
                                     {"elements": ["b"], "values": {"x": 1, "y": 2},
                                      "product": 2}]
    assert (data["frontier_size"], data["frontier_complete"], data["nash_ties"]) == (2, True, 2)
    assert data["actual"] == {"elements": ["a"], "values": {"x": 2, "y": 1}, "signable": True,
                              "product": 2}
    assert (data["deal_on_frontier"], data["dominating_package"]) == (True, None)
    assert {"basis", "required", "elements", "feasible", "feasible_exact", "signable",
            "truncated", "nash_product"} <= set(data)


def test_the_readings_state_the_analysis_bounds_as_they_are():
    """Promise 5: docs/readings.md gives the analysis's bounds with the values the code uses
    (the count's states, the two searches' budgets, the frontier's room)."""
    readings = (SCENARIOS.parent / "docs" / "readings.md").read_text(encoding="utf-8")
    section = readings.split("- **The deal analysis**", 1)[1].split("\n\n", 1)[0]
    section = " ".join(section.split())
    for figure in (f"{analysis.COUNT_STATES:,} states", f"{analysis.SEARCH_BUDGET:,} packages",
                   f"{analysis.DOMINANCE_BUDGET:,} more", f"{analysis.FRONTIER_LIMIT} packages",
                   "a million comparisons"):
        assert figure in section, figure
    assert analysis.FRONTIER_WORK == 1_000_000
