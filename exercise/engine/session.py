"""The session: the whole state of one exercise, and nothing else.

The session is the model the phase machine drives; it holds data, not rules. The
rules that change it live in :mod:`exercise.engine.rules` and the order they run in
lives in :mod:`exercise.engine.phases`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from exercise.engine.chance import DRAW_SALT, mix
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
        self.draw_base = mix(seed, DRAW_SALT)  # the game's one random source (see chance.py)
        # (inject, the draw's detail, chance, hit) for each chance drawn, when a simulation asks
        self.draw_log: list[tuple[str, int, float, bool]] | None = None
        self.record_events = record_events
        self.round = 0
        self.proposer: str | None = None
        self.tabled: tuple[str, ...] = ()
        self.tabled_fired = 0  # how many injects had fired when the package was tabled
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
        self.attempts = dict.fromkeys(book.injects, 0)  # chance draws made, per inject
        self.shared: set[str] = set()  # containers shared with another session (copy on write)
        self.signed = dict.fromkeys(book.voters, False)
        # With signing by choice: each party's choice so far (secret until all have chosen);
        # a computer-only simulation signs by walk-away at once (the same rule, unasked).
        self.signatures: dict[str, bool] = {}
        self.sign_by_walk_away = not book.signing_choice
        self.history: list[RoundRecord] = []
        # Element -> (the consent parties that withheld consent when it was last rejected,
        # then how many injects had fired and elements were adopted): public once the
        # ballots are revealed, and what tells a computer player whether anything changed.
        self.blocked: dict[str, tuple[tuple[str, ...], int, int]] = {}
        self.outcome: Outcome | None = None
        self.collapse_reason: str | None = None
        self.stop_reason: str | None = None
        self.events: list[Event] = []
        self.version = 0  # counts every change a player can see (not secret ballots)
        self.bot_view: Any = None  # computer players' shared view at some version

    def copy(self, seed: int) -> Session:
        """A new session in this state, for another game (``seed``), with no history.

        Values, stances and walk-aways change only when an inject says so; they are
        shared with this session and copied by the rules just before a change.
        """
        other = Session.__new__(Session)
        other.__dict__.update(self.__dict__)
        other.seed = seed
        other.draw_base = mix(seed, DRAW_SALT)
        other.draw_log = None
        other.ballots = {p: dict(b) for p, b in self.ballots.items()}
        for name in ("status", "rejections", "adopted_in", "tracks", "scores", "fire_count",
                     "attempts", "signed", "signatures"):
            setattr(other, name, dict(getattr(self, name)))
        other.fired = list(self.fired)
        other.blocked = dict(self.blocked)
        other.history = []
        other.events = []
        other.bot_view = None
        other.shared = {"values", "stances", "walk_away"}
        return other

    def own(self, name: str) -> None:
        """Copy a shared container before changing it (values, stances or walk_away)."""
        if name in self.shared:
            self.shared.discard(name)
            current = getattr(self, name)
            setattr(self, name, {k: dict(v) if isinstance(v, dict) else v
                                 for k, v in current.items()})

    def fire(self, trigger: Trigger) -> None:
        """Move to the next phase; replaced by the phase machine when one is attached."""
        raise RuntimeError("no phase machine is attached to this session")

    def emit(self, kind: EventKind, audience: tuple[str, ...] | None = None, **data: Any) -> None:
        """Record an event (skipped when a simulation does not keep events).

        Every change to the state goes with an event, so this is also where the
        version a computer player caches against moves on.
        """
        if kind not in (EventKind.VOTE_CAST, EventKind.SIGNATURE_CAST):
            self.version += 1
        if self.record_events:
            self.events.append(Event(kind, self.round, data, audience))

    def change_stamp(self) -> tuple[int, int]:
        """What marks a change a blocked element could be tabled again after: injects fired
        (values, stances, walk-aways) and elements adopted."""
        return len(self.fired), sum(1 for st in self.status.values() if st is Status.ADOPTED)

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
