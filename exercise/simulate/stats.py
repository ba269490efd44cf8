"""Streamed statistics over simulated games, in whole numbers.

A :class:`Tally` holds counts and sums only. Scores, walk-aways and track values are
decimals the engine rounds to nine places, so they are summed as whole numbers of
billionths: a tally is the same whichever way its games were grouped, chunked or
shared out between processes, and its memory does not grow with the number of games
(only with the scenario: its elements, parties, injects and tracks, and the distinct
packages games adopted).

Most of a tally is one flat list of sums, laid out by :class:`Layout`; what one game
ending in a given state adds to it is worked out once per state and then added as
many times as games end there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from exercise.engine.moves import Ballot
from exercise.engine.rules import PLACES
from exercise.engine.session import OutcomeKind, Status

if TYPE_CHECKING:
    from exercise.engine.rulebook import Rulebook
    from exercise.engine.session import RoundRecord, Session
    from exercise.simulate.memo import Batch

SCALE = 10**PLACES  # values are kept in billionths
BINS = 10  # a track's final values, in this many equal bins from its low to its high
OUTCOMES = tuple(str(kind) for kind in OutcomeKind)
TALK_COUNTS = ("offers", "accepted", "kept", "broken", "untested")


def whole(value: float) -> int:
    """A value the engine rounded to nine places, as a whole number of billionths."""
    return round(value * SCALE)


class Layout:
    """Where each sum sits in a tally's flat list."""

    def __init__(self, book: Rulebook):
        self.elements = book.element_ids
        self.voters = book.voters
        self.injects = tuple(book.injects)
        self.tracks = tuple(book.tracks)
        e, p, i, t = len(self.elements), len(self.voters), len(self.injects), len(self.tracks)
        at = 0

        def block(size: int) -> int:
            nonlocal at
            start, at = at, at + size
            return start

        self.outcome = block(len(OUTCOMES))
        self.round = block(book.rounds + 1)  # games that ended in each round
        self.adopted = block(e)
        self.adopted_round = block(e)  # sum of the rounds of adoption
        self.rejections = block(e)
        self.blocked = block(e * p)  # per element, per voter: consent withheld, at a rejection
        self.signed = block(p)
        self.score = block(p)
        self.walk_away = block(p)
        self.fired = block(i)  # games in which it fired
        self.firings = block(i)
        self.track_sum = block(t)
        self.track_collapsed = block(t)
        self.track_bins = block(t * BINS)
        self.talks = block(len(TALK_COUNTS))  # offers made and accepted, promises settled
        self.size = at
        self.voter_index = {party: n for n, party in enumerate(self.voters)}
        self.element_index = {el: n for n, el in enumerate(self.elements)}


def layout(book: Rulebook) -> Layout:
    """The scenario's layout (kept with the rulebook)."""
    found = book.cache.get("tally-layout")
    if found is None:
        found = book.cache["tally-layout"] = Layout(book)
    return found


class Ending:
    """What one game ending in a given state adds to a tally (worked out once per state)."""

    __slots__ = ("adds", "outcome", "package", "tracks")

    def __init__(self, book: Rulebook, session: Session):
        lay = layout(book)
        adds: list[tuple[int, int]] = []  # (position, amount)
        kind = session.outcome.kind if session.outcome else OutcomeKind.ENDED
        self.outcome = str(kind)
        adds.append((lay.outcome + OUTCOMES.index(self.outcome), 1))
        adds.append((lay.round + min(session.round, book.rounds), 1))
        package = []
        for n, element in enumerate(lay.elements):
            if session.status[element] is Status.ADOPTED:
                adds.append((lay.adopted + n, 1))  # its round: from the vote (vote_adds)
                package.append(n)
            if session.rejections[element]:
                adds.append((lay.rejections + n, session.rejections[element]))
        self.package = tuple(package)
        for n, party in enumerate(lay.voters):
            if session.signed[party]:
                adds.append((lay.signed + n, 1))
            adds.append((lay.score + n, whole(session.scores[party])))
            adds.append((lay.walk_away + n, whole(session.walk_away[party])))
        for n, inject in enumerate(lay.injects):
            count = session.fire_count[inject]
            if count:
                adds.append((lay.fired + n, 1))
                adds.append((lay.firings + n, count))
        tracks = []
        for n, track in enumerate(lay.tracks):
            spec, value = book.tracks[track], session.tracks[track]
            tracks.append(whole(value))
            adds.append((lay.track_sum + n, whole(value)))
            adds.append((lay.track_bins + n * BINS + track_bin(spec.low, spec.high, value), 1))
            if spec.collapsed(value):
                adds.append((lay.track_collapsed + n, 1))
        self.tracks = tuple(tracks)
        offers = session.talks.offers
        if offers:
            results = [p.result for o in offers for p in o.promises]
            counts = (len(offers), sum(1 for o in offers if o.status == "accepted"),
                      results.count("kept"), results.count("broken"),
                      results.count("untested"))
            adds.extend((lay.talks + k, c) for k, c in enumerate(counts))
        self.adds = tuple((at, amount) for at, amount in adds if amount)


