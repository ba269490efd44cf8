"""When the session log cannot be written, the session stops: say why, then leave.

The log's rule is that the room never sees a move the log does not hold. So when a
write fails (a full disk, a read-only or lost folder), whatever the screen was doing
stops at once: an opaque screen covers the table (the move that could not be written
is never shown), says what happened, where the log is and how to go on, and leaving
it ends the app with a non-zero status. `exercise play` then prints the same line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from exercise.sessions.log import LogWriteError
from exercise.tui.help import app_of
from exercise.tui.literal import literal

EXIT_STOPPED = 1

P = ParamSpec("P")
S = TypeVar("S", bound=Screen[Any])


def stops_on_log_failure(method: Callable[Concatenate[S, P], None]
                         ) -> Callable[Concatenate[S, P], None]:
    """A screen method that writes to the session log: a failed write stops the session
    (see :meth:`ExerciseApp.stop_for_log_failure`) instead of crashing the app."""

    @functools.wraps(method)
    def run(screen: S, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            method(screen, *args, **kwargs)
        except LogWriteError as error:
            app_of(screen).stop_for_log_failure(error)

    return run


class SessionStopped(Screen[None]):
    """The session log could not be written: the message, then leave."""

    CSS_PATH = "exercise.tcss"

    BINDINGS = [Binding("enter,escape,q", "leave", "Leave", id="leave")]

    def __init__(self, error: LogWriteError):
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="stopped"):
            yield Static("The session has stopped", classes="handover-title")
            text = str(self.error)
            yield Static(literal(text[:1].upper() + text[1:]), id="stopped-why")
            yield Static("Press Enter to leave; the message is printed in the terminal too.",
                         classes="handover-hint")
            yield Button("Leave (enter)", id="do-leave", action="screen.leave",
                         variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Session stopped"

    def action_leave(self) -> None:
        """End the app with a non-zero status."""
        self.app.exit(return_code=EXIT_STOPPED)
