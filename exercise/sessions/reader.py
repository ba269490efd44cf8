"""Reading a session log: every line through the typed schema; a crash's torn end dropped whole.

What a crash (``kill -9``, a full disk, a pulled plug) can leave is decided by how the
log is written (:mod:`exercise.sessions.log`): records are appended in batches, a move
with the events it set off, each batch one ``write`` and one ``fsync``. So the only
damage a crash does is at the end: a last line without its newline, or a batch whose
last records never reached the disk. Both are dropped whole, and the record says what
was lost (a move the room never saw: the screen shows a move only once its batch is
on disk). Anything wrong before the end is not a crash but corruption or an edit, and
is a :class:`LogError` naming the line and, for a wrong field, the field.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exercise.engine import FACILITATOR, Move
from exercise.engine.moves import describe
from exercise.files import FileProblem, read_input
from exercise.sessions.records import (
    FORMAT,
    VERSION,
    RecordError,
    move_from_data,
    parse_record,
)
from exercise.text import one_line

MAX_LOG_BYTES = 256 * 1024 * 1024

__all__ = ["MAX_LOG_BYTES", "LogError", "LoggedMove", "LostBatch", "SessionRecord",
           "is_session_log", "move_from_data", "read_log"]


class LogError(Exception):
    """A file that is not a usable session log; the message says what and where."""


@dataclass
class LoggedMove:
    """A move as logged: what, by whom, in which round, and (for a computer) why."""

    number: int
    by: str  # how it was made: human, computer, facilitator or auto
    move: Move
    reason: str | None
    party: str | None  # the party that made it; None for the facilitator's moves
    time: str
    line: int
    round: int  # the round it was made in


@dataclass(frozen=True)
class LostBatch:
    """A batch a crash cut short, dropped from the record: the move it held, if any."""

    move: int  # the move's number; 0 for the events of the start
    what: str  # the move in words ("russia votes"), or "the opening events"
    offset: int  # where the batch starts in the file: a resume cuts the file here
    line: int

    def message(self) -> str:
        """What was lost, in a sentence for the user."""
        if self.move == 0:
            return ("the log was cut off while the opening events were being written; they "
                    "are played again")
        return (f"the log was cut off while move {self.move} ({self.what}) was being "
                "written; that move was never shown to anyone and has been dropped")


@dataclass
class SessionRecord:
    """Everything a session log holds, in order (each record checked by the schema)."""

    path: Path
    header: dict[str, Any]
    moves: list[LoggedMove] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    timers: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # where each of ``records`` starts
    torn: bool = False  # a last line cut off mid-write was dropped
    lost: LostBatch | None = None  # an incomplete last batch was dropped
    good_bytes: int = 0  # the file's length up to the end of the last whole batch
    header_bytes: int = 0  # the length of the header line

    def events_by_move(self) -> dict[int, list[dict[str, Any]]]:
        """The logged events grouped by the move that set them off (0: the game's start)."""
        grouped: dict[int, list[dict[str, Any]]] = {}
        for event in self.events:
            grouped.setdefault(int(event["n"]), []).append(event)
        return grouped

    @property
    def ended(self) -> bool:
        """Whether the exercise in this log has ended."""
        return any(e.get("event") == "ended" for e in self.events)

    @property
    def last_time(self) -> str:
        """When the last record was written."""
        for record in reversed(self.records):
            if isinstance(record.get("t"), str):
                return str(record["t"])
        return str(self.header.get("started", ""))

    def damaged(self) -> bool:
        """Whether a crash left a torn end that was dropped."""
        return self.torn or self.lost is not None

    def warnings(self) -> list[str]:
        """What was dropped from the end, in sentences."""
        out = []
        if self.lost is not None:
            out.append(self.lost.message())
        elif self.torn:
            out.append("the log's last line was cut off mid-write (the program was stopped "
                       "while writing it); it has been dropped")
        return out

    def without_last_move(self) -> SessionRecord:
        """This record as if the last move's batch had never been written (for a log
        whose writer did not count its batches, once a replay shows the batch is short)."""
        last = self.moves[-1]
        cut = next(i for i, r in enumerate(self.records)
                   if r["type"] == "move" and r["n"] == last.number)
        offset = self.offsets[cut]
        trimmed = SessionRecord(self.path, self.header)
        for record, start in zip(self.records[:cut], self.offsets[:cut], strict=True):
            _place(trimmed, record, start)
        trimmed.moves = self.moves[:-1]
        trimmed.torn = self.torn
        trimmed.lost = LostBatch(last.number, describe(last.move), offset, last.line)
        trimmed.good_bytes = offset
        trimmed.header_bytes = self.header_bytes
        return trimmed


    def drop_start(self) -> None:
        """Forget opening events a crash cut short (for a log whose writer did not count
        its batches, once a replay shows they are a strict beginning of the engine's)."""
        self.records, self.offsets, self.events = [], [], []
        self.good_bytes = self.header_bytes
        self.lost = LostBatch(0, "the opening events", self.header_bytes, 1)


def _place(session: SessionRecord, record: dict[str, Any], start: int) -> None:
    """File a checked record in its list."""
    session.records.append(record)
    session.offsets.append(start)
    kind = record["type"]
    if kind == "event":
        session.events.append(record)
    elif kind == "reaction":
        session.reactions.append(record)
    elif kind == "note":
        session.notes.append(record)
    elif kind == "timer":
        session.timers.append(record)


@dataclass
class _Batch:
    """A batch being read: the record that opened it and how many events it promised."""

    move: int
    what: str
    promised: int
    start_record: int  # index in ``records`` of its first event
    offset: int
    line: int
    seen: int = 0


def read_log(path: str | Path) -> SessionRecord:
    """Read and check a session log.

    A last line cut off mid-write (no newline) is dropped: ``torn`` says so. A batch whose
    records did not all reach the disk is dropped whole: ``lost`` says which move. Anything
    else wrong is a :class:`LogError` naming the line (and the field).
    """
    path = Path(path)
    try:
        raw = read_input(path, MAX_LOG_BYTES)
    except FileProblem as exc:
        raise LogError(f"{path}: {exc}") from None
    if not raw:
        raise LogError(f"{path}: the file is empty; it is not a session log")
    lines = raw.split(b"\n")
    torn_tail = lines.pop()  # b"" when the file ends with a newline
    if not lines:
        opening = b'{"type":"header","format":"' + FORMAT.encode() + b'"'
        if raw.startswith(opening) or opening.startswith(raw):
            raise LogError(f"{path}: the log ends inside its header (it was cut off before "
                           "the session started); there is nothing to resume")
        raise LogError(f"{path}: line 1 is not a session log header; this is not a session log")
    session: SessionRecord | None = None
    batch: _Batch | None = None
    offset = 0
    current_round = 1  # the round of the last event read: where the exercise stood
    for index, blob in enumerate(lines, start=1):
        start = offset
        offset += len(blob) + 1
        try:
            data = json.loads(blob.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            if index == 1:
                raise LogError(f"{path}: line 1 is not JSON; this is not a session log") from None
            raise LogError(f"{path}:{index}: this line is corrupt (not a JSON record); the log "
                           "cannot be trusted past it") from None
        if session is None:
            session = _header(path, data)
            session.header_bytes = session.good_bytes = offset
            promised = session.header.get("batch")
            if isinstance(promised, int) and promised > 0:
                batch = _Batch(0, "the opening events", promised, 0, offset, 1)
            continue
        try:
            checked = parse_record(data)
        except RecordError as exc:
            raise LogError(f"{path}:{index}: {one_line(str(exc))}") from None
        kind = checked.type
        if kind == "header":
            raise LogError(f"{path}:{index}: a second header; the log cannot be trusted past it")
        if batch is not None and kind != "event":
            raise LogError(f"{path}:{index}: move {batch.move}'s events are incomplete, yet the "
                           "log goes on; it cannot be trusted past this line")
        if kind == "move":
            number = checked.n
            if number != len(session.moves) + 1:
                raise LogError(f"{path}:{index}: move {number} follows move "
                               f"{len(session.moves)}; the log is out of order")
            session.moves.append(_logged(checked, index, current_round))
            if checked.batch:
                batch = _Batch(number, describe(checked.move), checked.batch,
                               len(session.records) + 1, start, index)
        elif kind == "event":
            current = len(session.moves)
            if checked.n != current:
                raise LogError(f"{path}:{index}: an event of move {checked.n} after move "
                               f"{current}; the log is out of order")
            if batch is not None:
                batch.seen += 1
            current_round = checked.round
        _place(session, data, start)
        if batch is not None and batch.seen >= batch.promised:
            batch = None
        if batch is None:
            session.good_bytes = offset
    assert session is not None
    if torn_tail:
        session.torn = True
    if batch is not None:
        _drop(session, batch)
    return session


def _logged(record: Any, line: int, current_round: int) -> LoggedMove:
    """A checked move record as a :class:`LoggedMove`, with the round it was made in and the
    party that made it even where an older log did not record them.

    Logs written before moves recorded their round lack it: the move was made in the round
    the log stood in when it was written, the round of the last event before it (the start
    records round 1's; with none at all, round 1). Those logs named the party only for a
    computer's move; the schema checks a named party made the move, so it is the move's.
    """
    move = record.move
    party = None if move.actor == FACILITATOR else move.actor
    round_number = record.round if record.round is not None else current_round
    return LoggedMove(record.n, record.by, move, record.reason, party, record.t, line,
                      round_number)


def _drop(session: SessionRecord, batch: _Batch) -> None:
    """Forget an incomplete last batch: its move (if any) and the events that made it."""
    if batch.move:
        session.moves.pop()
        keep = batch.start_record - 1  # the move record itself goes too
    else:
        keep = batch.start_record
    session.records = session.records[:keep]
    session.offsets = session.offsets[:keep]
    session.events = [e for e in session.events if e["n"] != batch.move]
    session.lost = LostBatch(batch.move, batch.what, batch.offset, batch.line)
    session.good_bytes = batch.offset


def is_session_log(path: str | Path) -> bool:
    """Whether ``path`` is a session log (judged by its first bytes; never blocks)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 4096)
    except OSError:
        return False
    finally:
        os.close(fd)
    return head.lstrip().startswith(b"{") and b'"format":"exercise-session"' in \
        head.replace(b" ", b"")


def _header(path: Path, data: Any) -> SessionRecord:
    """The session a header line opens, or why the file is not a session log."""
    if not isinstance(data, dict) or data.get("type") != "header" or \
            data.get("format") != FORMAT:
        raise LogError(f"{path}: the first line is not an exercise session header; "
                       "this is not a session log")
    if data.get("version") != VERSION:
        version = one_line(repr(data.get("version")))[:40]
        raise LogError(f"{path}: session log version {version} is not one this program reads "
                       f"(it reads version {VERSION})")
    try:
        parse_record(data)
    except RecordError as exc:
        raise LogError(f"{path}:1: the header: {one_line(str(exc))}") from None
    return SessionRecord(path, data)
