"""Reading a session log: validate it line by line, drop a torn last line, explain the rest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exercise.engine import (
    Ballot,
    CallRatification,
    CallVote,
    EndExercise,
    FireInject,
    Move,
    Pass,
    Table,
    Vote,
)
from exercise.sessions.log import FORMAT, VERSION

MAX_LOG_BYTES = 256 * 1024 * 1024
RECORD_TYPES = {"header", "move", "event", "reaction", "note", "timer", "resumed"}


class LogError(Exception):
    """A file that is not a usable session log; the message says what and where."""


@dataclass
class LoggedMove:
    """A move as logged."""

    number: int
    by: str
    move: Move
    reason: str | None
    party: str | None
    time: str
    line: int


@dataclass
class SessionRecord:
    """Everything a session log holds, in order."""

    path: Path
    header: dict[str, Any]
    moves: list[LoggedMove] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    timers: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    torn: bool = False
    good_bytes: int = 0  # the length of the file up to the end of the last whole line

    def events_by_move(self) -> dict[int, list[dict[str, Any]]]:
        """The logged events grouped by the move that set them off (0: the game's start)."""
        grouped: dict[int, list[dict[str, Any]]] = {}
        for event in self.events:
            grouped.setdefault(int(event.get("n", -1)), []).append(event)
        return grouped

    @property
    def ended(self) -> bool:
        """Whether the exercise in this log has ended."""
        return any(e.get("event") == "ended" for e in self.events)

    @property
    def last_time(self) -> str:
        """When the last record was written."""
        for record in reversed(self.records):
            if "t" in record:
                return str(record["t"])
        return str(self.header.get("started", ""))


def move_from_data(data: Any) -> Move:
    """Rebuild a move from its logged (moves-file) form."""
    if data == "ratify":
        return CallRatification()
    if not isinstance(data, dict) or len(data) != 1:
        raise ValueError(f"not a move: {data!r}")
    kind, body = next(iter(data.items()))
    if kind == "table":
        return Table(str(body["party"]), tuple(str(e) for e in body["elements"]))
    if kind == "pass":
        return Pass(str(body["party"]))
    if kind == "vote":
        return Vote(str(body["party"]), {str(k): Ballot(v) for k, v in body["votes"].items()})
    if kind == "call_vote":
        return CallVote()
    if kind == "inject":
        return FireInject(str(body))
    if kind == "end":
        return EndExercise(str(body))
    raise ValueError(f"unknown move kind {kind!r}")


def read_log(path: str | Path) -> SessionRecord:
    """Read and check a session log.

    A last line cut off mid-write (no newline, not JSON) is dropped: ``torn`` says so.
    Anything else wrong is a :class:`LogError` naming the line.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise LogError(f"{path}: this is a folder, not a session log")
        size = path.stat().st_size
        if size > MAX_LOG_BYTES:
            raise LogError(f"{path}: {size:,} bytes is too large for a session log")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LogError(f"{path}: no such file") from None
    except OSError as exc:
        raise LogError(f"{path}: cannot read: {exc.strerror}") from None
    if not raw:
        raise LogError(f"{path}: the file is empty; it is not a session log")
    lines = raw.split(b"\n")
    ends_clean = raw.endswith(b"\n")
    if ends_clean:
        lines.pop()
    session: SessionRecord | None = None
    offset = 0
    for index, blob in enumerate(lines, start=1):
        last = index == len(lines)
        try:
            record = json.loads(blob.decode("utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            if last and not ends_clean and session is not None:
                session.torn = True  # a write cut short: drop it
                break
            if index == 1:
                raise LogError(f"{path}: line 1 is not JSON; this is not a session log") from None
            raise LogError(f"{path}:{index}: this line is corrupt (not a JSON record); the log "
                           "cannot be trusted past it") from None
        if session is None:
            if record.get("type") != "header" or record.get("format") != FORMAT:
                raise LogError(f"{path}: the first line is not an exercise session header; "
                               "this is not a session log")
            if record.get("version") != VERSION:
                raise LogError(f"{path}: session log version {record.get('version')!r} is not "
                               f"one this program reads (it reads version {VERSION})")
            for key in ("scenario", "seed", "seats"):
                if key not in record:
                    raise LogError(f"{path}:1: the header has no '{key}'")
            session = SessionRecord(path, record)
        else:
            _add(session, record, index, path)
        offset += len(blob) + 1
        session.good_bytes = min(offset, len(raw))
    assert session is not None
    return session


def _add(session: SessionRecord, record: dict[str, Any], line: int, path: Path) -> None:
    kind = record.get("type")
    if kind not in RECORD_TYPES or kind == "header":
        raise LogError(f"{path}:{line}: unexpected record type {kind!r}")
    session.records.append(record)
    if kind == "move":
        try:
            move = move_from_data(record["move"])
            number = int(record["n"])
        except (KeyError, TypeError, ValueError) as exc:
            raise LogError(f"{path}:{line}: a move record that cannot be read ({exc})") from None
        if number != len(session.moves) + 1:
            raise LogError(f"{path}:{line}: move {number} follows move {len(session.moves)}; "
                           "the log is out of order")
        session.moves.append(LoggedMove(number, str(record.get("by", "")), move,
                                        record.get("reason"), record.get("party"),
                                        str(record.get("t", "")), line))
    elif kind == "event":
        session.events.append(record)
    elif kind == "reaction":
        session.reactions.append(record)
    elif kind == "note":
        session.notes.append(record)
    elif kind == "timer":
        session.timers.append(record)
