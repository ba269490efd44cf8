"""Moves: what a party or the facilitator can do, as small immutable values.

Each move converts to and from the data form of a headless moves file (and of the
session log), e.g. ``{"table": {"party": "ukraine", "elements": ["dmz"]}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from exercise.viewers import FACILITATOR

PACKAGE = "package"


class Ballot(StrEnum):
    """A vote on one element, or on the package."""

    ACCEPT = "accept"
    REJECT = "reject"
    ABSTAIN = "abstain"


_BALLOTS = frozenset(b.value for b in Ballot)


@dataclass(frozen=True, slots=True)
class Table:
    """The proposer tables one or more open elements."""

    party: str
    elements: tuple[str, ...]
    kind: ClassVar[str] = "table"

    def __post_init__(self) -> None:
        object.__setattr__(self, "elements", tuple(self.elements))

    @property
    def actor(self) -> str:
        """Who makes the move."""
        return self.party

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"table": {"party": self.party, "elements": list(self.elements)}}


@dataclass(frozen=True, slots=True)
class Pass:
    """The proposer tables nothing this round."""

    party: str
    kind: ClassVar[str] = "pass"

    @property
    def actor(self) -> str:
        """Who makes the move."""
        return self.party

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"pass": {"party": self.party}}


@dataclass(frozen=True, slots=True)
class Vote:
    """A party's secret ballot on every tabled element (or on the package)."""

    party: str
    votes: Mapping[str, Ballot] = field(hash=False)
    kind: ClassVar[str] = "vote"

    def __post_init__(self) -> None:
        votes = self.votes
        if type(votes) is dict and all(type(c) is Ballot for c in votes.values()):
            return  # already ballots (as computer players cast them)
        ballots = {}
        for target, choice in dict(votes).items():
            if choice not in _BALLOTS:
                from exercise.engine.errors import InvalidBallotError

                raise InvalidBallotError(
                    f"{self.party}'s vote on {target} is {choice!r}",
                    move=None,
                    expected="accept, reject or abstain",
                )
            ballots[str(target)] = Ballot(choice)
        object.__setattr__(self, "votes", ballots)

    def __hash__(self) -> int:
        return hash((self.party, tuple(sorted(self.votes.items()))))

    @property
    def actor(self) -> str:
        """Who makes the move."""
        return self.party

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"vote": {"party": self.party, "votes": {k: str(v) for k, v in self.votes.items()}}}


@dataclass(frozen=True, slots=True)
class CallVote:
    """The facilitator closes the discussion and opens voting."""

    kind: ClassVar[str] = "call_vote"
    actor: ClassVar[str] = FACILITATOR

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"call_vote": None}


@dataclass(frozen=True, slots=True)
class FireInject:
    """The facilitator plays an inject now."""

    inject: str
    kind: ClassVar[str] = "inject"
    actor: ClassVar[str] = FACILITATOR

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"inject": self.inject}


@dataclass(frozen=True, slots=True)
class CallRatification:
    """The facilitator ends the negotiation and calls ratification now."""

    kind: ClassVar[str] = "ratify"
    actor: ClassVar[str] = FACILITATOR

    def to_data(self) -> str:
        """The moves-file form."""
        return "ratify"


@dataclass(frozen=True, slots=True)
class EndExercise:
    """The facilitator stops the exercise (outcome ``ended``)."""

    reason: str = "The facilitator stopped the exercise"
    kind: ClassVar[str] = "end"
    actor: ClassVar[str] = FACILITATOR

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"end": self.reason}


@dataclass(frozen=True, slots=True)
class Sign:
    """At ratification, when the scenario lets people choose: a party signs the deal or
    refuses to (secret until every party has chosen)."""

    party: str
    signs: bool
    kind: ClassVar[str] = "sign"

    @property
    def actor(self) -> str:
        """Who makes the move."""
        return self.party

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"sign": {"party": self.party, "signs": self.signs}}


ROOM = "all"  # a statement to the whole room, not a side channel
VERBS = ("accept", "table")  # what an offer's terms promise to do with elements
MAX_MESSAGE = 500  # characters in one message (a student's words are capped)


def channel_of(party: str, to: tuple[str, ...] | str) -> tuple[str, ...] | None:
    """The channel a message from ``party`` to ``to`` travels on: every member, sorted
    (each distinct set of delegations is its own channel), or None for the room."""
    if to == ROOM:
        return None
    return tuple(sorted({party, *to}))


@dataclass(frozen=True, slots=True)
class Say:
    """A delegation speaks: to the whole room (``to: all``) or to a set of other
    delegations, privately (each distinct set is its own channel)."""

    party: str
    to: tuple[str, ...] | str
    text: str
    kind: ClassVar[str] = "say"

    def __post_init__(self) -> None:
        if self.to != ROOM:
            object.__setattr__(self, "to", tuple(self.to))

    @property
    def actor(self) -> str:
        """Who makes the move."""
        return self.party

    @property
    def channel(self) -> tuple[str, ...] | None:
        """Its channel's members, or None for the room."""
        return channel_of(self.party, self.to)

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        to: Any = ROOM if self.to == ROOM else list(self.to)
        return {"say": {"party": self.party, "to": to, "text": self.text}}


