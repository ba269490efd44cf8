"""When the session log cannot be written, the session stops: say why, then leave.

The log's rule is that the room never sees a move the log does not hold. So when a
write fails (a full disk, a read-only or lost folder), whatever the screen was doing
stops at once: an opaque screen covers the table (the move that could not be written
is never shown), says what happened, where the log is and how to go on, and leaving
it ends the app with a non-zero status. `exercise play` then prints the same line.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from exercise.sessions.log import LogWriteError
from exercise.tui.literal import literal

EXIT_STOPPED = 1


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
