"""A scenario compiled for play: indexes and closures the rules read on every move.

The scenario model is the author's view; the rulebook is the engine's. It is built
once per scenario and shared by every game of it (a thousand simulated games build
it once). It holds no game state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from exercise.engine.moves import PACKAGE
from exercise.scenario.model import (
    AllOf,
    AnyOf,
    ElementRejected,
    ElementStatusIs,
    InjectFired,
    NotCondition,
    RoundAtLeast,
    Scenario,
    ScoreAtLeast,
    ScoreBelow,
    TrackAtLeast,
    TrackAtMost,
)

if TYPE_CHECKING:
    from exercise.engine.session import Session

Predicate = Callable[["Session"], bool]


@dataclass(frozen=True, slots=True)
class TrackSpec:
    """A track's bounds and where it collapses."""

    id: str
    label: str
    start: float
    low: float
    high: float
    collapse_at: float | None
    rising: bool  # True when the collapse line is above the start

    def collapsed(self, value: float) -> bool:
        """Whether ``value`` has reached the collapse line."""
        if self.collapse_at is None:
            return False
        return value >= self.collapse_at if self.rising else value <= self.collapse_at


@dataclass(frozen=True, slots=True)
class InjectSpec:
    """An inject as the engine fires it."""

    id: str
    index: int
    title: str
    trigger: str  # "at", "when" or "ad_hoc"
    round: int | None
    condition: Predicate | None
    chance: float
    repeat: bool
    audience: tuple[str, ...] | None
    tracks: tuple[tuple[str, float], ...]
    values: tuple[tuple[str, str, float], ...]
    stances: tuple[tuple[str, str, str], ...]
    walk_away: tuple[tuple[str, float], ...]
    add: tuple[str, ...]
    withdraw: tuple[str, ...]
    end: str | None


def compile_condition(cond: Any) -> Predicate:
    """Turn a condition (data) into a predicate over a session; nothing is evaluated as code."""
    if isinstance(cond, AllOf):
        parts = tuple(compile_condition(c) for c in cond.all)
        return lambda s: all(p(s) for p in parts)
    if isinstance(cond, AnyOf):
        parts = tuple(compile_condition(c) for c in cond.any)
        return lambda s: any(p(s) for p in parts)
    if isinstance(cond, NotCondition):
        inner = compile_condition(cond.not_)
        return lambda s: not inner(s)
    if isinstance(cond, ElementStatusIs):
        eid, status = cond.element, cond.status
        return lambda s: s.status[eid] == status
    if isinstance(cond, ElementRejected):
        eid, n = cond.element, cond.rejections_at_least
        return lambda s: s.rejections[eid] >= n
    if isinstance(cond, TrackAtLeast):
        tid, low = cond.track, cond.at_least
        return lambda s: s.tracks[tid] >= low
    if isinstance(cond, TrackAtMost):
        tid, high = cond.track, cond.at_most
        return lambda s: s.tracks[tid] <= high
    if isinstance(cond, RoundAtLeast):
        rnd = cond.round_at_least
        return lambda s: s.round >= rnd
    if isinstance(cond, ScoreAtLeast):
        pid, low = cond.party, cond.score_at_least
        return lambda s: s.scores.get(pid, 0) >= low
    if isinstance(cond, ScoreBelow):
        pid, high = cond.party, cond.score_below
        return lambda s: s.scores.get(pid, 0) < high
    if isinstance(cond, InjectFired):
        iid, fired = cond.inject, cond.fired
        return lambda s: (s.fire_count[iid] > 0) == fired
    raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover - the model forbids it


