"""The session log: one JSON record per line, appended and fsynced as the exercise happens.

The durability rule: a move and the events it set off are one *batch*, written with one
``write`` and made durable with one ``fsync`` before any interface shows their effect.
The record that opens a batch (the header for the opening events, each move for its
own) says how many records the batch holds, so a reader knows a batch a crash cut short
and drops it whole (see :mod:`exercise.sessions.reader`): a closed laptop lid, a
``kill -9`` or a full disk loses at most a move the room never saw.

Three more rules keep the file trustworthy:

* **One writer.** The process that writes a log holds an exclusive ``flock`` on it for
  as long as it lives (the kernel drops it when the process dies, so a killed
  session never blocks the next); a second writer is refused with the holder's PID,
  which the holder notes in ``LOG.lock`` beside the log.
* **A failed write changes nothing.** When a write fails (disk full, a read-only or
  vanished folder), the file is cut back to the end of the last whole batch, later
  writes are refused, and :class:`LogWriteError` tells the interface to stop.
* **Secrets at rest.** Logs hold every secret ballot and private brief: they are
  created 0600, and the folders this program makes for them 0700.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import socket
import stat
import time
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exercise import __version__
from exercise.engine import FACILITATOR, Event, Move
from exercise.files import describe_os_error
from exercise.sessions.records import FORMAT, VERSION

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: logs are written without a lock
    fcntl = None  # type: ignore[assignment]

HOME_VARIABLE = "EXERCISE_HOME"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600

__all__ = ["FORMAT", "HOME_VARIABLE", "VERSION", "LogBusy", "LogWriteError", "SessionLog",
           "content_hash", "data_dir", "default_log_path", "event_record", "now",
           "private_folder", "sessions_dir"]


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


def private_folder(folder: Path) -> None:
    """Make ``folder`` (and missing parents) readable by its owner only.

    The data folder and its sessions folder are tightened to 0700 even when they exist;
    a folder the user chose for ``--log`` is left as it is, and only made 0700 if it
    has to be created.
    """
    ours = {data_dir().absolute(), sessions_dir().absolute()}
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for made in reversed(missing):
        with contextlib.suppress(FileExistsError):
            made.mkdir(mode=PRIVATE_DIR)
    if folder.absolute() in ours or data_dir().absolute() in folder.absolute().parents:
        for path in (data_dir(), folder):
            with contextlib.suppress(OSError):
                if path.is_dir() and path.stat().st_mode & 0o077:
                    path.chmod(PRIVATE_DIR)


def now() -> str:
    """The time, for records: ISO 8601, UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def content_hash(data: bytes) -> str:
    """The hash of a scenario file's content, to notice a scenario changed under a log."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def default_log_path(scenario_id: str) -> Path:
    """A fresh log path: sessions/<time>-<scenario>.jsonl."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^a-z0-9_-]", "-", scenario_id)[:60]
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

    def __init__(self, path: Path, reason: str, moves: int, *, created: bool = True):
        self.path, self.reason, self.moves = path, reason, moves
        if not created:
            message = (f"the session log {path} could not be created ({reason}); choose "
                       "another place with --log, or fix the folder and start again")
        else:
            kept = f"up to move {moves}" if moves else "up to the start"
            message = (f"the session log {path} could not be written ({reason}); the "
                       f"session stops here. It is intact {kept}: when the problem is "
                       f"fixed, go on with: exercise resume {path}")
        super().__init__(message)


class LogBusy(Exception):
    """Another process is writing this log; the message names it."""


def _lock_note(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _lock(fd: int, path: Path) -> None:
    """Take the log's exclusive lock for this process's life, or say who holds it."""
    if fcntl is None:  # pragma: no cover - no flock on this platform
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise
        holder = "another process"
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            note = json.loads(_lock_note(path).read_text(encoding="utf-8"))
            holder = f"another exercise process (PID {int(note['pid'])}"
            holder += f" on {note['host']}" if note.get("host") else ""
            holder += f", since {note['since']})" if note.get("since") else ")"
        raise LogBusy(f"{path} is being written by {holder}; only one program may write a "
                      "session log at a time (two would corrupt it). Close that one first, "
                      "or replay or report this log, which only read it") from None
    with contextlib.suppress(OSError):
        note_path = _lock_note(path)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | \
            getattr(os, "O_NOFOLLOW", 0)
        note_fd = os.open(note_path, flags, PRIVATE_FILE)
        try:
            os.write(note_fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                          "since": now()}).encode())
        finally:
            os.close(note_fd)


# The logs this process holds, by file identity: a flock is per open file, so without this
# a process that resumes a log it still holds open (back to the picker, resume) would lock
# itself out. The older writer is closed and the new one takes over.
_HELD: weakref.WeakValueDictionary[tuple[int, int], SessionLog] = \
    weakref.WeakValueDictionary()


