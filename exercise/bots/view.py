"""What every seat can see, worked out once per change of the game and shared by all bots.

A computer player weighs public stances, statuses, rejections and tracks. Those only
change when the game does (the session's ``version`` counts the changes), so the
derived numbers — each element's stance-based acceptance chances, the room's lean,
the danger its track changes carry, which required parties oppose it — are computed
lazily, once per version, for every seat to read. A simulation of ten thousand games
depends on this; a single game in the terminal barely notices it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exercise.engine.rulebook import Rulebook
    from exercise.engine.session import Session

# Each distinct public state gets a number, so that the judgements remembered for it are
# keyed by a small int rather than by a tuple as long as the scenario (hashing a key of 250
# statuses for every one of 250 elements weighed made proposals quadratic). Numbers are never
# reused: when the table is emptied (it is bounded), a state seen again gets a new number,
# and what was remembered under the old one is simply never found again.
_NUMBERS = itertools.count()
_STATES_KEPT = 100_000
STANCE_ACCEPT = {"support": 0.85, "neutral": 0.55, "oppose": 0.15}
STANCE_LEAN = {"support": 1.0, "neutral": 0.0, "oppose": -1.0}


def danger(book: Rulebook, tracks: dict[str, float],
           deltas: tuple[tuple[str, float], ...]) -> float:
    """How far a set of track changes pushes toward collapse (0 = not at all)."""
    risk = 0.0
    for track, delta in deltas:
        spec = book.tracks[track]
        if spec.collapse_at is None or not delta:
            continue
        toward = delta if spec.rising else -delta
        if toward <= 0:
            continue
        distance = abs(spec.collapse_at - tracks[track])
        risk += 3.0 if distance <= toward else toward / distance  # 3: this alone ends the talks
    return risk


class PublicView:
    """The public state of one game at one version, with lazily derived numbers."""

    __slots__ = ("_acc", "_adopt", "_key", "_lean", "_opposed", "_promises", "_reject",
                 "_token", "_trade_key", "_trade_token", "book", "session", "version")

    def __init__(self, session: Session):
        self.session = session
        self.book = session.book
        self.version = session.version
        self._acc: dict[str, tuple[list[float], float]] = {}
        self._lean: dict[str, float] = {}
        self._reject: dict[str, float] = {}
        self._adopt: dict[str, float] = {}
        self._opposed: dict[str, tuple[str, ...]] = {}
        self._key: tuple[object, ...] | None = None
        self._token: int | None = None
        self._promises: dict[str, list[tuple[int, str]]] | None = None
        self._trade_key: tuple[object, ...] | None = None
        self._trade_token: int | None = None

    @property
    def key(self) -> tuple[object, ...]:
        """Everything a seat's judgement can depend on, as one hashable value.

        Two games in the same public state (and the same injects fired, which decide the
        private values) give every seat the same noise-free judgement, so a simulation
        can remember judgements across its games by this key.
        """
        if self._key is None:
            s = self.session
            self._key = (s.round, s.state, s.tabled, tuple(s.status.values()),
                         tuple(s.rejections.values()), tuple(s.tracks.values()),
                         tuple(s.fire_count.values()), s.tabled_fired,
                         tuple(sorted(s.blocked.items())))
        return self._key

    @property
    def trade_key(self) -> tuple[object, ...]:
        """What the trades a seat could offer depend on (:func:`exercise.bots.bargain.trades`):
        the round (whose turns to propose are left), the table, the statuses and rejections,
        and the injects fired (values and stances); not the tracks, scores or blocks, which
        change at every vote, so the trades of one state serve many."""
        if self._trade_key is None:
            s = self.session
            self._trade_key = (s.round, s.tabled, tuple(s.status.values()),
                               tuple(s.rejections.values()), tuple(s.fire_count.values()))
        return self._trade_key

    @property
    def trade_token(self) -> int:
        """A number standing for :attr:`trade_key`, as :attr:`token` for :attr:`key` (a key
        of statuses is slow to hash: each seat looks its trades up by this number)."""
        if self._trade_token is None:
            table = self.book.cache.setdefault("trade-tokens", {})
            key = self.trade_key
            token = table.get(key)
            if token is None:
                if len(table) >= _STATES_KEPT:
                    table.clear()
                token = table[key] = next(_NUMBERS)
            self._trade_token = token
        return self._trade_token

    @property
    def token(self) -> int:
        """A number standing for :attr:`key`: equal keys get the same number while the
        scenario's table of them lasts, and a number never stands for two keys."""
        if self._token is None:
            table = self.book.cache.setdefault("view-tokens", {})
            key = self.key
            token = table.get(key)
            if token is None:
                if len(table) >= _STATES_KEPT:
                    table.clear()
                token = table[key] = next(_NUMBERS)
            self._token = token
        return self._token

    def acceptance(self, element: str) -> tuple[list[float], float]:
        """Each voter's stance-based chance of accepting, in voter order, and their sum."""
        found = self._acc.get(element)
        if found is None:
            stances = self.session.stances[element]
            chances = [STANCE_ACCEPT.get(stances.get(v, ""), 0.5) for v in self.book.voters]
            found = self._acc[element] = (chances, sum(chances))
        return found

    def lean(self, element: str) -> float:
        """The sum of every voter's public lean on an element (support 1, oppose -1)."""
        found = self._lean.get(element)
        if found is None:
            stances = self.session.stances[element]
            found = self._lean[element] = sum(STANCE_LEAN.get(stances.get(v, ""), 0.0)
                                              for v in self.book.voters)
        return found

    def reject_risk(self, element: str) -> float:
        """The danger of rejecting an element (its on_reject track changes)."""
        found = self._reject.get(element)
        if found is None:
            found = self._reject[element] = danger(self.book, self.session.tracks,
                                                   self.book.on_reject[element])
        return found

    def adopt_risk(self, element: str) -> float:
        """The danger of adopting an element (its effects on tracks)."""
        found = self._adopt.get(element)
        if found is None:
            found = self._adopt[element] = danger(self.book, self.session.tracks,
                                                  self.book.effects[element])
        return found

    def opposed_by(self, element: str) -> tuple[str, ...]:
        """The required signers who publicly oppose an element, in file order."""
        found = self._opposed.get(element)
        if found is None:
            stances = self.session.stances[element]
            found = self._opposed[element] = tuple(dict.fromkeys(
                p for p in self.book.required if stances.get(p) == "oppose"))
        return found


    def accept_promises(self, party: str) -> list[tuple[int, str]]:
        """``party``'s untested promises to accept, in accepted offers still within their
        rounds: (offer, element), in the order made (every seat reads them at every vote;
        the talks change only with an event, which makes a new view)."""
        found = self._promises
        if found is None:
            from exercise.engine.talks import ACCEPTED

            found = self._promises = {}
            now = self.session.round
            for state in self.session.talks.offers:
                if state.status != ACCEPTED or state.until < now:
                    continue
                for promise in state.promises:
                    if promise.result is None and promise.verb == "accept":
                        found.setdefault(promise.party, []).append(
                            (state.number, promise.element))
        return found.get(party, [])


def view_of(session: Session) -> PublicView:
    """The session's public view at its current version (shared by every seat)."""
    view = session.bot_view
    if view is None or view.version != session.version:
        view = session.bot_view = PublicView(session)
    return view