def vote_adds(book: Rulebook, record: RoundRecord,
              ballots: Sequence[Sequence[Ballot]]) -> tuple[tuple[int, int], ...]:
    """What one game's vote adds to a tally, as (position, amount): the round of each
    element it adopted, and for each element it rejected, each consent party that did
    not accept it (``ballots`` in voter order)."""
    lay = layout(book)
    adds = [(lay.adopted_round + lay.element_index[e], record.round) for e in record.adopted]
    voters = len(lay.voters)
    for element in record.rejected:
        j = 0 if book.package_voting else record.tabled.index(element)
        row = lay.blocked + lay.element_index[element] * voters
        for party in book.consent[element]:
            i = lay.voter_index[party]
            if ballots[i][j] is not Ballot.ACCEPT:
                adds.append((row + i, 1))
    return tuple(adds)


class Tally:
    """Counts over games of one scenario (see the module docstring)."""

    def __init__(self, book: Rulebook):
        lay = layout(book)
        self.games = 0
        self.sums = [0] * lay.size
        self.examples: dict[str, int] = {}  # outcome → the smallest seed that ends so
        self.track_min: list[int | None] = [None] * len(lay.tracks)
        self.track_max: list[int | None] = [None] * len(lay.tracks)
        self.packages: Counter[tuple[int, ...]] = Counter()  # adopted elements → games

    # --- adding games ------------------------------------------------------------------------

    def add_ending(self, ending: Ending, games: int, seed: int) -> None:
        """``games`` games that ended so (``seed``: the smallest of them)."""
        self.games += games
        sums = self.sums
        for at, amount in ending.adds:
            sums[at] += amount * games
        if seed < self.examples.get(ending.outcome, seed + 1):
            self.examples[ending.outcome] = seed
        self.packages[ending.package] += games
        for n, value in enumerate(ending.tracks):
            low, high = self.track_min[n], self.track_max[n]
            if low is None or value < low:
                self.track_min[n] = value
            if high is None or value > high:
                self.track_max[n] = value

    def add_vote(self, adds: Sequence[tuple[int, int]], games: int) -> None:
        """``games`` games that cast the same vote (see :func:`vote_adds`)."""
        sums = self.sums
        for at, amount in adds:
            sums[at] += amount * games

    def add_batch(self, book: Rulebook, batch: Batch) -> None:
        """Every game of a simulated batch."""
        seeds = batch.seeds
        for ending, games in batch.endings.items():
            self.add_ending(ending, len(games), min(seeds[g] for g in games))
        for adds, count in batch.votes.items():
            self.add_vote(adds, count)

    def add_game(self, book: Rulebook, session: Session, records: Sequence[RoundRecord],
                 seed: int) -> None:
        """One game played any other way (its final session and round records)."""
        self.add_ending(Ending(book, session), 1, seed)
        for record in records:
            targets = book.ballot_targets(record.tabled)
            ballots = [tuple(record.ballots[p][t] for t in targets) for p in book.voters]
            self.add_vote(vote_adds(book, record, ballots), 1)

    # --- combining and reading -------------------------------------------------------------

    def merge(self, other: Tally) -> None:
        """Add another tally's games (the result does not depend on the order)."""
        self.games += other.games
        self.sums = [a + b for a, b in zip(self.sums, other.sums, strict=True)]
        for outcome, seed in other.examples.items():
            if seed < self.examples.get(outcome, seed + 1):
                self.examples[outcome] = seed
        for n, (low, high) in enumerate(zip(other.track_min, other.track_max, strict=True)):
            if low is not None and (self.track_min[n] is None or low < self.track_min[n]):  # type: ignore[operator]
                self.track_min[n] = low
            if high is not None and (self.track_max[n] is None or high > self.track_max[n]):  # type: ignore[operator]
                self.track_max[n] = high
        self.packages.update(other.packages)

    def block(self, start: int, size: int) -> list[int]:
        """A run of sums (see :class:`Layout`)."""
        return self.sums[start:start + size]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tally) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]


def track_bin(low: float, high: float, value: float) -> int:
    """Which of the :data:`BINS` equal bins from ``low`` to ``high`` a value falls in (the
    last bin holds ``high``)."""
    if high <= low:
        return 0
    share = (value - low) / (high - low)
    return min(BINS - 1, max(0, int(share * BINS)))


def wilson(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default)."""
    if trials == 0:
        return (0.0, 1.0)
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * ((p * (1 - p) + z2 / (4 * trials)) / trials) ** 0.5 / (1 + z2 / trials)
    return (max(0.0, centre - half), min(1.0, centre + half))


__all__ = ["BINS", "OUTCOMES", "SCALE", "Ending", "Layout", "Tally", "layout", "track_bin",
           "vote_adds", "whole", "wilson"]
