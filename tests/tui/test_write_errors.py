"""A session log that cannot be written ends the session in the terminal UI cleanly.

The log's write is made to fail (as on a full disk) at each kind of write the UI causes:
a person's move, a computer seat's move, a facilitator's note, a timer change and the
log's very start. Each time the UI must cover the table with the message (the log's
path and how to resume), write nothing more, and leave with a non-zero status.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exercise.play import run_app
from exercise.sessions.log import LogWriteError, SessionLog
from exercise.tui.app import ExerciseApp
from exercise.tui.facilitator import FacilitatorConsole
from exercise.tui.screens import BriefingScreen
from exercise.tui.stopped import SessionStopped
from exercise.tui.table import TableScreen

from .helpers import make_app, screen_text, settle

REASON = "No space left on device"


def break_log(log: SessionLog, writes: list[object]) -> None:
    """From now on every write to ``log`` fails as on a full disk (and is counted)."""

    def write(records: Any) -> None:
        writes.append(records)
        raise LogWriteError(log.path, REASON, log.moves)

    log.write = write  # type: ignore[method-assign]


async def stopped_then_left(app: ExerciseApp, pilot: Any, log: Path) -> str:
    """Check the session stopped on its message; leave it; return the message shown."""
    await settle(pilot)
    assert isinstance(app.screen, SessionStopped)
    # The message as read, its lines joined (without the box's border).
    text = " ".join(screen_text(app).replace("║", " ").split())
    assert "The session has stopped" in text
    assert f"could not be written ({REASON})" in text
    assert f"exercise resume {log}" in text
    assert app.conductor is None or app.conductor.log is None  # nothing more is written
    await pilot.press("enter")
    await settle(pilot)
    return text


async def at_the_table(app: ExerciseApp, pilot: Any, writes: list[object]) -> TableScreen:
    """From the briefing to the table, the log breaking just before."""
    await settle(pilot)
    assert isinstance(app.screen, BriefingScreen) and app.conductor is not None
    assert app.conductor.log is not None
    break_log(app.conductor.log, writes)
    await pilot.press("enter")
    await settle(pilot)
    return next(s for s in app.screen_stack if isinstance(s, TableScreen))


async def test_a_failed_write_of_a_persons_move_stops_the_session(tmp_path, monkeypatch):
    """Promise 9 (write errors): when the log cannot take a person's move, the table is
    covered by the message (log path, `exercise resume LOG`), the move is not shown as
    made, and leaving ends the app with a non-zero status."""
    monkeypatch.chdir(tmp_path)  # a short path, as typed
    log = Path("move.jsonl")
    app = make_app("tutorial", ["us"], seed=5, keep_log=True, log_path=log)  # US proposes
    writes: list[object] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.conductor is not None and app.conductor.log is not None
        await pilot.press("enter")
        await settle(pilot)
        break_log(app.conductor.log, writes)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("x")  # pass: the move the log cannot hold
        text = await stopped_then_left(app, pilot, log)
        assert "passes" not in text
    assert len(writes) == 1
    assert app.return_code == 1


async def test_a_failed_write_of_a_computer_move_stops_the_session(tmp_path, monkeypatch):
    """Promise 9 (write errors): when the log cannot take a computer seat's move (made on
    a timer, not a key), the session stops the same way and no further move is tried."""
    monkeypatch.chdir(tmp_path)  # a short path, as typed
    log = Path("computer.jsonl")
    app = make_app("tutorial", ["ukraine"], seed=2, keep_log=True, log_path=log)
    writes: list[object] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await at_the_table(app, pilot, writes)  # the US proposes at once
        await stopped_then_left(app, pilot, log)
        assert app.room is not None
        assert app.room.step() is None  # a late timer: it must not move or write
    assert len(writes) == 1
    assert app.return_code == 1


async def test_a_failed_write_of_a_note_stops_the_session(tmp_path, monkeypatch):
    """Promise 9 (write errors): when the log cannot take the facilitator's note, the
    session stops with the message instead of crashing the app."""
    monkeypatch.chdir(tmp_path)  # a short path, as typed
    log = Path("note.jsonl")
    app = make_app("tutorial", ["us"], seed=5, keep_log=True, log_path=log)
    writes: list[object] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await at_the_table(app, pilot, writes)
        await pilot.press("f", "n")
        await settle(pilot)
        await pilot.press(*"Russia stalls", "enter")
        await stopped_then_left(app, pilot, log)
    assert len(writes) == 1
    assert app.return_code == 1


async def test_a_failed_write_of_a_timer_change_stops_the_session(tmp_path, monkeypatch):
    """Promise 9 (write errors): pausing the discussion timer from the facilitator's
    console when the log cannot take it stops the session with the message."""
    monkeypatch.chdir(tmp_path)  # a short path, as typed
    log = Path("timer.jsonl")
    app = make_app("tutorial", ["us"], seed=5, keep_log=True, log_path=log)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p", "space", "t")  # table the first element: discussion
        await settle(pilot)
        assert app.conductor is not None and app.conductor.log is not None
        writes: list[object] = []
        break_log(app.conductor.log, writes)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FacilitatorConsole)
        await pilot.press("space")  # pause the timer
        await stopped_then_left(app, pilot, log)
    assert len(writes) == 1
    assert app.return_code == 1


async def test_a_log_that_cannot_be_started_stops_before_the_briefing(tmp_path,
                                                                      monkeypatch):
    """Promise 9 (write errors): when the session log cannot even be started, the app
    says so at once (nothing is played unrecorded) and leaves with a non-zero status."""
    monkeypatch.chdir(tmp_path)  # a short path, as typed
    log = Path("start.jsonl")

    def begin_log(*_: object, **__: object) -> SessionLog:
        raise LogWriteError(log, REASON, 0)

    monkeypatch.setattr("exercise.sessions.restore.begin_log", begin_log)
    app = make_app("tutorial", ["ukraine"], seed=2, keep_log=True, log_path=log)
    async with app.run_test(size=(100, 30)) as pilot:
        await stopped_then_left(app, pilot, log)
        assert not any(isinstance(s, BriefingScreen) for s in app.screen_stack)
    assert app.return_code == 1


class Ran:
    """Stands in for the app: what `run_app` reads once the app has closed."""

    def __init__(self, return_code: int | None, failure: LogWriteError | None = None):
        self.return_code = return_code
        self.log_failure = failure
        self.conductor = None

    def run(self) -> None:
        """The app ran and closed."""


@pytest.mark.parametrize(("return_code", "failure", "status"), [
    (None, None, 0),
    (0, None, 0),
    (1, None, 1),  # the app crashed (Textual sets 1 after an unhandled exception)
    (1, LogWriteError(Path("s/x.jsonl"), REASON, 3), 1),
    (None, LogWriteError(Path("s/x.jsonl"), REASON, 3), 1),  # left by another way
])
def test_play_exits_non_zero_when_its_ui_crashed_or_stopped(capsys, return_code, failure,
                                                             status):
    """Promise 9 (write errors): `exercise play` returns the app's status: non-zero after a
    crash, and after a log failure it also prints that one line on stderr."""
    assert run_app(Ran(return_code, failure), "exercise play") == status  # type: ignore[arg-type]
    err = capsys.readouterr().err
    if failure is None:
        assert err == ""
    else:
        assert err.count("\n") == 1 and err.startswith("exercise play: the session log")
        assert "exercise resume s/x.jsonl" in err
