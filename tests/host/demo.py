"""A small seat app for the host's tests: it shows its viewer, the last key and its size."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static

from exercise.host.seats import SeatSession


class DemoSeat(App[None]):
    """Shows ``Seat: <viewer>``, ``Last key: <key>`` and ``Size: <w>x<h>``; ``!`` crashes."""

    def __init__(self, viewer: str, session: SeatSession) -> None:
        super().__init__()
        self.viewer = viewer
        self.session = session
        self.keys: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(f"Seat: {self.viewer}", id="who", markup=False)
        yield Static("Last key: none", id="key", markup=False)
        yield Static("Size: ?", id="size", markup=False)

    def on_key(self, event: events.Key) -> None:
        self.keys.append(event.key)
        if event.key == "exclamation_mark":
            raise RuntimeError("the demo seat was told to crash")
        self.query_one("#key", Static).update(f"Last key: {event.key}")

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#size", Static).update(f"Size: {event.size.width}x{event.size.height}")


def demo_factory(viewer: str, session: SeatSession) -> DemoSeat:
    """The app factory the tests give the host."""
    return DemoSeat(viewer, session)
