"""The session log: one JSON record per line, appended and fsynced as the exercise happens.

A log starts with a header (format, program, scenario id and content hash, seed,
seats, start time), then one record per move (with who made it and, for a
computer seat, why) followed by the engine events it set off, plus computer
reactions, facilitator notes and timer changes. A move and its events are
written, flushed and fsynced together, before any interface shows their effect:
a closed laptop lid loses at most a move the room never saw.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from exercise import __version__
from exercise.engine import Event, Move

FORMAT = "exercise-session"
VERSION = 1
HOME_VARIABLE = "EXERCISE_HOME"


def data_dir() -> Path:
    """Where sessions live: $EXERCISE_HOME, else the user's data directory."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_path("exercise", appauthor=False))


def sessions_dir() -> Path:
    """The folder of session logs."""
    return data_dir() / "sessions"


def now() -> str:
    """The time, for records: ISO 8601, UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def content_hash(data: bytes) -> str:
    """The hash of a scenario file's content, to notice a scenario changed under a log."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def default_log_path(scenario_id: str) -> Path:
    """A fresh log path: sessions/<time>-<scenario>.jsonl."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^a-z0-9_-]", "-", scenario_id)
    folder = sessions_dir()
    path = folder / f"{stamp}-{safe}.jsonl"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stamp}-{safe}-{n}.jsonl"
    return path


class LogWriteError(Exception):
    """The session log could not be written (a full disk, a read-only or lost folder).

    The session must stop: the room may not see a move the log does not hold. The log is
    left as it was before the failed batch, and the message (one line) says so and how
    to go on.
    """

    def __init__(self, path: Path, reason: str, moves: int):
        self.path, self.reason, self.moves = path, reason, moves
        kept = f"up to move {moves}" if moves else "up to the start"
        super().__init__(f"the session log {path} could not be written ({reason}); the session "
                         f"stops here. It is intact {kept}: when the problem is fixed, go on "
                         f"with: exercise resume {path}")


class SessionLog:
    """Appends records to a session log, each batch flushed and fsynced."""

    def __init__(self, path: Path, stream: IO[str]):
        self.path = path
        self._stream = stream
        self.moves = 0
        self._delay = float(os.environ.get("EXERCISE_TEST_LOG_DELAY", "0") or 0)

    @classmethod
    def create(cls, path: Path, header: dict[str, Any]) -> SessionLog:
        """Start a new log with its header (the folder is made if needed)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = path.open("x", encoding="utf-8")
        log = cls(path, stream)
        log.write([{"type": "header", "format": FORMAT, "version": VERSION,
                    "program": f"exercise {__version__}", "started": now(), **header}])
        return log

    @classmethod
    def append_to(cls, path: Path, moves: int, *, truncate_at: int | None = None) -> SessionLog:
        """Continue an existing log (after a resume), first cutting off a torn last line."""
        if truncate_at is not None:
            with path.open("r+b") as raw:
                raw.truncate(truncate_at)
        stream = path.open("a", encoding="utf-8")
        log = cls(path, stream)
        log.moves = moves
        return log

    def write(self, records: Iterable[dict[str, Any]]) -> None:
        """Append records and make them durable (flush + fsync) before returning."""
        text = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                       for r in records)
        self._stream.write(text)
        self._stream.flush()
        os.fsync(self._stream.fileno())
        if self._delay:  # only tests set this: it lets them kill a run between records
            time.sleep(self._delay)

    def start(self, events: Iterable[Event]) -> None:
        """The events of the game's start (round 1's briefing)."""
        self.write(event_record(e, 0) for e in events)

    def move(self, move: Move, by: str, events: Iterable[Event], reason: str | None = None,
             party: str | None = None) -> None:
        """A move, who made it (person, computer or facilitator), and what it set off."""
        self.moves += 1
        record: dict[str, Any] = {"type": "move", "n": self.moves, "by": by,
                                  "move": move.to_data(), "t": now()}
        if party is not None:
            record["party"] = party
        if reason:
            record["reason"] = reason
        self.write([record, *(event_record(e, self.moves) for e in events)])

    def reaction(self, party: str, text: str, round_number: int) -> None:
        """A computer seat's public reaction during discussion."""
        self.write([{"type": "reaction", "party": party, "text": text, "round": round_number,
                     "t": now()}])

    def note(self, text: str, round_number: int, phase: str) -> None:
        """A facilitator's observation, timestamped with the round and phase."""
        self.write([{"type": "note", "text": text, "round": round_number, "phase": phase,
                     "t": now()}])

    def timer(self, action: str, seconds_left: float | None, round_number: int) -> None:
        """A timer change (start, pause, resume, extend), so a resume can restore it."""
        self.write([{"type": "timer", "action": action, "left": seconds_left,
                     "round": round_number, "t": now()}])

    def resumed(self, dropped_torn_line: bool) -> None:
        """The session was resumed from this log."""
        self.write([{"type": "resumed", "program": f"exercise {__version__}",
                     "dropped_torn_line": dropped_torn_line, "t": now()}])

    def close(self) -> None:
        """Close the file."""
        if not self._stream.closed:
            self._stream.close()


def event_record(event: Event, move_number: int) -> dict[str, Any]:
    """An engine event as a log record."""
    return {"type": "event", "n": move_number, **event.to_data()}
