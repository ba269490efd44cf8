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
        | SeatChanged | Sign)


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
    if isinstance(move, SeatChanged):
        by = "a person" if move.player is Player.PERSON else "the computer"
        return f"{by} takes the {move.party} seat"
    return "the facilitator ends the exercise"
