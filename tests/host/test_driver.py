"""The driver that draws a seat's app to a remote terminal (issue 10 items 5, 8, 9).

Several apps on one loop, each bound to its own byte stream; what a client receives,
fed through a terminal emulator, is its own screen. These tests guard the private Textual
parts the driver relies on (the xterm parser's feed and tick, posting a resize, the app's
stdout/stderr redirection): keep ``textual>=8.2,<9``.
"""

from __future__ import annotations

import asyncio

import pyte
import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from exercise.host.driver import MAX_SIZE, Terminal, clamp_size, shared_process_streams


class Demo(App[None]):
    """A small app: says who it is for, counts keys, and closes on Escape."""

    BINDINGS = [Binding("x", "count", "Count"), Binding("escape", "leave", "Leave")]

    def __init__(self, name: str, terminal: Terminal):
        super().__init__(driver_class=terminal.driver_class())
        self.who = name
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Label(f"seat of {self.who}", id="who", markup=False)
        yield Label("pressed 0", id="count")

    def action_count(self) -> None:
        self.count += 1
        self.query_one("#count", Label).update(f"pressed {self.count}")

    def action_leave(self) -> None:
        self.exit()


@pytest.fixture(autouse=True)
def _streams():  # type: ignore[no-untyped-def]
    with shared_process_streams():
        yield


class Screen:
    """What a client sees: the bytes it received, through a terminal emulator."""

    def __init__(self, width: int = 80, height: int = 24):
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)

    def send(self, data: bytes) -> None:
        self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)


async def wait_for(check, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    async def poll() -> None:
        while not check():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), seconds)


async def test_two_apps_on_one_loop_each_draw_to_their_own_client() -> None:
    screens = {name: Screen() for name in ("ukraine", "russia")}
    terminals = {name: Terminal(screen.send) for name, screen in screens.items()}
    apps = {name: Demo(name, terminals[name]) for name in screens}
    tasks = [asyncio.create_task(app.run_async()) for app in apps.values()]
    try:
        await wait_for(lambda: all(f"seat of {n}" in s.text() for n, s in screens.items()))
        assert "russia" not in screens["ukraine"].text()
        terminals["ukraine"].feed("xx")
        await wait_for(lambda: "pressed 2" in screens["ukraine"].text())
        assert "pressed 0" in screens["russia"].text()
        terminals["russia"].resize(100, 30)
        screens["russia"].screen.resize(30, 100)
        await wait_for(lambda: tuple(apps["russia"].size) == (100, 30))
        terminals["ukraine"].feed("\x1b")  # a lone Escape: a key once the delay passes
        await asyncio.wait_for(tasks[0], 5)
        assert not tasks[1].done()
    finally:
        for app in apps.values():
            app.exit()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 5)


async def test_a_client_that_went_away_is_not_an_error() -> None:
    screen = Screen()
    sent = []

    def send(data: bytes) -> None:
        if len(sent) > 3:
            raise BrokenPipeError("the client has gone")
        sent.append(data)
        screen.send(data)

    terminal = Terminal(send)
    app = Demo("us", terminal)
    task = asyncio.create_task(app.run_async())
    await wait_for(lambda: terminal.gone)
    terminal.feed("x")
    app.exit()
    await asyncio.wait_for(task, 5)


def test_sizes_from_clients_are_clamped() -> None:
    assert clamp_size(0, -5) == (20, 8)
    assert clamp_size(10**9, 10**9) == MAX_SIZE
    assert clamp_size("wide", None) == (80, 24)
    assert clamp_size(100.7, "30") == (100, 30)
