"""Probes of a scenario's balance that put a scripted player in one seat (issue 12, item 2).

A scenario is a real dilemma when no single move wins it and when playing a seat well
pays. Two probes measure that against the computer players, game by game, with the same
rules as play and ``simulate``:

* :func:`first_turn` — one seat, at its first turn to propose, tables one element alone;
  everything else is played by the computer players. If some element raises agreement
  above 90 %, the scenario has a one-move dominant strategy.
* :func:`scripted_seat` — one seat is played by a simple script, well (it tables what it
  values most and votes by its own values) or badly (the reverse); the others are the
  computer players. A seat played well should end measurably better off.

A seat's *result* is its score when the deal is signed and its walk-away otherwise (what
it falls back on without a deal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import fmean, stdev

from exercise.bots import ComputerPlayer
from exercise.engine import CallVote, Game, Pass, Table, Vote
from exercise.engine.errors import IllegalMoveError
from exercise.engine.moves import PACKAGE, Ballot, Move
from exercise.engine.phases import Phase
from exercise.engine.rulebook import Rulebook
from exercise.engine.session import OutcomeKind

MAX_OPENING = 0.90  # no one opening element may raise agreement above this
MIN_SHARE = 0.2  # an opening possible in fewer games than this share is not judged
SURE = 2.0  # "measurably": the mean gain is this many standard errors above nothing

# A script for one seat: given the game, the seat and whether this is its first turn to
# propose, the move it makes, or None to let the computer player move.
Script = Callable[[Game, str, bool], Move | None]


@dataclass(frozen=True, slots=True)
class Ending:
    """How a probed game ended, for the probed seat."""

    agreement: bool
    result: float  # the seat's score if the deal was signed, else its walk-away
    scripted: bool  # the script's move was made (False: it never got the chance)


def play(book: Rulebook, seed: int, seat: str, script: Script) -> Ending:
    """One game: ``seat`` moves by ``script`` where it returns a move, every other move is
    a computer player's; the discussion is closed at once."""
    game = Game(book, seed, record_events=False)
    players = {p: ComputerPlayer(game, p) for p in book.voters}
    first = True
    scripted = False
    while not game.is_over:
        phase = game.phase
        if phase is Phase.DISCUSSION:
            game.push(CallVote())
            continue
        for party in game.awaiting():
            move = None
            if party == seat:
                move = script(game, seat, first)
                if phase is Phase.PROPOSAL:
                    first = False
            if move is not None:
                try:
                    game.check(move)
                except IllegalMoveError:
                    move = None
                else:
                    scripted = True
            if move is None:
                decision = players[party].decide(game)
                assert decision is not None
                move = decision.move
            game.push(move)
            if game.phase is not phase:
                break
    s = game.session
    outcome = game.outcome()
    agreement = outcome is not None and outcome.kind is OutcomeKind.AGREEMENT
    return Ending(agreement, s.scores[seat] if agreement else s.walk_away[seat], scripted)


def _worth(game: Game, seat: str, elements: Iterable[str]) -> float:
    values = game.session.values[seat]
    return sum(values.get(e, 0.0) for e in elements)


def _ballot(game: Game, seat: str, sign: int) -> Vote:
    """Accept what is worth more than nothing to ``seat`` (``sign`` 1), or the reverse."""
    s = game.session
    votes = {}
    for target in game.book.ballot_targets(s.tabled):
        worth = sign * _worth(game, seat, s.tabled if target == PACKAGE else (target,))
        votes[target] = Ballot.ACCEPT if worth >= 0 else Ballot.REJECT
    return Vote(seat, votes)


def well(game: Game, seat: str, first: bool) -> Move | None:
    """A seat played well: it tables the element it values most among those it may table
    now (if it values it at all) and votes by its own values."""
    if game.phase is Phase.VOTING:
        return _ballot(game, seat, 1)
    best = max(game.tableable(), key=lambda e: _worth(game, seat, (e,)), default=None)
    if best is None or _worth(game, seat, (best,)) <= 0:
        return Pass(seat)
    return Table(seat, (best,))


def badly(game: Game, seat: str, first: bool) -> Move | None:
    """A seat played badly: it tables what it values least (of what it may table now) and
    votes against its own values."""
    if game.phase is Phase.VOTING:
        return _ballot(game, seat, -1)
    worst = min(game.tableable(), key=lambda e: _worth(game, seat, (e,)), default=None)
    return Pass(seat) if worst is None else Table(seat, (worst,))


def opening(element: str) -> Script:
    """Table ``element`` alone at the seat's first turn to propose; otherwise the
    computer player moves."""
    def script(game: Game, seat: str, first: bool) -> Move | None:
        if game.phase is Phase.PROPOSAL and first:
            return Table(seat, (element,))
        return None
    return script


@dataclass(frozen=True, slots=True)
class Opening:
    """Agreement when one seat opens by tabling one element alone."""

    seat: str
    element: str
    games: int  # games in which the opening could be made
    agreement: float


def first_turn(book: Rulebook, seeds: Sequence[int]) -> list[Opening]:
    """For every seat and element, the agreement rate over ``seeds`` when that seat opens
    with that element alone (counted over the games in which it was on the table then)."""
    found = []
    for seat in book.voters:
        for element in book.element_ids:
            endings = [e for e in (play(book, seed, seat, opening(element)) for seed in seeds)
                       if e.scripted]
            if endings:
                found.append(Opening(seat, element, len(endings),
                                     sum(e.agreement for e in endings) / len(endings)))
    return found


@dataclass(frozen=True, slots=True)
class Contrast:
    """A seat played well against the same seat played badly."""

    seat: str
    well: float  # mean result
    badly: float
    well_agreement: float
    badly_agreement: float
    error: float  # the standard error of the mean gain (games paired by seed)

    @property
    def gain(self) -> float:
        """What playing well is worth to the seat, on average."""
        return self.well - self.badly

    @property
    def measurable(self) -> bool:
        """The gain stands clear of the games' noise."""
        return self.gain > 0 and self.gain >= SURE * self.error

    @property
    def worse(self) -> bool:
        """Playing well leaves the seat measurably worse off."""
        return self.gain < 0 and -self.gain >= SURE * self.error


def scripted_seat(book: Rulebook, seat: str, seeds: Sequence[int]) -> Contrast:
    """The seat's mean result over ``seeds`` played well and played badly (each seed's two
    games are a pair: the same draws, the same computer players)."""
    good = [play(book, seed, seat, well) for seed in seeds]
    bad = [play(book, seed, seat, badly) for seed in seeds]
    gains = [g.result - b.result for g, b in zip(good, bad, strict=True)]
    error = stdev(gains) / sqrt(len(gains)) if len(gains) > 1 else 0.0
    return Contrast(seat, fmean(e.result for e in good), fmean(e.result for e in bad),
                    fmean(e.agreement for e in good), fmean(e.agreement for e in bad), error)


def baseline(book: Rulebook, seeds: Sequence[int]) -> float:
    """Agreement with every seat a computer player."""
    never: Script = lambda game, seat, first: None  # noqa: E731
    return fmean(play(book, seed, book.voters[0], never).agreement for seed in seeds)


def judge(contrasts: Sequence[Contrast]) -> bool:
    """Whether playing well pays: no seat ends measurably worse off played well than
    played badly, and more than half the seats end measurably better off (their mean gain
    at least :data:`SURE` standard errors above nothing)."""
    gaining = sum(c.measurable for c in contrasts)
    return not any(c.worse for c in contrasts) and gaining * 2 > len(contrasts)
