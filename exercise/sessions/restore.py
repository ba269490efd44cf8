"""Start a logged session, and rebuild one from its log (to resume it or replay it)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercise import catalog
from exercise.bots.personas import DEFAULT_PERSONA, PERSONAS
from exercise.conduct import Conductor, SeatPlan
from exercise.scenario.model import Scenario
from exercise.scenario.problems import ScenarioError
from exercise.sessions.log import SessionLog, content_hash, default_log_path, event_record
from exercise.sessions.reader import LogError, SessionRecord, read_log


class RestoreError(Exception):
    """A log that cannot be resumed or replayed; the message says why and what to do."""


def begin_log(conductor: Conductor, scenario_path: Path, *, path: Path | None = None,
              mode: str = "play") -> SessionLog:
    """Open a new session log for a conductor's exercise and attach it."""
    scenario = conductor.scenario
    header = {
        "mode": mode,
        "scenario": {"id": scenario.id, "title": scenario.title,
                     "path": str(Path(scenario_path).resolve()),
                     "hash": content_hash(Path(scenario_path).read_bytes())},
        "seed": conductor.seed,
        "seats": {pid: {"human": plan.human, "persona": None if plan.human else plan.persona}
                  for pid, plan in conductor.seats.items()},
    }
    log = SessionLog.create(path or default_log_path(scenario.id), header)
    log.start(conductor.game.events)
    conductor.log = log
    return log


@dataclass
class Restored:
    """A conductor rebuilt from a log, where the log stopped."""

    conductor: Conductor
    record: SessionRecord
    scenario_path: Path
    warnings: list[str]


def scenario_of(record: SessionRecord) -> tuple[Path, bytes]:
    """The scenario file a log was played on: its recorded path, else the bundled one."""
    info = record.header.get("scenario")
    if not isinstance(info, dict) or "id" not in info:
        raise RestoreError(f"{record.path}:1: the header does not say which scenario was played")
    candidates = []
    if isinstance(info.get("path"), str):
        candidates.append(Path(info["path"]))
    with contextlib.suppress(catalog.UnknownScenario):
        candidates.append(catalog.resolve(str(info["id"])))
    for candidate in candidates:
        if candidate.is_file():
            return candidate, candidate.read_bytes()
    raise RestoreError(f"the scenario '{info['id']}' of this session is neither at "
                       f"{info.get('path')} nor bundled")


def _seats(record: SessionRecord) -> dict[str, SeatPlan]:
    seats = record.header.get("seats")
    if not isinstance(seats, dict):
        raise RestoreError(f"{record.path}:1: the header's seats are not readable")
    plans = {}
    for pid, plan in seats.items():
        if not isinstance(plan, dict):
            raise RestoreError(f"{record.path}:1: the seat of '{pid}' is not readable")
        persona = plan.get("persona") or DEFAULT_PERSONA
        if persona not in PERSONAS:
            persona = DEFAULT_PERSONA
        plans[str(pid)] = SeatPlan(str(pid), bool(plan.get("human")), persona)
    return plans


def _plain(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Logged events as the engine's to_data() gives them (without the log's own keys)."""
    return [{k: v for k, v in e.items() if k not in ("type", "n")} for e in events]


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
        self.conductor = Conductor(self.scenario, _seats(self.record),
                                   int(self.record.header["seed"]))
        self.position = self._next = 0  # moves made; the next log record to apply
        self._reactions()

    def _reactions(self) -> None:
        """Apply the log's records up to the next move (the reactions that followed)."""
        records = self.record.records
        while self._next < len(records) and records[self._next]["type"] != "move":
            if records[self._next]["type"] == "reaction":
                self.conductor.replay_reaction(str(records[self._next].get("text", "")))
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


def rebuild(path: str | Path, *, force: bool = False) -> Restored:
    """Rebuild the exercise a log records, checking the engine agrees with it move by move.

    Args:
        path: the session log.
        force: go on when the scenario changed since the session was logged.

    Raises:
        RestoreError: with a message for the user when the log cannot be used.
    """
    from exercise.scenario.loading import check_text

    try:
        record = read_log(path)
    except LogError as exc:
        raise RestoreError(str(exc)) from None
    warnings = []
    if record.torn:
        warnings.append("the log's last line was cut off mid-write (the program was stopped "
                        "while writing it); it has been dropped")
    scenario_path, data = scenario_of(record)
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
    try:
        seed = int(record.header["seed"])
    except (TypeError, ValueError):
        raise RestoreError(f"{record.path}:1: the header's seed is not a number") from None
    conductor = Conductor(checked.scenario, _seats(record), seed)
    logged_events = record.events_by_move()
    start = [e.to_data() for e in conductor.game.events]
    if start != _plain(logged_events.get(0, [])) and not force:
        raise RestoreError(f"{record.path}: the engine does not start the exercise the way the "
                           "log says (a different program version or scenario?); use --force")
    count = 0
    for item in record.records:
        if item["type"] == "reaction":
            conductor.replay_reaction(str(item.get("text", "")))
        elif item["type"] == "note":
            conductor.notes.append({k: item.get(k) for k in ("text", "round", "phase", "t")})
        if item["type"] != "move":
            continue
        logged = record.moves[count]
        count += 1
        try:
            events = conductor.replay(logged)
        except Exception as exc:  # an illegal move in the log: it was not made by this engine
            raise RestoreError(f"{record.path}:{logged.line}: move {logged.number} cannot be "
                               f"made again ({exc})") from None
        if [e.to_data() for e in events] != _plain(logged_events.get(logged.number, [])) \
                and not force:
            raise RestoreError(f"{record.path}:{logged.line}: replaying move {logged.number} "
                               "does not give the events the log recorded; use --force")
    return Restored(conductor, record, scenario_path, warnings)


def resume(path: str | Path, *, force: bool = False) -> Restored:
    """Rebuild a session and keep logging to the same file (a torn last line is cut off)."""
    restored = rebuild(path, force=force)
    record = restored.record
    if record.ended:
        raise RestoreError(f"{record.path}: this exercise has ended; replay it with "
                           f"'exercise replay {record.path}'")
    log = SessionLog.append_to(record.path, moves=len(record.moves),
                               truncate_at=record.good_bytes if record.torn else None)
    log.resumed(record.torn)
    restored.conductor.log = log
    return restored


def unfinished_sessions(limit: int = 50) -> list[SessionRecord]:
    """Logs in the sessions folder whose exercise has not ended, newest first."""
    from exercise.sessions.log import sessions_dir

    folder = sessions_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.jsonl"), reverse=True)[: limit * 4]:
        try:
            record = read_log(path)
        except LogError:
            continue
        if not record.ended:
            found.append(record)
        if len(found) >= limit:
            break
    return found


__all__ = ["RestoreError", "Restored", "begin_log", "event_record", "rebuild", "resume",
           "unfinished_sessions"]
