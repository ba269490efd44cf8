"""Seats over SSH on 127.0.0.1 (issue 10 items 5, 6, 8, 9): the code is the password; a
wrong one is refused and rate-limited; the newest connection for a seat wins and the old
one is told why; a crash in one seat's app closes that seat only, with a one-line reason."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncssh
import pyte
import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from exercise.host.codes import Codes, RateLimiter
from exercise.host.driver import shared_process_streams
from exercise.host.remote import RemoteApp
from exercise.host.seats import Connection, Seats
from exercise.host.ssh import start_ssh


class Demo(RemoteApp):
    BINDINGS = [Binding("x", "count", "Count"), Binding("b", "boom", "Break")]

    def __init__(self, viewer: str, connection: Connection):
        super().__init__(driver_class=connection.terminal.driver_class())
        self.viewer, self.count = viewer, 0

    def compose(self) -> ComposeResult:
        yield Label(f"seat of {self.viewer}", markup=False)
        yield Label("pressed 0", id="count")

    def action_count(self) -> None:
        self.count += 1
        self.query_one("#count", Label).update(f"pressed {self.count}")

    def action_boom(self) -> None:
        raise RuntimeError("a bug in this seat's screen")


class Client:
    """An ssh client with a pty, and what its screen shows."""

    def __init__(self, conn: Any, process: Any):
        self.conn, self.process = conn, process
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            data = await self.process.stdout.read(65536)
            if not data:
                return
            self.raw += data
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)


async def connect(port: int, code: str) -> Client:
    conn = await asyncssh.connect("127.0.0.1", port, username="student", password=code,
                                  known_hosts=None, client_keys=None, agent_path=None)
    process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24),
                                        encoding=None)
    return Client(conn, process)


async def until(check: Any, seconds: float = 10) -> None:
    async def poll() -> None:
        while not check():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), seconds)


@pytest.fixture
async def server(tmp_path: Path) -> Any:
    with shared_process_streams():
        codes = Codes.create(["ukraine", "russia", "facilitator"])
        now = [0.0]
        limiter = RateLimiter(allowed=3, clock=lambda: now[0])
        seats = Seats(lambda viewer, conn: Demo(viewer, conn))
        ssh = await start_ssh(seats, codes, host="127.0.0.1", port=0,
                              key_folder=tmp_path / "keys", limiter=limiter)
        port = ssh.sockets[0].getsockname()[1]
        yield port, codes, seats
        await seats.close_all("the host is stopping")
        ssh.close()
        await ssh.wait_closed()


async def test_two_seats_over_ssh_each_see_their_own_screen(server: Any) -> None:
    port, codes, seats = server
    ukraine = await connect(port, codes.by_viewer["ukraine"])
    russia = await connect(port, codes.by_viewer["russia"].lower())
    await until(lambda: "seat of ukraine" in ukraine.text() and "seat of russia" in russia.text())
    ukraine.process.stdin.write(b"xx")
    await until(lambda: "pressed 2" in ukraine.text())
    assert "pressed 0" in russia.text() and "ukraine" not in russia.text()
    russia.process.change_terminal_size(100, 30)
    await until(lambda: tuple(seats.apps["russia"].size) == (100, 30))
    for client in (ukraine, russia):
        client.conn.close()


async def test_a_wrong_code_is_refused_and_guessing_is_held_off(server: Any) -> None:
    port, codes, _ = server
    for _ in range(3):
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(port, "WRONG2")
    with pytest.raises(asyncssh.PermissionDenied):  # now even the right code waits
        await connect(port, codes.by_viewer["ukraine"])


async def test_the_newest_connection_takes_the_seat(server: Any) -> None:
    port, codes, _ = server
    first = await connect(port, codes.by_viewer["ukraine"])
    await until(lambda: "seat of ukraine" in first.text())
    second = await connect(port, codes.by_viewer["ukraine"])
    await until(lambda: "seat of ukraine" in second.text())
    await asyncio.wait_for(first.task, 10)
    assert b"Someone joined this seat from another screen" in first.raw
    second.process.stdin.write(b"x")
    await until(lambda: "pressed 1" in second.text())
    second.conn.close()


async def test_a_crash_closes_that_seat_only(server: Any) -> None:
    port, codes, _ = server
    ukraine = await connect(port, codes.by_viewer["ukraine"])
    russia = await connect(port, codes.by_viewer["russia"])
    await until(lambda: "seat of ukraine" in ukraine.text() and "seat of russia" in russia.text())
    ukraine.process.stdin.write(b"b")
    await asyncio.wait_for(ukraine.task, 10)
    assert b"This screen stopped because of an error" in ukraine.raw
    assert b"Traceback" not in ukraine.raw and b"a bug in" not in ukraine.raw
    russia.process.stdin.write(b"x")
    await until(lambda: "pressed 1" in russia.text())
    russia.conn.close()