class SessionLog:
    """Appends records to a session log it holds the lock of, each batch fsynced."""

    def __init__(self, path: Path, fd: int, size: int):
        self.path = path
        self._fd: int | None = fd
        info = os.fstat(fd)
        self._key = (info.st_dev, info.st_ino)
        _HELD[self._key] = self
        self._size = size  # the file's length after the last whole batch
        self.moves = 0
        self.started = ""  # when the session began (a new log's header says)
        self._broken: LogWriteError | None = None
        self._delay = float(os.environ.get("EXERCISE_TEST_LOG_DELAY", "0") or 0)

    @classmethod
    def create(cls, path: Path, header: dict[str, Any],
               start: Iterable[Event] = ()) -> SessionLog:
        """Start a new log: its header and the opening events, as one batch.

        Raises:
            FileExistsError: if ``path`` exists (a log is never overwritten).
            LogWriteError: if the file cannot be created or written.
        """
        events = [event_record(e, 0) for e in start]
        try:
            private_folder(path.parent)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND |
                         getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
        except FileExistsError:
            raise
        except OSError as exc:
            raise LogWriteError(path, describe_os_error(exc, path), 0, created=False) from None
        log = cls(path, fd, 0)
        with contextlib.suppress(LogBusy, OSError):  # a fresh file: nobody else holds it
            _lock(fd, path)
        log.started = now()
        try:
            log.write([{"type": "header", "format": FORMAT, "version": VERSION,
                        "program": f"exercise {__version__}", "started": log.started, **header,
                        "batch": len(events)}, *events])
        except LogWriteError as exc:  # nothing was played: leave no empty log behind
            log.close()
            with contextlib.suppress(OSError):
                path.unlink()
            raise LogWriteError(path, exc.reason, 0, created=False) from None
        return log

    @classmethod
    def acquire(cls, path: Path) -> SessionLog:
        """Take an existing log to go on writing it (after a resume): the lock first, so
        nobody writes while it is read.

        Raises:
            LogBusy: another process holds it.
            LogWriteError: it cannot be opened for writing.
        """
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0) |
                         getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise LogWriteError(path, describe_os_error(exc, path), 0, created=False) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise LogWriteError(path, "it is not a regular file", 0, created=False)
            held = _HELD.get((info.st_dev, info.st_ino))
            if held is not None:  # this process wrote it before: the new writer takes over
                held.close()
            _lock(fd, path)
            size = info.st_size
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd, size)

    def continue_after(self, good_bytes: int, moves: int) -> None:
        """Go on after the last whole batch: cut off a torn end, and count the moves kept."""
        assert self._fd is not None
        if good_bytes < self._size:
            try:
                os.ftruncate(self._fd, good_bytes)
                os.fsync(self._fd)
            except OSError as exc:
                self._fail(exc)
            self._size = good_bytes
        self.moves = moves

    def _fail(self, exc: OSError) -> None:
        """A write failed: cut the file back to the last whole batch and refuse the rest."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
                os.fsync(self._fd)
        reason = "the log file was deleted, or its folder removed, while the session ran" \
            if exc.errno == errno.ENOENT else describe_os_error(exc, self.path)
        self._broken = LogWriteError(self.path, reason, self.moves)
        raise self._broken from None

    def write(self, records: Iterable[dict[str, Any]]) -> None:
        """Append one batch of records and make it durable (write + fsync) before returning.

        Raises:
            LogWriteError: the batch could not be written; the file is as it was before.
        """
        if self._broken is not None:
            raise self._broken
        if self._fd is None:
            raise LogWriteError(self.path, "the log is closed", self.moves)
        data = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                       for r in records).encode("utf-8")
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
            if os.fstat(self._fd).st_nlink == 0:  # deleted, or its folder removed, under us
                raise OSError(errno.ENOENT, "deleted")
        except OSError as exc:
            self._fail(exc)
        self._size += len(data)
        if self._delay:  # only tests set this: it lets them kill a run between records
            time.sleep(self._delay)

    def start(self, events: Iterable[Event]) -> None:
        """The opening events again (after a resume found them cut off)."""
        self.write(event_record(e, 0) for e in events)

    def move(self, move: Move, by: str, events: Iterable[Event], *, round_number: int,
             reason: str | None = None) -> None:
        """A move, how it was made (``by``: human, computer, facilitator or auto), the round
        it was made in, and what it set off; the party that made it is recorded too (null for
        the facilitator's moves)."""
        records = [event_record(e, self.moves + 1) for e in events]
        record: dict[str, Any] = {"type": "move", "n": self.moves + 1, "by": by,
                                  "party": None if move.actor == FACILITATOR else move.actor,
                                  "round": round_number, "move": move.to_data(), "t": now(),
                                  "batch": len(records)}
        if reason:
            record["reason"] = reason
        self.write([record, *records])
        self.moves += 1

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

    def resumed(self, dropped_torn_line: bool, dropped_move: int | None = None) -> None:
        """The session was resumed from this log (and what a crash had cut off)."""
        record: dict[str, Any] = {"type": "resumed", "program": f"exercise {__version__}",
                                  "dropped_torn_line": dropped_torn_line, "t": now()}
        if dropped_move:
            record["dropped_move"] = dropped_move
        self.write([record])

    @property
    def closed(self) -> bool:
        """Whether the log is closed (its lock released)."""
        return self._fd is None

    def close(self) -> None:
        """Close the file, releasing its lock."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            note = _lock_note(self.path)
            if json.loads(note.read_text(encoding="utf-8"))["pid"] == os.getpid():
                note.unlink()
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._fd = None
        if _HELD.get(self._key) is self:
            del _HELD[self._key]

    def __del__(self) -> None:
        self.close()


def event_record(event: Event, move_number: int) -> dict[str, Any]:
    """An engine event as a log record."""
    return {"type": "event", "n": move_number, **event.to_data()}
