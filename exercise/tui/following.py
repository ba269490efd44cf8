"""A screen that follows a room: subscribed while it is up, redrawn once per burst of
changes, with a once-a-second tick for clocks.

The room tells its subscribers after every change, sometimes in the middle of a move
made from this very screen; the screen only notes that a redraw is due and draws when
the current message is done, so a burst of changes (a vote that resolves a round and
starts the next) is one redraw, not many. A screen under a dialog (a news card, a
ballot) is not drawn at all until it is on top again: Textual repaints a dimmed screen
under a modal in full at every change, which on a host serving many seats from one core
is the costliest thing it can do. The footer's keys are refreshed only when what they
offer changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.binding import Binding

from exercise.room import Change
from exercise.station import Station
from exercise.tui.help import HelpfulScreen


class RoomScreen(HelpfulScreen):
    """A screen drawn from a station's view of a room, for as long as it is mounted.

    Subclasses draw in :meth:`render_view`, may set up in :meth:`setup`, and hear of each
    redraw in :meth:`changed`, of the clock in :meth:`tick` and of the end of a
    discussion's time in :meth:`time_up`.
    """

    def __init__(self, station: Station, *, clock: Callable[[], float] = time.monotonic,
                 live_clock: bool = True):
        super().__init__()
        self.station = station
        self.clock = clock
        self.live_clock = live_clock
        self._unsubscribe: Callable[[], None] | None = None
        self._due = False
        self._stale = True  # drawn in full when it first comes on top
        self._covered = False  # a screen is on top of this one
        self._offered: tuple[bool | None, ...] = ()

    def on_mount(self) -> None:
        self.setup()
        self._unsubscribe = self.station.room.subscribe(self.room_changed)
        if self.live_clock:
            self.set_interval(1.0, self._tick)
        self.render_view()
        self.changed()

    def on_screen_resume(self) -> None:
        """On top again: draw what changed meanwhile."""
        self._covered = False
        if self._stale:
            self._stale = False
            self.render_view()
        self.resumed()

    def on_screen_suspend(self) -> None:
        self._covered = True
        self.suspended()

    def _tick(self) -> None:
        if not self._covered:
            self.tick()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def room_changed(self, change: Change) -> None:
        """The room changed: redraw once the current message is done."""
        if change.kind == "time_up":
            self.call_later(self.time_up)
        if not self._due:
            self._due = True
            self.call_later(self._redraw)

    def _redraw(self) -> None:
        self._due = False
        if self._covered or self.about_to_be_covered():
            self._stale = True
        else:
            self.render_view()
        self.changed()

    def draw_if_stale(self) -> None:
        """Draw now if a draw was put off and nothing covers the screen after all."""
        if self._stale and not self._covered:
            self._stale = False
            self.render_view()

    def offer_keys(self) -> None:
        """Refresh the footer (and the palette) when the keys on offer have changed."""
        offered = tuple(self.check_action(str(binding.action), ())
                        for binding in self._bindings_shown())
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    def _bindings_shown(self) -> list[Binding]:
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    def setup(self) -> None:
        """Before the first draw (focus, titles, columns)."""

    def about_to_be_covered(self) -> bool:
        """Whether a screen is about to open over this one (a news card that has just
        arrived): then the redraw waits until it is on top again, since drawing it under
        the card would be wasted (at a new round, on every seat's screen at once)."""
        return False

    def render_view(self) -> None:
        """Draw the station's view."""

    def changed(self) -> None:
        """After each redraw caused by the room (and after the first)."""

    def tick(self) -> None:
        """Once a second, when the clock is live."""

    def time_up(self) -> None:
        """The discussion's time is up."""

    def resumed(self) -> None:
        """The screen is on top again (after a dialog)."""

    def suspended(self) -> None:
        """A screen was pushed over this one."""
