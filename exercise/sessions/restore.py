"""Start a logged session, and rebuild one from its log (to resume it, replay it or report it).

Rebuilding replays every logged move on a fresh engine and checks, move by move, that
the engine sets off the events the log recorded. A crash's torn end is repaired without
being asked (the reader drops a batch it can see is short; for logs whose writer did
not count its batches, a last batch whose events are a strict beginning of what the
engine sets off is dropped the same way). ``force`` is for one thing only: going on
when the scenario file changed since the session was logged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exercise import catalog
from exercise.bots.personas import DEFAULT_PERSONA, PERSONAS
from exercise.conduct import Conductor, SeatPlan
from exercise.engine import Event
from exercise.files import FileProblem, read_input
from exercise.scenario.model import Scenario
from exercise.scenario.problems import ScenarioError
from exercise.scenario.yaml_source import MAX_BYTES
from exercise.sessions.log import (
    LogBusy,
    LogWriteError,
    SessionLog,
    content_hash,
    default_log_path,
    event_record,
)
from exercise.sessions.reader import LogError, SessionRecord, read_log
from exercise.text import one_line


class RestoreError(Exception):
    """A log that cannot be resumed or replayed; the message says why and what to do."""


def scenario_reference(scenario_path: Path, log_path: Path) -> dict[str, str]:
    """Where a log finds its scenario again: relative to the log's folder where it can
    (so a folder holding both can be moved), and absolutely, as a second guess."""
    absolute = Path(os.path.abspath(scenario_path))
    out = {"absolute": str(absolute)}
    try:
        out["path"] = os.path.relpath(absolute, os.path.abspath(log_path.parent))
    except ValueError:  # another drive (Windows): no relative path exists
        out["path"] = str(absolute)
    return out


def begin_log(conductor: Conductor, scenario_path: Path, *, path: Path | None = None,
              mode: str = "play") -> SessionLog:
    """Open a new session log for a conductor's exercise and attach it.

    Raises:
        FileExistsError: ``path`` exists.
        LogWriteError: the log cannot be created.
    """
    scenario = conductor.scenario
    log_path = path or default_log_path(scenario.id)
    try:
        digest: str | None = content_hash(read_input(scenario_path, MAX_BYTES))
    except FileProblem:
        digest = None  # read a moment ago, gone now: the log can still be pointed at it
    header = {
        "mode": mode,
        "scenario": {"id": scenario.id, "title": scenario.title,
                     **scenario_reference(scenario_path, log_path), "hash": digest},
        "seed": conductor.seed,
        "seats": {pid: {"human": plan.human, "persona": None if plan.human else plan.persona}
                  for pid, plan in conductor.seats.items()},
    }
    log = SessionLog.create(log_path, header, conductor.game.events)
    conductor.log = log
    conductor.started = log.started
    return log


@dataclass
class Restored:
    """A conductor rebuilt from a log, where the log stopped."""

    conductor: Conductor
    record: SessionRecord
    scenario_path: Path
    warnings: list[str]
    move_events: dict[int, list[Event]] = field(default_factory=dict)  # the engine's own
    initial_seats: dict[str, SeatPlan] = field(default_factory=dict)  # as the session began


def scenario_of(record: SessionRecord, override: str | Path | None = None) -> tuple[Path, bytes]:
    """The scenario file a log was played on.

    Tried in order: ``override`` (``--scenario``), the recorded path relative to the log's
    folder, the recorded absolute path, and the bundled scenario of the recorded id.
    """
    info = record.header["scenario"]
    if override is not None:
        try:
            return Path(override), read_input(override, MAX_BYTES)
        except FileProblem as exc:
            raise RestoreError(f"--scenario {override}: {exc}") from None
    candidates: list[Path] = []
    for key in ("path", "absolute"):
        value = info.get(key)
        if isinstance(value, str) and value:
            candidate = Path(value)
            candidates.append(candidate if candidate.is_absolute()
                              else record.path.parent / candidate)
    bundled = {e.name: e.path for e in catalog.bundled()}
    if info["id"] in bundled:
        candidates.append(bundled[info["id"]])
    for candidate in candidates:
        try:
            return candidate, read_input(candidate, MAX_BYTES)
        except FileProblem:
            continue
    where = one_line(str(info.get("path") or info.get("absolute") or "(no path recorded)"))
    raise RestoreError(f"the scenario '{one_line(info['id'])}' of this session is neither at "
                       f"{where} (beside the log) nor bundled; point at it with "
                       "--scenario PATH")


def _seats(record: SessionRecord, scenario: Scenario) -> tuple[dict[str, SeatPlan], list[str]]:
    plans, notes = {}, []
    parties = {p.id for p in scenario.parties}
    for pid, plan in record.header["seats"].items():
        if pid not in parties:
            notes.append(f"the log seats '{one_line(pid)}', which the scenario does not have; "
                         "ignored")
            continue
        persona = plan.get("persona") or DEFAULT_PERSONA
        if persona not in PERSONAS:
            notes.append(f"the persona of {pid} ('{one_line(persona)}') is unknown; "
                         f"{DEFAULT_PERSONA} plays it")
            persona = DEFAULT_PERSONA
        plans[pid] = SeatPlan(pid, bool(plan["human"]), persona)
    return plans, notes


# Keys an event gained after logs were first written, derived from what the log holds
# anyway (a rejection's cause follows from the ballots): a log without them is not edited.
ADDED_KEYS = {"element_rejected": frozenset({"cause"})}


def _plain(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Logged events as the engine's to_data() gives them (without the log's own keys)."""
    return [{k: v for k, v in e.items() if k not in ("type", "n")} for e in events]