class Rulebook:
    """Everything the rules need from a scenario, indexed for speed."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.cache: dict[Any, Any] = {}  # derived data other modules keep per scenario
        self.rounds: int = scenario.rounds
        self.max_package: int = scenario.max_package
        self.package_voting: bool = scenario.voting == "package"
        # Exact arithmetic for the majority test: 7 of 10 must pass at 0.7.
        self.majority = Fraction(str(scenario.majority))
        self.party_ids = tuple(p.id for p in scenario.parties)
        self.voters = tuple(p.id for p in scenario.voters)
        self.voter_set = frozenset(self.voters)
        self.proposers = scenario.proposers
        self.required = scenario.required_signers
        self.element_ids = tuple(e.id for e in scenario.elements)
        self.hidden = frozenset(e.id for e in scenario.elements if e.hidden)
        self.consent = {e.id: e.consent for e in scenario.elements}
        self.requires = {e.id: e.requires for e in scenario.elements}
        excludes: dict[str, set[str]] = {e.id: set(e.excludes) for e in scenario.elements}
        for e in scenario.elements:  # the relation is symmetric
            for other in e.excludes:
                excludes[other].add(e.id)
        # Tuples in file order, never sets: the order excluded elements are marked (and
        # logged) in must not depend on the process's hash seed.
        self.excludes = {k: tuple(e for e in self.element_ids if e in v)
                         for k, v in excludes.items()}
        self.effects = {e.id: tuple(e.effects.items()) for e in scenario.elements}
        self.on_reject = {e.id: tuple(e.on_reject.items()) for e in scenario.elements}
        self.values: dict[str, dict[str, float]] = {p: {} for p in self.party_ids}
        self.stances: dict[str, dict[str, str]] = {}
        for e in scenario.elements:
            for pid, value in e.values.items():
                self.values[pid][e.id] = value
            self.stances[e.id] = dict(e.stances)
        self.walk_away = {p.id: p.walk_away for p in scenario.parties}
        self.signing_choice = scenario.ratification.signing == "choice"
        self.talks_enabled = scenario.talks.enabled
        self.offers_per_round = scenario.talks.offers_per_round
        self.tracks = {
            t.id: TrackSpec(
                t.id,
                t.label,
                t.start,
                t.min,
                t.max,
                t.collapse_at,
                t.collapse_at is not None and t.collapse_at > t.start,
            )
            for t in scenario.tracks
        }
        self.injects = {i.id: self._inject(n, i) for n, i in enumerate(scenario.injects)}
        self.at_round: dict[int, tuple[InjectSpec, ...]] = {}
        for spec in self.injects.values():
            if spec.round is not None:
                self.at_round[spec.round] = (*self.at_round.get(spec.round, ()), spec)
        self.when_injects = tuple(s for s in self.injects.values() if s.trigger == "when")

    @staticmethod
    def _inject(index: int, i: Any) -> InjectSpec:
        eff = i.effects
        return InjectSpec(
            id=i.id,
            index=index,
            title=i.title,
            trigger=i.trigger,
            round=i.at.round if i.at else None,
            condition=compile_condition(i.when) if i.when is not None else None,
            chance=float(i.chance),
            repeat=i.repeat,
            audience=None if i.audience == "all" else tuple(i.audience),
            tracks=tuple(eff.tracks.items()),
            values=tuple((p, e, d) for p, m in eff.values.items() for e, d in m.items()),
            stances=tuple((p, e, s) for p, m in eff.stances.items() for e, s in m.items()),
            walk_away=tuple(eff.walk_away.items()),
            add=eff.add_elements,
            withdraw=eff.withdraw_elements,
            end=eff.end,
        )

    def proposer_for(self, round_number: int) -> str:
        """Who proposes in a round (the turn order wraps)."""
        return self.proposers[(round_number - 1) % len(self.proposers)]

    def next_turn(self, party: str, after: int) -> int | None:
        """The first round after ``after`` in which ``party`` proposes, or None when it
        proposes in no round left (remembered: the bots ask it in every discussion)."""
        turns = self.cache.setdefault("next-turn", {})
        key = (party, after)
        if key not in turns:
            turns[key] = next((r for r in range(after + 1, self.rounds + 1)
                               if self.proposer_for(r) == party), None)
        found: int | None = turns[key]
        return found

    def ballot_targets(self, tabled: tuple[str, ...]) -> tuple[str, ...]:
        """What a ballot covers when ``tabled`` is on the table: each element, or the
        package."""
        return (PACKAGE,) if self.package_voting else tabled
