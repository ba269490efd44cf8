"""The seat driver, without a network: a demo app drawing on a fake link."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pyte
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from exercise.host.driver import (
    HIGH_WATER,
    SEAT_COMMANDS,
    SeatTerminal,
    clamp_size,
    prepare_seat_app,
)

from .conftest import WAIT
from .demo import DemoSeat


class FakeLink:
    """A link that keeps what it is sent and reports whatever backlog the test sets."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.waiting = 0
        self.broken = False

    def send(self, data: bytes) -> None:
        if self.broken:
            raise BrokenPipeError
        self.sent.append(data)

    def backlog(self) -> int:
        return self.waiting

    def screen(self, start: int = 0, size: tuple[int, int] = (80, 24)) -> str:
        """The screen drawn by what was sent from the ``start``-th send on."""
        screen = pyte.Screen(*size)
        stream = pyte.ByteStream(screen)
        for data in self.sent[start:]:
            stream.feed(data)
        return "\n".join(line.rstrip() for line in screen.display)


async def until(test, what: str) -> None:
    """Wait (bounded) until ``test()`` holds."""
    try:
        async with asyncio.timeout(WAIT):
            while not test():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"never: {what}") from None


@asynccontextmanager
async def seat(size: tuple[int, int] = (80, 24)) -> AsyncIterator[tuple[DemoSeat, SeatTerminal,
                                                                        FakeLink]]:
    """The demo app running on a terminal over a :class:`FakeLink`."""
    link = FakeLink()
    terminal = SeatTerminal(link, size)
    app = DemoSeat("ukraine", None)  # type: ignore[arg-type]
    prepare_seat_app(app, terminal)
    running = asyncio.ensure_future(app.run_async())
    async with asyncio.timeout(WAIT):
        await terminal.first_frame.wait()
    try:
        yield app, terminal, link
    finally:
        app.exit()
        async with asyncio.timeout(WAIT):
            await running


def test_sizes_are_clamped_to_sane_bounds():
    """Tiny, huge and negative claims land within 20x6 .. 240x80."""
    assert clamp_size(80, 24) == (80, 24)
    assert clamp_size(0, -5) == (20, 6)
    assert clamp_size(10**9, 10**9) == (240, 80)


async def test_a_slow_client_skips_to_the_present_instead_of_queueing_frames():
    """While the client's backlog is over the cap, frames are dropped; once it drains,
    the client is sent a whole screen that shows the latest state by itself."""
    async with seat() as (_app, terminal, link):
        await until(lambda: "Seat: ukraine" in link.screen(), "the first screen")
        link.waiting = HIGH_WATER + 1
        sent_before = len(link.sent)
        terminal.feed("a")
        await until(lambda: terminal.frames_dropped > 0, "a dropped frame")
        assert len(link.sent) == sent_before
        link.waiting = 0
        mark = len(link.sent)
        terminal.drained()
        await until(lambda: "Last key: a" in link.screen(mark), "a whole fresh screen")
        assert "Seat: ukraine" in link.screen(mark)


async def test_a_size_reported_in_band_is_clamped_too():
    """A client sending an in-band resize report cannot make the app huge."""
    async with seat() as (app, terminal, _link):
        terminal.feed("\x1b[48;5000;9000;0;0t")
        await until(lambda: app.size == (240, 80), "the clamped size")


async def test_a_write_to_a_vanished_client_is_absorbed():
    """When the link refuses a write (the client has gone), the app is not disturbed."""
    async with seat() as (app, terminal, link):
        link.broken = True
        terminal.feed("q")
        await until(lambda: terminal.gone, "the link marked gone")
        assert app.is_running


async def test_a_seat_app_leaves_the_process_streams_and_the_host_terminal_alone(capfd):
    """While seat apps run, sys.stdout/stderr stay the process's own; a crash writes
    nothing on the host's terminal."""
    before = (sys.stdout, sys.stderr)
    async with seat() as (app, terminal, _link):
        assert (sys.stdout, sys.stderr) == before
        terminal.feed("!")  # the demo app raises
        await until(lambda: not app.is_running, "the crashed app to stop")
    assert (sys.stdout, sys.stderr) == before
    out, err = capfd.readouterr()
    assert out == "" and err == ""


