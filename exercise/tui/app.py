"""The terminal UI: the only package that imports Textual.

`exercise` opens the scenario picker; `exercise play SCENARIO` starts at seat
assignment, or with `--seat` at the briefing. The app makes the room (the exercise,
its log, its computer seats and timer) and this terminal's station onto it, and moves
between screens when they ask (:mod:`exercise.tui.messages`); the room plays the
exercise, the table screen shows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.screen import Screen

from exercise.tui.base import ExerciseBase
from exercise.tui.messages import (
    BackToPicker,
    BeginTable,
    ExerciseOver,
    ResumeChosen,
    ScenarioChosen,
    SeatsChosen,
)
from exercise.tui.picker import PickerScreen

# The engine, pydantic and the other screens load after the first frame (see picker.py):
# the first screen must paint about as fast as a bare Textual app.
if TYPE_CHECKING:
    from exercise.conduct import Conductor, SeatPlan
    from exercise.guide import Guide
    from exercise.room import Change, Room
    from exercise.scenario.model import Scenario
    from exercise.sessions.log import LogWriteError
    from exercise.sessions.restore import Restored
    from exercise.station import Station, Turns


class ExerciseApp(ExerciseBase):
    """A negotiation exercise in the terminal."""

    def __init__(
        self,
        scenario_path: Path | None = None,
        *,
        scenario: Scenario | None = None,
        seats: Iterable[str] | None = None,
        seed: int | None = None,
        bot_delay: float = 0.8,
        clock: Callable[[], float] = time.monotonic,
        live_clock: bool = True,
        theme: str = "textual-dark",
        log_path: Path | None = None,
        keep_log: bool = True,
        restored: Restored | None = None,
        replay: Restored | None = None,
    ):
        """Set up the app.

        Args:
            scenario_path: start at seat assignment for this scenario (None: the picker).
            scenario: the loaded scenario at that path, if already loaded.
            seats: with a scenario, start at the briefing with these seats played by
                people and the rest by the computer.
            seed: the game's seed (default: from the clock, shown at the debrief).
            bot_delay: seconds a computer seat visibly takes to move.
            clock: the timer's clock (tests freeze it).
            live_clock: tick the timer every second (snapshot tests turn it off).
            theme: textual-dark or textual-light.
            log_path: where to write the session log (default: a new file in the data folder).
            keep_log: write a session log at all.
            restored: a session rebuilt from its log, to go on with at the table.
            replay: a session rebuilt from its log, to step through.
        """
        super().__init__()
        self.start_path = scenario_path
        self.start_scenario = scenario
        self.start_seats = list(seats) if seats is not None else None
        self.seed = seed if seed is not None else int(time.time()) % 100_000
        self.bot_delay = bot_delay
        self.clock = clock
        self.live_clock = live_clock
        self.scenario_path: Path | None = None
        self.scenario: Scenario | None = None
        self.room: Room | None = None
        self.station: Station | None = None
        self.turns: Turns | None = None
        self.guide: Guide | None = None
        self.log_file: Path | None = None  # the session log being written, once open
        self._started = False  # the room plays once the table first opens
        self.log_path = log_path
        self.keep_log = keep_log
        self.restored = restored
        self.replay = replay
        self.log_failure: LogWriteError | None = None  # set when the session had to stop
        self.theme = theme  # before the first screen is styled, so nothing is styled twice

    @property
    def conductor(self) -> Conductor | None:
        """The exercise being played, once it has started."""
        return self.room.conductor if self.room is not None else None

    def get_default_screen(self) -> Screen[Any]:
        """The picker when no scenario was given: the first frame needs no second screen."""
        if self.start_path is None and self.restored is None and self.replay is None:
            return PickerScreen()
        return super().get_default_screen()

    def on_mount(self) -> None:
        if self.restored is not None:
            self.continue_session(self.restored)
            return
        if self.replay is not None:
            from exercise.tui.replay import ReplayScreen

            self._show(ReplayScreen(self.replay))
            return
        if self.start_path is not None:
            from exercise.bots.personas import persona_for
            from exercise.conduct import SeatPlan
            from exercise.guide import find_guide
            from exercise.scenario.loading import check_file

            scenario = self.start_scenario or check_file(self.start_path).scenario
            if scenario is None:  # the command line validates first; this is a safety net
                self.notify(f"{self.start_path} is not a valid scenario", severity="error")
                self.show_picker()
                return
            if self.start_seats is not None:
                self.scenario_path, self.scenario = self.start_path, scenario
                self.guide = find_guide(self.start_path)
                plans = {p.id: SeatPlan(p.id, p.id in self.start_seats, persona_for(p))
                         for p in scenario.parties}
                self.start_exercise(plans)
            else:
                self.choose_scenario(self.start_path, scenario)

    def on_unmount(self) -> None:
        if self.room is not None:
            self.room.close()

    # --- moving between screens ----------------------------------------------------------

    @on(BackToPicker)
    def show_picker(self) -> None:
        """The scenario picker (it reads the bundled scenarios itself)."""
        if self.room is not None:
            self.room.close()
        if isinstance(self.screen_stack[0], PickerScreen):
            while len(self.screen_stack) > 1:
                self.pop_screen()
        else:
            self._show(PickerScreen())

    @on(ScenarioChosen)
    def scenario_chosen(self, message: ScenarioChosen) -> None:
        """The picker chose: seat assignment."""
        self.choose_scenario(message.path, message.scenario)

    def choose_scenario(self, path: Path, scenario: Scenario) -> None:
        """Seat assignment for a scenario."""
        from exercise.guide import find_guide
        from exercise.tui.screens import SeatScreen

        self.scenario_path, self.scenario = path, scenario
        self.guide = find_guide(path)
        self._show(SeatScreen(scenario))

    @on(SeatsChosen)
    def seats_chosen(self, message: SeatsChosen) -> None:
        """Seat assignment is done: the exercise starts."""
        self.start_exercise(message.plans)

    def start_exercise(self, plans: dict[str, SeatPlan]) -> None:
        """Start the exercise: the briefing first."""
        from exercise.conduct import Conductor
        from exercise.tui.screens import BriefingScreen

        assert self.scenario is not None and self.scenario_path is not None
        conductor = Conductor(self.scenario, dict(plans), self.seed)
        if self.keep_log and not self.open_log(conductor, self.scenario_path):
            return
        station, turns = self.make_room(conductor)
        self._show(BriefingScreen(station, turns))

    def make_room(self, conductor: Conductor, timers: list[dict[str, Any]] | None = None
                  ) -> tuple[Station, Turns]:
        """The room around an exercise, and this terminal's station onto it."""
        from exercise.room import Room
        from exercise.station import Station, Turns

        if self.room is not None:
            self.room.close()
        room = Room(conductor, guide=self.guide, clock=self.clock, bot_delay=self.bot_delay)
        if timers:
            room.restore_timer(timers)
        room.subscribe(self.room_changed)
        self.room = room
        self.station = Station.at_this_screen(room)
        self.turns = Turns(self.station)
        self._started = False
        return self.station, self.turns

    def room_changed(self, change: Change) -> None:
        """The room stopped (its log could not be written): cover every screen."""
        if change.kind == "stopped":
            self.call_later(self.room_stopped)

    def room_stopped(self) -> None:
        """Say why the session stopped."""
        if self.room is not None and self.room.failure is not None:
            self.stop_for_log_failure(self.room.failure)

    def open_log(self, conductor: Conductor, scenario_path: Path) -> bool:
        """Start the session log and say where it is; False if the session had to stop."""
        from exercise.sessions.log import LogWriteError
        from exercise.sessions.restore import begin_log

        try:
            log = begin_log(conductor, scenario_path, path=self.log_path, mode="play")
        except LogWriteError as error:
            self.stop_for_log_failure(error)
            return False
        except OSError as exc:
            self.notify(f"No session log could be written ({exc}); this session will not "
                        "survive a crash.", title="Session log", severity="error", timeout=12)
            return True
        self.log_file = log.path
        self.notify(f"Session log: {log.path}", title="Recording", timeout=6)
        return True

    def stop_for_log_failure(self, error: LogWriteError) -> None:
        """A session-log write failed: nothing more is written or shown; a screen says why,
        and leaving it ends the app with a non-zero status (see :mod:`exercise.tui.stopped`).
        """
        from exercise.tui.stopped import SessionStopped

        if self.log_failure is not None:
            return
        self.log_failure = error
        if self.room is not None:
            self.room.close()
        conductor = self.conductor
        if conductor is not None and conductor.log is not None:
            log, conductor.log = conductor.log, None  # no later move may reach the log
            with contextlib.suppress(OSError, ValueError):  # the disk may still be full
                log.close()
        self.push_screen(SessionStopped(error))

    @on(ResumeChosen)
    def resume_chosen(self, message: ResumeChosen) -> None:
        """The picker's list chose a session to go on with."""
        self.continue_session(message.restored)

    def continue_session(self, restored: Restored) -> None:
        """Go on with a session rebuilt from its log, at the table."""
        from exercise.guide import find_guide

        self.scenario = restored.conductor.scenario
        self.scenario_path = restored.scenario_path
        self.guide = find_guide(restored.scenario_path)
        if restored.conductor.log is not None:
            self.log_file = restored.conductor.log.path
        self.make_room(restored.conductor, restored.record.timers)
        game = restored.conductor.game
        for warning in restored.warnings:
            self.notify(warning, title="Resumed", severity="warning", timeout=10)
        self.notify(f"Resumed {restored.record.path.name}: round {game.round}, {game.phase}.",
                    title="Resumed", timeout=8)
        self.open_table(story=True)

    @on(BeginTable)
    def begin_table(self) -> None:
        """The briefing is read: to the table."""
        self.open_table()

    def open_table(self, *, story: bool = False) -> None:
        """The negotiation table; the room starts playing (computer seats, the timer) when
        it first opens. ``story``: one "story so far" card first (a resume)."""
        from exercise.tui.table import TableScreen

        assert self.room is not None and self.station is not None and self.turns is not None
        if not self._started:
            self._started = True
            self.room.start(asyncio.get_running_loop())
        self._show(TableScreen(self.station, self.turns, clock=self.clock,
                               live_clock=self.live_clock, story=story))

    @on(ExerciseOver)
    def show_debrief(self) -> None:
        """Ratification and debrief."""
        from exercise.tui.screens import DebriefScreen

        assert self.station is not None
        self._show(DebriefScreen(self.station.view(), log=self.log_file))
