"""The session: the whole state of one exercise, and nothing else.

The session is the model the phase machine drives; it holds data, not rules. The
rules that change it live in :mod:`exercise.engine.rules` and the order they run in
lives in :mod:`exercise.engine.phases`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from exercise.engine.events import Event, EventKind
from exercise.engine.moves import Ballot
from exercise.engine.phases import Phase, Trigger
from exercise.engine.rulebook import Rulebook


class Status(StrEnum):
    """Where an element stands."""

    OPEN = "open"
    ADOPTED = "adopted"
    EXCLUDED = "excluded"
    WITHDRAWN = "withdrawn"
    HIDDEN = "hidden"


class OutcomeKind(StrEnum):
    """How an exercise ended."""

    AGREEMENT = "agreement"
    NO_AGREEMENT = "no_agreement"
    COLLAPSE = "collapse"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a finished exercise."""

    kind: OutcomeKind
    round: int
    reason: str
    signed: dict[str, bool]
    refused: tuple[str, ...] = ()  # required parties that did not sign

    def __str__(self) -> str:
        return str(self.kind)


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """What was tabled in a round, how each party voted, and what came of it."""

    round: int
    proposer: str
    tabled: tuple[str, ...]
    ballots: dict[str, dict[str, Ballot]]
    adopted: tuple[str, ...]
    rejected: tuple[str, ...]


class Session:
    """The mutable state of one exercise; the phase machine's model."""

    state: Phase  # set and changed only by the phase machine

    def __init__(self, book: Rulebook, seed: int, *, record_events: bool = True):
        self.book = book
        self.seed = seed
        self.rng = random.Random(seed)
        self.record_events = record_events
        self.round = 0
        self.proposer: str | None = None
        self.tabled: tuple[str, ...] = ()
        self.ballots: dict[str, dict[str, Ballot]] = {}
        self.status: dict[str, Status] = {
            e: Status.HIDDEN if e in book.hidden else Status.OPEN for e in book.element_ids
        }
        self.rejections = dict.fromkeys(book.element_ids, 0)
        self.adopted_in: dict[str, int] = {}
        self.tracks = {t: spec.start for t, spec in book.tracks.items()}
        self.values = {p: dict(v) for p, v in book.values.items()}
        self.stances = {e: dict(s) for e, s in book.stances.items()}
        self.walk_away = dict(book.walk_away)
        self.scores: dict[str, float] = dict.fromkeys(book.voters, 0)
        self.fired: list[str] = []
        self.fire_count = dict.fromkeys(book.injects, 0)
        self.signed = dict.fromkeys(book.voters, False)
        self.history: list[RoundRecord] = []
        self.outcome: Outcome | None = None
        self.collapse_reason: str | None = None
        self.stop_reason: str | None = None
        self.events: list[Event] = []

    def fire(self, trigger: Trigger) -> None:
        """Move to the next phase; replaced by the phase machine when one is attached."""
        raise RuntimeError("no phase machine is attached to this session")

    def emit(self, kind: EventKind, audience: tuple[str, ...] | None = None, **data: Any) -> None:
        """Record an event (skipped when a simulation does not keep events)."""
        if self.record_events:
            self.events.append(Event(kind, self.round, data, audience))

    @property
    def open_elements(self) -> list[str]:
        """Elements currently open, in file order."""
        return [e for e, st in self.status.items() if st is Status.OPEN]

    def nothing_open(self) -> bool:
        """True when no element is left open."""
        return Status.OPEN not in self.status.values()

    def all_voted(self) -> bool:
        """True when every voting party has cast its ballot this round."""
        return len(self.ballots) == len(self.book.voters)