def _as_logged(made: list[dict[str, Any]], logged: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The engine's events without the keys an older log could not have written, where the
    logged event lacks them (see ADDED_KEYS)."""
    out = []
    for i, event in enumerate(made):
        added = ADDED_KEYS.get(str(event.get("event")), frozenset())
        theirs = logged[i] if i < len(logged) else {}
        out.append({k: v for k, v in event.items() if k not in added or k in theirs})
    return out


def _short_of(logged: list[dict[str, Any]], made: list[dict[str, Any]]) -> bool:
    """Whether the logged events are a strict beginning of those the engine made."""
    return len(logged) < len(made) and made[:len(logged)] == logged


class Stepper:
    """Walks a logged session's moves for a replay: forwards one move at a time on the
    same conductor, backwards by playing again from the start.

    ``conductor`` stands after the first ``position`` moves and the computer players'
    reactions that followed them.
    """

    def __init__(self, record: SessionRecord, scenario: Scenario,
                 at_end: Conductor | None = None):
        """Start at the beginning, or at the end with ``at_end``, a conductor already
        rebuilt through every move (as :func:`rebuild` returns it)."""
        self.record, self.scenario = record, scenario
        if at_end is None:
            self._restart()
        else:
            self.conductor, self.position, self._next = (
                at_end, len(record.moves), len(record.records))

    def _restart(self) -> None:
        self.conductor = Conductor(self.scenario, _seats(self.record, self.scenario)[0],
                                   int(self.record.header["seed"]))
        self.position = self._next = 0  # moves made; the next log record to apply
        self._reactions()

    def _reactions(self) -> None:
        """Apply the log's records up to the next move (the reactions that followed)."""
        records = self.record.records
        while self._next < len(records) and records[self._next]["type"] != "move":
            if records[self._next]["type"] == "reaction":
                item = records[self._next]
                self.conductor.replay_reaction(str(item["text"]), str(item["party"]))
            self._next += 1

    def seek(self, position: int) -> bool:
        """Stand after the first ``position`` moves; True if the conductor was replaced
        (going back), False if it only moved on."""
        restarted = position < self.position
        if restarted:
            self._restart()
        while self.position < min(position, len(self.record.moves)):
            self.conductor.replay(self.record.moves[self.position])
            self.position += 1
            self._next += 1
            self._reactions()
        return restarted


def rebuild(path: str | Path, *, force: bool = False,
            scenario: str | Path | None = None) -> Restored:
    """Rebuild the exercise a log records, checking the engine agrees with it move by move.

    Args:
        path: the session log.
        force: go on when the scenario changed since the session was logged.
        scenario: the scenario file, when it is no longer where the log says.

    Raises:
        RestoreError: with a message for the user when the log cannot be used.
    """
    try:
        record = read_log(path)
    except LogError as exc:
        raise RestoreError(str(exc)) from None
    return _rebuild(record, force=force, scenario=scenario)


def _rebuild(record: SessionRecord, *, force: bool, scenario: str | Path | None) -> Restored:
    from exercise.scenario.loading import check_text

    warnings: list[str] = []  # besides what a crash cut off (the record says that itself)
    scenario_path, data = scenario_of(record, scenario)
    logged_hash = record.header["scenario"].get("hash")
    if logged_hash != content_hash(data):
        if not force:
            raise RestoreError(f"the scenario {scenario_path} has changed since this session was "
                               "logged, so the session may not play out the same; use --force "
                               "to go on anyway")
        warnings.append(f"the scenario {scenario_path} changed since the session was logged")
    checked = check_text(data, str(scenario_path))
    if checked.scenario is None:
        raise RestoreError(str(ScenarioError(checked.errors)))
    plans, notes = _seats(record, checked.scenario)
    warnings += notes
    conductor = Conductor(checked.scenario, plans, int(record.header["seed"]))
    conductor.started = str(record.header.get("started", ""))
    initial = dict(conductor.seats)
    logged_events = record.events_by_move()
    start = [e.to_data() for e in conductor.game.events]
    move_events: dict[int, list[Event]] = {0: list(conductor.game.events)}
    logged_start = _plain(logged_events.get(0, []))
    if start != logged_start and not (record.lost is not None and record.lost.move == 0):
        if not record.moves and _short_of(logged_start, start):
            record.drop_start()
        elif not force:
            raise RestoreError(f"{record.path}: the engine does not start the exercise the way "
                               "the log says (the log was edited, or written by another "
                               "version of the program); --force replays it on this program's "
                               "account")
    count = 0
    for index, item in enumerate(record.records):
        kind = item["type"]
        if kind == "reaction":
            conductor.replay_reaction(str(item["text"]), str(item["party"]))
        elif kind == "note":
            conductor.replay_note(str(item["text"]), int(item["round"]), str(item["phase"]),
                                  str(item.get("t", "")))
        if kind != "move":
            continue
        logged = record.moves[count]
        count += 1
        if logged.round != conductor.game.round:
            if not force:
                raise RestoreError(f"{record.path}:{logged.line}: move {logged.number} is logged "
                                   f"as made in round {logged.round}, but the exercise was in "
                                   f"round {conductor.game.round} (the log was edited, or "
                                   "written by another version of the program); --force "
                                   "replays the moves on this program's account")
            logged.round = conductor.game.round
        try:
            events = conductor.replay(logged)
        except Exception as exc:  # an illegal move in the log: it was not made by this engine
            raise RestoreError(f"{record.path}:{logged.line}: move {logged.number} cannot be "
                               f"made again ({one_line(str(exc))})") from None
        move_events[logged.number] = events
        written = _plain(logged_events.get(logged.number, []))
        made = _as_logged([e.to_data() for e in events], written)
        if made == written:
            continue
        last = count == len(record.moves) and all(
            r["type"] == "event" for r in record.records[index + 1:])
        if last and record.lost is None and _short_of(written, made):
            return _rebuild(record.without_last_move(), force=force, scenario=scenario)
        if not force:
            raise RestoreError(f"{record.path}:{logged.line}: replaying move {logged.number} "
                               "does not give the events the log recorded (the log was edited, "
                               "or written by another version of the program); --force "
                               "replays the moves on this program's account")
    return Restored(conductor, record, scenario_path, [*record.warnings(), *warnings],
                    move_events, initial)


def resume(path: str | Path, *, force: bool = False,
           scenario: str | Path | None = None) -> Restored:
    """Rebuild a session and keep logging to the same file.

    The log's lock is taken first, so no other process writes while it is read; a torn end
    is then cut off the file, and a resumed record says what was dropped.

    Raises:
        RestoreError: the log cannot be resumed (busy, ended, damaged beyond repair, ...).
    """
    path = Path(path)
    try:
        log = SessionLog.acquire(path)
    except LogBusy as exc:
        raise RestoreError(str(exc)) from None
    except LogWriteError as exc:
        try:  # say what is wrong with the file if it is not a log at all
            read_log(path)
        except LogError as bad:
            raise RestoreError(str(bad)) from None
        raise RestoreError(f"{path}: cannot be written ({exc.reason}); replay or report it "
                           "instead") from None
    try:
        restored = rebuild(path, force=force, scenario=scenario)
        record = restored.record
        if record.ended:
            raise RestoreError(f"{record.path}: this exercise has ended; replay it with "
                               f"'exercise replay {record.path}'")
        log.continue_after(record.good_bytes, len(record.moves))
        if record.lost is not None and record.lost.move == 0:
            log.start(restored.conductor.game.events)
        log.resumed(record.torn, record.lost.move if record.lost else None)
    except LogWriteError as exc:  # a full disk before the first move: nothing was played
        log.close()
        raise RestoreError(str(exc)) from None
    except BaseException:
        log.close()
        raise
    restored.conductor.log = log
    return restored


@dataclass(frozen=True)
class SessionEntry:
    """A log in the sessions folder: readable (with its record) or not (with why)."""

    path: Path
    record: SessionRecord | None
    problem: str | None = None

    @property
    def unfinished(self) -> bool:
        """A readable session whose exercise has not ended."""
        return self.record is not None and not self.record.ended


def list_sessions(limit: int = 50) -> list[SessionEntry]:
    """Logs in the sessions folder, newest first: each readable one, or why it is not.

    A bad file there is listed, never fatal: whatever is wrong with it is its own line.
    """
    from exercise.sessions.log import sessions_dir

    folder = sessions_dir()
    try:
        paths = sorted(folder.glob("*.jsonl"), reverse=True)[: limit * 4]
    except OSError:
        return []
    entries = []
    for path in paths:
        try:
            entries.append(SessionEntry(path, read_log(path)))
        except LogError as exc:
            entries.append(SessionEntry(path, None, one_line(str(exc))))
        except Exception as exc:  # a file we cannot make sense of never stops the picker
            entries.append(SessionEntry(path, None, one_line(f"{path}: unreadable ({exc})")))
        if len(entries) >= limit:
            break
    return entries


def unfinished_sessions(limit: int = 50) -> list[SessionRecord]:
    """Logs in the sessions folder whose exercise has not ended, newest first."""
    return [e.record for e in list_sessions(limit * 4) if e.record is not None
            and e.unfinished][:limit]


__all__ = ["RestoreError", "Restored", "SessionEntry", "begin_log", "event_record",
           "list_sessions", "rebuild", "resume", "unfinished_sessions"]
