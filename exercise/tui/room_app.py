"""One screen of a hosted exercise: an app bound to one viewer of the room.

``exercise host`` runs one of these per connection (a delegation's seat, the projector,
the facilitator), all on the host's one asyncio loop and all on the same
:class:`~exercise.room.Room`, plus one on the host's own terminal for the facilitator.
Each shows only its viewer's view:

- a **seat**: the briefing with its private brief, then the table as that delegation
  sees it (its own values and score, its private news); its proposals and ballots go
  to the room, which refuses anything not its own; then the debrief. A seat that joins
  after the first vote reads one "story so far" instead of the briefing.
- the **projector** (:data:`~exercise.view.PUBLIC`): the public table and a big clock.
- the **facilitator**: the dashboard (every seat's state, the room's controls, codes).

None of them can write on the host but the facilitator's report, and none prints:
:func:`exercise.host.driver.prepare_seat_app` sees to the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual import on

from exercise.room import Change
from exercise.station import FACILITATOR, PUBLIC, Station, Turns
from exercise.tui.base import ExerciseBase
from exercise.tui.dashboard import DashboardScreen, HostControls
from exercise.tui.messages import BeginTable, ExerciseOver
from exercise.tui.projector import ProjectorScreen
from exercise.tui.screens import BriefingScreen, DebriefScreen
from exercise.tui.table import TableScreen

LEAVE = "Leave this screen? You can come back with the same code."


class RoomApp(ExerciseBase):
    """The screen of one viewer of a hosted room."""

    # A dialog here hides the table behind it instead of dimming it: a dimmed table is
    # repainted in full under the dialog at every change, and at a new round every seat's
    # news card opens at once, on the host's one core.
    CSS = """
    ModalScreen {
        background: $background;
    }
    """

    def __init__(self, station: Station, *, controls: HostControls | None = None,
                 join: str = "", clock: Callable[[], float] = time.monotonic,
                 live_clock: bool = True, log_file: Path | None = None,
                 theme: str = "textual-dark"):
        """The app of ``station``'s viewer.

        Args:
            station: the viewer's place in the room (:meth:`Station.for_viewer`).
            controls: the host's codes and stop (the facilitator's screen only).
            join: how students join, for the projector (an address, never a code).
            clock: the room's clock.
            live_clock: tick timers once a second (tests turn it off).
            log_file: the session log, for the facilitator's report.
            theme: textual-dark or textual-light.
        """
        super().__init__()
        self.station = station
        self.turns = Turns(station)
        self.controls = controls
        self.join = join
        self.clock = clock
        self.live_clock = live_clock
        self.log_file = log_file
        self._unsubscribe: Callable[[], None] | None = None
        self.theme = theme

    @property
    def viewer(self) -> str:
        """Whose screen this is."""
        return self.station.home

    def on_mount(self) -> None:
        self._unsubscribe = self.station.room.subscribe(self.room_changed)
        self.sub_title = self.station.name(self.viewer) if self.viewer not in (
            PUBLIC, FACILITATOR) else ("projector" if self.viewer == PUBLIC else "facilitator")
        view = self.station.view()
        if view.over:
            self.show_debrief()
        elif self.viewer == PUBLIC:
            self._show(ProjectorScreen(self.station, join=self.join, clock=self.clock,
                                       live_clock=self.live_clock))
        elif self.viewer == FACILITATOR:
            self._show(DashboardScreen(self.station, self.controls, clock=self.clock,
                                       live_clock=self.live_clock))
        elif view.history or view.round > 1:
            self.open_table(story=True)  # joined late: one story so far
        else:
            self._show(BriefingScreen(self.station, self.turns))
        if self.station.room.stopped is not None:
            self.room_stopped()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    @on(BeginTable)
    def begin_table(self) -> None:
        """The briefing is read: to the table."""
        self.open_table()

    def open_table(self, *, story: bool = False) -> None:
        """The table as this seat sees it."""
        self._show(TableScreen(self.station, self.turns, clock=self.clock,
                               live_clock=self.live_clock, story=story, quit_question=LEAVE))

    @on(ExerciseOver)
    def show_debrief(self) -> None:
        """The debrief: everything revealed, for everyone."""
        files = self.station.files
        self._show(DebriefScreen(self.station.view(), log=self.log_file if files else None,
                                 files=files, again=False))

    def room_changed(self, change: Change) -> None:
        """The room stopped (its log could not be written): say so."""
        if change.kind == "stopped":
            self.call_later(self.room_stopped)

    def room_stopped(self) -> None:
        """Say why the session stopped."""
        from exercise.tui.stopped import SessionStopped

        failure = self.station.room.failure
        if failure is not None and not isinstance(self.screen, SessionStopped):
            self.push_screen(SessionStopped(failure))
