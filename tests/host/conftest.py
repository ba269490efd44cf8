"""A host on 127.0.0.1 with demo seat apps, and SSH and browser-like clients that keep a
terminal screen (pyte) of what they were sent. Every wait is bounded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import asyncssh
import pyte
import pytest

from exercise.host.codes import FACILITATOR, PUBLIC, FailureLimiter, JoinCodes
from exercise.host.server import Host

from .demo import demo_factory

VIEWERS = ["ukraine", "russia", PUBLIC, FACILITATOR]
WAIT = 15.0
"""Seconds any one expectation may take before the test fails (loaded CI machines)."""


class FakeClock:
    """A clock the tests move by hand (for the rate limiter)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Screen:
    """A terminal screen fed with the bytes a client received."""

    def __init__(self, width: int = 80, height: int = 24) -> None:
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.received = bytearray()

    def feed(self, data: bytes) -> None:
        self.received += data
        self.stream.feed(data)

    def resize(self, width: int, height: int) -> None:
        self.screen.resize(height, width)

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    async def shows(self, wanted: str | Callable[[str], bool], what: str = "") -> None:
        """Wait until the screen shows ``wanted`` (a substring or a test of the text)."""
        test = wanted if callable(wanted) else (lambda text: wanted in text)
        try:
            async with asyncio.timeout(WAIT):
                while not test(self.text):
                    await asyncio.sleep(0.02)
        except TimeoutError:
            raise AssertionError(f"the screen never showed {what or wanted!r}:\n"
                                 f"{self.text}") from None


class SshSeat(asyncssh.SSHClientSession[bytes]):
    """An SSH client session drawing on a :class:`Screen`."""

    def __init__(self) -> None:
        self.view = Screen()
        self.closed = asyncio.Event()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.view.feed(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()


class SshClient:
    """One ``ssh`` connection to the host with a terminal."""

    def __init__(self, conn: asyncssh.SSHClientConnection,
                 channel: asyncssh.SSHClientChannel[bytes], seat: SshSeat) -> None:
        self.conn = conn
        self.channel = channel
        self.seat = seat
        self.view = seat.view

    def press(self, data: bytes) -> None:
        self.channel.write(data)

    def resize(self, width: int, height: int) -> None:
        self.view.resize(width, height)
        self.channel.change_terminal_size(width, height)

    async def closed(self) -> None:
        async with asyncio.timeout(WAIT):
            await self.seat.closed.wait()

    def close(self) -> None:
        self.conn.close()


class WebClient:
    """A page's websocket to the host, speaking textual-serve's page protocol."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.view = Screen()
        self.texts: list[Any] = []
        self.ended = asyncio.Event()
        self.close_reason = ""
        """The message the host closed the websocket with."""
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        kinds = aiohttp.WSMsgType
        while True:
            message = await self.socket.receive()
            if message.type == kinds.BINARY:
                self.view.feed(message.data)
            elif message.type == kinds.TEXT:
                self.texts.append(json.loads(message.data))
            else:
                if message.type == kinds.CLOSE:
                    self.close_reason = message.extra or ""
                break
        self.ended.set()

    async def send(self, frame: Any) -> None:
        await self.socket.send_str(frame if isinstance(frame, str) else json.dumps(frame))

    async def press(self, text: str) -> None:
        await self.send(["stdin", text])

    async def resize(self, width: int, height: int) -> None:
        self.view.resize(width, height)
        await self.send(["resize", {"width": width, "height": height}])

    async def closed(self) -> None:
        async with asyncio.timeout(WAIT):
            await self.ended.wait()



class Rig:
    """A started host and ways to connect to it."""

    def __init__(self, host: Host, codes: JoinCodes, clock: FakeClock,
                 http: aiohttp.ClientSession) -> None:
        self.host = host
        self.codes = codes
        self.clock = clock
        self.http = http
        self.events: list[tuple[str, str, str]] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.host.web_port}"

    async def ssh(self, code: str, *, width: int = 80, height: int = 24) -> SshClient:
        async with asyncio.timeout(WAIT):
            conn = await asyncssh.connect("127.0.0.1", self.host.ssh_port, username="student",
                                          password=code, known_hosts=None,
                                          client_keys=None, agent_path=None)
            channel, seat = await conn.create_session(
                SshSeat, term_type="xterm-256color", term_size=(width, height),
                encoding=None)
        seat.view.resize(width, height)
        return SshClient(conn, channel, seat)

    async def web(self, code: str, *, width: int = 80, height: int = 24) -> WebClient:
        async with asyncio.timeout(WAIT):
            socket = await self.http.ws_connect(
                f"{self.base}/ws/{code}?width={width}&height={height}")
        client = WebClient(socket)
        client.view.resize(width, height)
        return client


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    """A host serving the demo app over SSH and the web on free loopback ports."""
    codes = JoinCodes.fresh(VIEWERS)
    clock = FakeClock()
    events: list[tuple[str, str, str]] = []
    host = Host(demo_factory, codes, ssh_port=0, web_port=0, key_folder=tmp_path / "keys",
                codes_file=tmp_path / "codes.json",
                limiter=FailureLimiter(failures=5, window=60, block=120, clock=clock),
                joined=lambda s: events.append(("joined", s.viewer, s.transport)),
                left=lambda s, why: events.append(("left", s.viewer, why)))
    async with asyncio.timeout(WAIT):
        await host.start()
    async with aiohttp.ClientSession() as http:
        rig = Rig(host, codes, clock, http)
        rig.events = events
        try:
            yield rig
        finally:
            async with asyncio.timeout(WAIT * 2):
                await host.stop()
