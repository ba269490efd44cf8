"""Events: the engine's record of what happened, for the feed, the log and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    """Every kind of thing the engine reports."""

    ROUND_STARTED = "round_started"
    INJECT_FIRED = "inject_fired"
    TABLED = "tabled"
    PASSED = "passed"
    VOTING_OPENED = "voting_opened"
    VOTE_CAST = "vote_cast"
    VOTES_REVEALED = "votes_revealed"
    ELEMENT_ADOPTED = "element_adopted"
    ELEMENT_REJECTED = "element_rejected"
    ELEMENT_EXCLUDED = "element_excluded"
    ELEMENT_ADDED = "element_added"
    ELEMENT_WITHDRAWN = "element_withdrawn"
    PACKAGE_RETRACTED = "package_retracted"
    PACKAGE_DROPPED = "package_dropped"
    TRACK_CHANGED = "track_changed"
    STANCE_CHANGED = "stance_changed"
    VALUE_CHANGED = "value_changed"
    WALK_AWAY_CHANGED = "walk_away_changed"
    SEAT_CHANGED = "seat_changed"
    SIGNING_OPENED = "signing_opened"  # ratification waits for each party's choice
    SIGNATURE_CAST = "signature_cast"  # a party has chosen (secret until all have)
    RATIFICATION = "ratification"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened.

    Attributes:
        kind: what happened.
        round: the round it happened in.
        data: the details (ids, numbers), JSON-ready.
        audience: None when every seat may see it, else the party ids that may
            (the facilitator sees everything).
    """

    kind: EventKind
    round: int
    data: dict[str, Any] = field(default_factory=dict)
    audience: tuple[str, ...] | None = None

    def visible_to(self, seat: str | None) -> bool:
        """Whether ``seat`` may see this event (``None`` is the facilitator)."""
        return seat is None or self.audience is None or seat in self.audience

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready form."""
        out: dict[str, Any] = {"event": str(self.kind), "round": self.round, **self.data}
        if self.audience is not None:
            out["audience"] = list(self.audience)
        return out
