"""The session log's records as one typed schema: every line of a log is read through it.

A log may have been cut short, bit-flipped or edited by hand, so nothing downstream
trusts a field it has not been given by this schema: a wrong type, a missing key or an
out-of-range number is a message naming the line and the field, never a ``TypeError``
three modules later. Records may carry keys this program does not know (a newer
program may add some); the keys it reads are checked strictly (no "1" for 1).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from exercise.engine import FACILITATOR, Move
from exercise.engine.move_data import MoveDataError, move_from_data

FORMAT = "exercise-session"
VERSION = 1

# Bounds no honest log comes near; they keep a crafted one from costing memory or time.
MAX_INT = 2**63 - 1
MAX_ROUND = 1_000_000
MAX_TEXT = 100_000
MAX_ID = 200
MAX_SECONDS = 7 * 24 * 3600.0  # a discussion timer beyond a week is not a timer

Round = Annotated[int, Field(ge=0, le=MAX_ROUND)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Ident = Annotated[str, Field(min_length=1, max_length=MAX_ID)]


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)


class ScenarioRef(_Record):
    """Which scenario a session was played on."""

    id: Ident
    title: Text = ""
    path: Text | None = None
    hash: Text | None = None


class SeatRecord(_Record):
    """Who played a seat at the start: a person, or the computer with a persona."""

    human: bool
    persona: Ident | None = None


class HeaderRecord(_Record):
    """The first line: what was played, with what seed and seats."""

    type: Literal["header"]
    format: Literal["exercise-session"]
    version: int
    program: Text = ""
    started: Text = ""
    mode: Ident = "play"
    scenario: ScenarioRef
    seed: Annotated[int, Field(ge=0, le=MAX_INT)]
    seats: dict[Ident, SeatRecord]
    batch: Annotated[int, Field(ge=0, le=MAX_ROUND)] | None = None


def _move(value: Any) -> Move:
    return move_from_data(value)


class MoveRecord(_Record):
    """A move (its data form, read by :func:`~exercise.engine.move_data.move_from_data`,
    as a moves file is), how it was made (``by``: human, computer, facilitator or auto), the
    party that made it (null for the facilitator's), the round it was made in, and, for a
    computer's move, why.

    Logs written before ``round`` was recorded lack it, and had ``party`` for computer moves
    only: the reader fills both in (:func:`exercise.sessions.reader.read_log`).
    """

    type: Literal["move"]
    n: Annotated[int, Field(ge=1, le=MAX_INT)]
    by: Ident
    move: Annotated[Any, AfterValidator(_move)]
    t: Text = ""
    party: Ident | None = None
    round: Round | None = None
    reason: Text | None = None
    batch: Annotated[int, Field(ge=0, le=MAX_ROUND)] | None = None

    @model_validator(mode="after")
    def _party_made_it(self) -> MoveRecord:
        actor = self.move.actor
        if self.party is not None and self.party != actor:
            made = "the facilitator" if actor == FACILITATOR else f"'{actor}'"
            raise ValueError(f"the record's party '{self.party[:40]}' did not make this move "
                             f"({made} did)")
        return self


class EventRecord(_Record):
    """An engine event a move (n) or the start (n = 0) set off; its details are extra keys."""

    type: Literal["event"]
    n: Annotated[int, Field(ge=0, le=MAX_INT)]
    event: Ident
    round: Round


class ReactionRecord(_Record):
    """A computer seat's public reaction during discussion."""

    type: Literal["reaction"]
    party: Ident
    text: Text
    round: Round
    t: Text = ""


class NoteRecord(_Record):
    """A facilitator's observation."""

    type: Literal["note"]
    text: Text
    round: Round
    phase: Ident
    t: Text = ""


class TimerRecord(_Record):
    """A change to the discussion timer."""

    type: Literal["timer"]
    action: Ident
    left: Annotated[float | None, AfterValidator(_finite),
                    Field(ge=-MAX_SECONDS, le=MAX_SECONDS)] = None
    round: Round
    t: Text = ""


class ResumedRecord(_Record):
    """The session was resumed from this log (and what the resume dropped)."""

    type: Literal["resumed"]
    program: Text = ""
    dropped_torn_line: bool = False
    dropped_move: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    t: Text = ""


def _kind(value: Any) -> str | None:
    return value.get("type") if isinstance(value, dict) else None


Record = Annotated[
    Annotated[HeaderRecord, Tag("header")]
    | Annotated[MoveRecord, Tag("move")]
    | Annotated[EventRecord, Tag("event")]
    | Annotated[ReactionRecord, Tag("reaction")]
    | Annotated[NoteRecord, Tag("note")]
    | Annotated[TimerRecord, Tag("timer")]
    | Annotated[ResumedRecord, Tag("resumed")],
    Discriminator(_kind),
]
RECORD_TYPES = ("header", "move", "event", "reaction", "note", "timer", "resumed")
_ADAPTER: TypeAdapter[Any] = TypeAdapter(Record)


class RecordError(ValueError):
    """A line that is JSON but not a record of this log's schema; says which field."""


def _step(part: str | int) -> str:
    """One step of a key path inside a move, short enough for a message."""
    text = str(part)
    return text if len(text) <= 40 else text[:39] + "…"


def _describe(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    loc = [str(part) for part in first["loc"]]
    if loc and loc[0] in RECORD_TYPES:  # the union's tag, not a field of the line
        loc = loc[1:]
    field = ".".join(loc)
    message = str(first["msg"])
    if first["type"] == "union_tag_invalid" or first["type"] == "union_tag_not_found":
        return "this is not a record type this program knows"
    if first["type"] == "value_error":
        cause = first.get("ctx", {}).get("error", message)
        if isinstance(cause, MoveDataError):  # where inside the move
            field = ".".join([field, *(_step(part) for part in cause.path)])
        message = str(cause)
    more = len(error.errors()) - 1
    tail = f" (and {more} more problem{'s' * (more != 1)})" if more > 0 else ""
    return f"field '{field}': {message}{tail}" if field else f"{message}{tail}"


def parse_record(data: Any) -> Any:
    """Check one decoded JSON line against the schema and return the typed record.

    Raises:
        RecordError: naming the field that is wrong.
    """
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise RecordError(_describe(exc)) from None