async def test_a_seat_app_cannot_save_files_on_the_host_or_open_a_browser(tmp_path):
    """A screenshot delivery is refused (nothing written), and open_url does nothing."""
    async with seat() as (app, _terminal, _link):
        app.deliver_screenshot(path=str(tmp_path))
        app.open_url("https://example.org")
        await asyncio.sleep(0.2)
        assert list(tmp_path.iterdir()) == []
        assert not app._driver.can_suspend


async def test_the_palette_of_a_seat_app_offers_no_screenshot():
    """The demo app normally offers "Screenshot"; made a seat's app, it offers only the
    allowed commands."""
    plain = DemoSeat("ukraine", None)  # type: ignore[arg-type]
    async with plain.run_test():
        titles = {command.title for command in plain.get_system_commands(plain.screen)}
    assert "Screenshot" in titles
    seat_app = DemoSeat("ukraine", None)  # type: ignore[arg-type]
    prepare_seat_app(seat_app, SeatTerminal(FakeLink()))
    async with seat_app.run_test():
        titles = {command.title for command in seat_app.get_system_commands(seat_app.screen)}
    assert titles and titles <= SEAT_COMMANDS
    assert "Screenshot" not in titles


def test_devtools_and_debug_are_off_for_a_seat_app(monkeypatch: pytest.MonkeyPatch):
    """Even when the host runs with TEXTUAL=devtools,debug, a seat's app has neither."""
    monkeypatch.setenv("TEXTUAL", "devtools,debug")
    app = DemoSeat("ukraine", None)  # type: ignore[arg-type]
    assert {"devtools", "debug"} <= app.features
    prepare_seat_app(app, SeatTerminal(FakeLink()))
    assert not {"devtools", "debug"} & app.features
    assert app.devtools is None


async def test_a_closed_seats_app_is_freed():
    """Once a seat's connection has ended, nothing keeps its app alive (Textual's cache of
    parsed keys held every parser that had read a key, and each parser its app)."""
    import gc
    import weakref

    async with seat() as (app, terminal, link):
        await until(lambda: "Seat: ukraine" in link.screen(), "the first screen")
        terminal.feed("a")
        await until(lambda: "Last key: a" in link.screen(), "the key")
        gone = weakref.ref(app)
    terminal.restore()
    del app, terminal
    gc.collect()
    assert gone() is None


async def test_a_control_character_the_app_draws_never_reaches_the_client():
    """Text the app draws as it was typed (a pasted C1 CSI, a shift-out) reaches the client
    without the control; the escape sequences Textual itself writes go through."""
    async with seat() as (app, _terminal, link):
        start = len(link.sent)
        app.query_one("#key").update("Last key: x\x9b31my\x0ez")
        await until(lambda: b"x31myz" in b"".join(link.sent[start:]), "the text drawn")
        sent = b"".join(link.sent[start:])
        assert "\x9b".encode() not in sent and b"\x0e" not in sent
        assert b"\x1b[" in sent
        assert "Last key: x31myz" in link.screen()


class TwoFields(App[None]):
    """Two text fields (Tab moves from the first to the second)."""

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")


async def test_keys_that_arrive_together_go_where_the_keys_before_them_sent_the_focus():
    """A Tab and the letters typed after it arrive in one packet (a slow link catching
    up): the letters land in the field the Tab moved to, not the one it left, in order."""
    link = FakeLink()
    terminal = SeatTerminal(link, (80, 24))
    app = TwoFields()
    prepare_seat_app(app, terminal)
    running = asyncio.ensure_future(app.run_async())
    try:
        async with asyncio.timeout(WAIT):
            await terminal.first_frame.wait()
        await until(lambda: app.focused is not None, "the first field focused")
        terminal.feed(b"ab\tcdef")
        second = app.query_one("#second", Input)
        await until(lambda: second.value == "cdef", "the letters in the second field")
        assert app.query_one("#first", Input).value == "ab"
    finally:
        app.exit()
        async with asyncio.timeout(WAIT):
            await running
