"""The chronicle of an exercise: what happened, in the order it happened.

The conductor keeps one as it runs (live, or while a log is replayed), so a report, the
debrief and a replay read the same story whether or not a log was kept. Each entry is
what the session log records for it: a move with who made it, in which round, why (for
the computer) and the events the engine set off; a computer seat's public reaction; a
facilitator's note. Events are the engine's own, never read back from a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercise.engine import Event, Move


@dataclass(frozen=True, slots=True)
class Started:
    """The events the engine set off as the exercise began (round 1's briefing)."""

    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Moved:
    """A move, who made it and why, and what it set off."""

    number: int
    round: int  # the round it was made in
    by: str  # human, computer, facilitator, auto
    party: str | None  # the seat that made it (None for the facilitator's own moves)
    move: Move
    reason: str | None  # the computer's reason
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Reacted:
    """A computer seat's public reaction during discussion."""

    round: int
    party: str
    text: str


@dataclass(frozen=True, slots=True)
class Noted:
    """A facilitator's observation."""

    round: int
    phase: str
    text: str


Entry = Started | Moved | Reacted | Noted

__all__ = ["Entry", "Moved", "Noted", "Reacted", "Started"]