@dataclass(frozen=True, slots=True)
class Terms:
    """One side of an offer: the elements a party will accept (vote for) and table."""

    accept: tuple[str, ...] = ()
    table: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "accept", tuple(self.accept))
        object.__setattr__(self, "table", tuple(self.table))

    def __bool__(self) -> bool:
        return bool(self.accept or self.table)

    def items(self) -> tuple[tuple[str, str], ...]:
        """(verb, element) for each promise, accept first."""
        return tuple(("accept", e) for e in self.accept) + tuple(("table", e) for e in self.table)

    def to_data(self) -> dict[str, list[str]]:
        """The moves-file form (empty lists left out)."""
        return {verb: list(getattr(self, verb)) for verb in VERBS if getattr(self, verb)}


@dataclass(frozen=True, slots=True)
class Offer:
    """A structured offer: ``party`` will do ``give`` if the delegations ``to`` do
    ``want``; open until the end of round ``until`` (None: this round only)."""

    party: str
    to: tuple[str, ...]
    give: Terms
    want: Terms
    until: int | None = None
    kind: ClassVar[str] = "offer"

    def __post_init__(self) -> None:
        object.__setattr__(self, "to", tuple(self.to))

    @property
    def actor(self) -> str:
        """Who makes the move."""
        return self.party

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        body: dict[str, Any] = {"party": self.party, "to": list(self.to),
                                "give": self.give.to_data(), "want": self.want.to_data()}
        if self.until is not None:
            body["until"] = self.until
        return {"offer": body}


@dataclass(frozen=True, slots=True)
class Answer:
    """A recipient accepts or declines offer number ``offer``."""

    party: str
    offer: int
    accept: bool
    kind: ClassVar[str] = "answer"

    @property
    def actor(self) -> str:
        """Who makes the move."""
        return self.party

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"answer": {"party": self.party, "offer": self.offer, "accept": self.accept}}


@dataclass(frozen=True, slots=True)
class PauseTalks:
    """The facilitator pauses the talks (statements, offers and answers), e.g. for a vote."""

    kind: ClassVar[str] = "pause_talks"
    actor: ClassVar[str] = FACILITATOR

    def to_data(self) -> str:
        """The moves-file form."""
        return "pause_talks"


@dataclass(frozen=True, slots=True)
class ResumeTalks:
    """The facilitator lets the talks go on."""

    kind: ClassVar[str] = "resume_talks"
    actor: ClassVar[str] = FACILITATOR

    def to_data(self) -> str:
        """The moves-file form."""
        return "resume_talks"


@dataclass(frozen=True, slots=True)
class CloseChannel:
    """The facilitator closes one channel: a set of delegations, or the room (``all``)."""

    parties: tuple[str, ...] | str
    kind: ClassVar[str] = "close_channel"
    actor: ClassVar[str] = FACILITATOR

    def __post_init__(self) -> None:
        if self.parties != ROOM:
            object.__setattr__(self, "parties", tuple(sorted(set(self.parties))))

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        return {"close_channel": ROOM if self.parties == ROOM else list(self.parties)}


TALK_MOVES = (Say, Offer, Answer)  # a delegation's moves at any time, not in turn


class Player(StrEnum):
    """Who plays a seat."""

    PERSON = "person"
    COMPUTER = "computer"


@dataclass(frozen=True, slots=True)
class SeatChanged:
    """A seat changes hands: a person takes it from the computer, or the computer takes it
    over (with a persona). The rules do not change; the record says who played when.
    """

    party: str
    player: Player
    persona: str | None = None
    kind: ClassVar[str] = "seat"
    actor: ClassVar[str] = FACILITATOR

    def __post_init__(self) -> None:
        object.__setattr__(self, "player", Player(self.player))
        if self.player is Player.PERSON:
            object.__setattr__(self, "persona", None)

    def to_data(self) -> dict[str, Any]:
        """The moves-file form."""
        body: dict[str, Any] = {"party": self.party, "player": str(self.player)}
        if self.persona is not None:
            body["persona"] = self.persona
        return {"seat": body}


Move = (Table | Pass | Vote | CallVote | FireInject | CallRatification | EndExercise
        | SeatChanged | Sign | Say | Offer | Answer | PauseTalks | ResumeTalks | CloseChannel)


def describe(move: Move) -> str:
    """A move in plain words, for messages."""
    if isinstance(move, Table):
        return f"{move.party} tables {', '.join(move.elements) or 'nothing'}"
    if isinstance(move, Pass):
        return f"{move.party} passes"
    if isinstance(move, Vote):
        return f"{move.party} votes"
    if isinstance(move, CallVote):
        return "the facilitator opens voting"
    if isinstance(move, FireInject):
        return f"the facilitator fires inject '{move.inject}'"
    if isinstance(move, CallRatification):
        return "the facilitator calls ratification"
    if isinstance(move, Sign):
        return f"{move.party} {'signs' if move.signs else 'refuses to sign'}"
    if isinstance(move, Say):
        return f"{move.party} says to {'the room' if move.to == ROOM else ', '.join(move.to)}"
    if isinstance(move, Offer):
        return f"{move.party} offers {', '.join(move.to)} a trade"
    if isinstance(move, Answer):
        return f"{move.party} {'accepts' if move.accept else 'declines'} offer {move.offer}"
    if isinstance(move, PauseTalks):
        return "the facilitator pauses the talks"
    if isinstance(move, ResumeTalks):
        return "the facilitator resumes the talks"
    if isinstance(move, CloseChannel):
        where = "the room" if move.parties == ROOM else "the channel " + "+".join(move.parties)
        return f"the facilitator closes {where}"
    if isinstance(move, SeatChanged):
        by = "a person" if move.player is Player.PERSON else "the computer"
        return f"{by} takes the {move.party} seat"
    return "the facilitator ends the exercise"
