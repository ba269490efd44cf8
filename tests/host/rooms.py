"""A real hosted room for the host's tests: the Room, the Host serving the real seat apps
(:class:`~exercise.tui.room_app.RoomApp`) on 127.0.0.1, and clients that keep a terminal
screen of what they were sent, including every line they were ever shown.

``async with serve_room(tmp_path, people={"ukraine"}) as rig:`` gives a :class:`RoomRig`;
``await rig.connect("ukraine", "ssh")`` a :class:`Client`. Every wait is bounded by
:data:`~tests.host.conftest.WAIT`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable, Collection
from pathlib import Path

import aiohttp
import asyncssh
import pyte
from wcwidth import wcwidth

from exercise import catalog
from exercise.conduct import FACILITATOR, PUBLIC, Conductor, SeatPlan, StepKind
from exercise.engine import Phase
from exercise.host.codes import FailureLimiter, JoinCodes
from exercise.host.seats import AppFactory
from exercise.host.server import Host
from exercise.hosting import app_factory, room_presence
from exercise.room import Room
from exercise.scenario.loading import load_scenario
from exercise.sessions.restore import begin_log
from exercise.tui.projector import PHASE_WORDS

from .conftest import WAIT, FakeClock, Rig, Screen, SshClient, SshSeat, WebClient

ENTER, ESC, RIGHT, LEFT = "\r", "\x1b", "\x1b[C", "\x1b[D"
SCENARIO = "buffer-zone-2025"


def row_text(screen: pyte.Screen, row: int) -> str:
    """One row of a pyte screen as it shows (a wide character's second cell skipped)."""
    line = screen.buffer[row]
    chars, skip = [], False
    for x in range(screen.columns):
        if skip:
            skip = False
            continue
        char = line[x].data
        skip = bool(char) and wcwidth(char[0]) == 2
        chars.append(char)
    return "".join(chars).rstrip()


class Watched(Screen):
    """A client's screen that also keeps every line it has ever shown (a secret shown for
    a moment, then drawn over, is still caught)."""

    def __init__(self, width: int = 80, height: int = 24) -> None:
        super().__init__(width, height)
        self.ever: set[str] = set()
        self._text: str | None = None

    def feed(self, data: bytes) -> None:
        super().feed(data)
        self._text = None
        screen = self.screen
        for row in screen.dirty:
            if row < screen.lines:
                self.ever.add(row_text(screen, row))
        screen.dirty.clear()

    def resize(self, width: int, height: int) -> None:
        super().resize(width, height)
        self._text = None

    @property
    def text(self) -> str:
        """The screen's text (read again only after something new arrived)."""
        if self._text is None:
            self._text = "\n".join(row_text(self.screen, row)
                                   for row in range(self.screen.lines))
        return self._text

    @property
    def flat(self) -> str:
        """The screen's text as one line, runs of spaces and line ends made one space
        (a phrase wrapped over two lines of a single column reads whole again)."""
        return " ".join(self.text.split())


class _WatchedSsh(SshSeat):
    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.view = Watched(width, height)


class Client:
    """One screen of the room, over SSH or in a browser, pressed the same way."""

    def __init__(self, viewer: str, transport: str, inner: SshClient | WebClient) -> None:
        self.viewer = viewer
        self.transport = transport
        self.inner = inner
        self.cards_read = 0
        """The number of the last news card this screen was seen to read and close."""

    def __repr__(self) -> str:
        return f"<Client {self.viewer} over {self.transport}>"

    @property
    def view(self) -> Watched:
        view = self.inner.view
        assert isinstance(view, Watched)
        return view

    async def press(self, keys: str) -> None:
        """Type ``keys`` (text, or escape sequences such as :data:`RIGHT`)."""
        if isinstance(self.inner, SshClient):
            self.inner.press(keys.encode())
        else:
            await self.inner.press(keys)

    async def resize(self, width: int, height: int) -> None:
        """The client's window changes size (an SSH window change, a page's resize frame)."""
        if isinstance(self.inner, SshClient):
            self.inner.resize(width, height)
        else:
            await self.inner.resize(width, height)

    async def shows(self, wanted: str | Callable[[str], bool], what: str = "") -> None:
        """Wait (bounded) until the screen shows ``wanted``."""
        await self.view.shows(wanted, what)

    async def shows_flat(self, wanted: str) -> None:
        """Wait (bounded) until ``wanted`` shows, perhaps wrapped over lines."""
        await self.view.shows(lambda _text: wanted in self.view.flat, wanted)

    async def hides(self, unwanted: str) -> None:
        """Wait (bounded) until the screen no longer shows ``unwanted``."""
        await self.view.shows(lambda text: unwanted not in text, f"no {unwanted!r}")

    async def closed(self) -> None:
        """Wait (bounded) until the host has closed this connection."""
        await self.inner.closed()

    @property
    def received(self) -> str:
        """Everything received, as text."""
        return bytes(self.view.received).decode("utf-8", "replace")

    async def close(self) -> None:
        """Hang up."""
        if isinstance(self.inner, SshClient):
            self.inner.close()
        elif not self.inner.socket.closed:
            with contextlib.suppress(OSError, RuntimeError, TimeoutError):
                async with asyncio.timeout(WAIT):
                    await self.inner.socket.close()


class RoomRig(Rig):
    """A room served by a started host, and ways to connect to it."""

    def __init__(self, host: Host, codes: JoinCodes, http: aiohttp.ClientSession,
                 room: Room, log_path: Path | None) -> None:
        super().__init__(host, codes, FakeClock(), http)
        self.room = room
        self.log_path = log_path
        self.clients: list[Client] = []

    async def ssh(self, code: str, *, width: int = 80, height: int = 24) -> SshClient:
        async with asyncio.timeout(WAIT):
            conn = await asyncssh.connect("127.0.0.1", self.host.ssh_port, username="student",
                                          password=code, known_hosts=None,
                                          client_keys=None, agent_path=None)
            channel, seat = await conn.create_session(
                lambda: _WatchedSsh(width, height), term_type="xterm-256color",
                term_size=(width, height), encoding=None)
        return SshClient(conn, channel, seat)

    async def web(self, code: str, *, width: int = 80, height: int = 24) -> WebClient:
        async with asyncio.timeout(WAIT):
            socket = await self.http.ws_connect(
                f"{self.base}/ws/{code}?width={width}&height={height}")
        client = WebClient(socket)
        client.view = Watched(width, height)  # before its reader first runs
        return client

    async def connect(self, viewer: str, transport: str, *, width: int = 80,
                      height: int = 24) -> Client:
        """A new screen for ``viewer`` with its own code, over ``transport`` (ssh or web)."""
        code = self.codes.code_for(viewer)
        inner: SshClient | WebClient = (
            await self.ssh(code, width=width, height=height) if transport == "ssh"
            else await self.web(code, width=width, height=height))
        client = Client(viewer, transport, inner)
        self.clients.append(client)
        return client

    async def settled(self) -> None:
        """Wait (bounded) until the room waits for a person or the facilitator: no
        computer seat is about to move."""
        room = self.room
        try:
            async with asyncio.timeout(WAIT):
                while room.conductor.next_step().kind is StepKind.COMPUTER or room.thinking:
                    await asyncio.sleep(0.02)
        except TimeoutError:
            raise AssertionError(f"the room never settled: {room.conductor.next_step()}") \
                from None

    async def read_cards(self, client: Client) -> None:
        """The person at a seat's screen reads each news card that has reached it since
        the last, and closes it with Enter (the table waits behind a card)."""
        for card in self.room.view(client.viewer).cards:
            if card.number <= client.cards_read:
                continue
            opening = " ".join(card.text.split()[:5])  # the card's body: not in the feed
            await client.shows_flat(opening)
            await client.press(ENTER)
            await client.view.shows(lambda _t, o=opening: o not in client.view.flat,
                                    f"card {card.title!r} closed")
            client.cards_read = card.number

    async def caught_up(self, client: Client) -> None:
        """Wait (bounded) until ``client``'s screen shows the room as it is now: the round
        and phase, and the viewer's latest feed line (on the projector, whose feed may
        lag out of view, the count of ballots in instead)."""
        view = self.room.view(client.viewer)
        if client.viewer == PUBLIC:
            marker = f"Round {view.round} of {view.rounds}"
            phase = PHASE_WORDS[view.phase].split(":")[0]
            voted = [p.voted for p in view.parties if p.voted is not None]
            latest = f"Ballots in: {sum(voted)} of {len(voted)}" if voted else ""
        else:
            marker = f"Round {view.round}/{view.rounds}"
            phase = str(view.phase).capitalize()
            latest = view.feed[-1].text[:24] if view.feed else ""
        wrapped = wrapped_words(latest)
        await client.shows(lambda text: marker in text and phase in text
                           and wrapped.search(" ".join(text.split())) is not None,
                           f"{marker}, {phase} and {latest!r}")


def wrapped_words(words: str) -> re.Pattern[str]:
    """``words`` as the screen may show them wrapped: in order, across a line's end, with
    whatever stands beside the feed on the next rows (a scrollbar, another panel's words)
    between them, a few at most."""
    between = r"\s+(?:\S+\s+){0,8}?"
    return re.compile(between.join(re.escape(w) for w in words.split()) if words else "")


def is_running(room: Room) -> bool:
    """The exercise is neither over nor in its last ratification."""
    return not room.conductor.game.is_over and room.conductor.game.phase is not \
        Phase.RATIFICATION


@contextlib.asynccontextmanager
async def serve_room(tmp_path: Path, *, people: Collection[str], seed: int = 3,
                     log: bool = False, grace: float = 30.0,
                     wrap: Callable[[AppFactory, Room], AppFactory] | None = None,
                     ) -> AsyncIterator[RoomRig]:
    """A room of buffer-zone-2025 with ``people``'s seats played by people (the rest by
    the computer, paced at 0.05 s), running live on this loop, served over SSH and the
    web with the real apps (``wrap`` may wrap their factory); with ``log``, a session log
    in ``tmp_path``."""
    path = catalog.resolve(SCENARIO)
    scenario = load_scenario(path)
    plans = {p.id: SeatPlan(p.id, p.id in people) for p in scenario.parties}
    conductor = Conductor(scenario, plans, seed)
    log_path = None
    if log:
        log_path = tmp_path / "session.jsonl"
        begin_log(conductor, path, path=log_path, mode="host")
    room = Room(conductor, bot_delay=0.05, hosted=True, grace=grace)
    room.start(asyncio.get_running_loop())
    codes = JoinCodes.fresh([FACILITATOR, PUBLIC, *(p.id for p in scenario.parties)])
    factory: AppFactory = app_factory(room, lambda: None, [], log_path)
    if wrap is not None:
        factory = wrap(factory, room)
    host = Host(factory, codes, ssh_port=0, web_port=0, key_folder=tmp_path / "keys",
                limiter=FailureLimiter(failures=50, window=60, block=120),
                **room_presence(room))
    rig: RoomRig | None = None
    try:
        async with asyncio.timeout(WAIT):
            await host.start()
        async with aiohttp.ClientSession() as http:
            rig = RoomRig(host, codes, http, room, log_path)
            try:
                yield rig
            finally:
                async with asyncio.timeout(WAIT * 2):
                    await host.stop()
                for client in rig.clients:
                    await client.close()
    finally:
        if rig is None:
            async with asyncio.timeout(WAIT * 2):
                await host.stop()
        room.close()
        if conductor.log is not None:
            conductor.log.close()


async def until(test: Callable[[], bool], what: str) -> None:
    """Wait (bounded) until ``test()`` holds."""
    try:
        async with asyncio.timeout(WAIT):
            while not test():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"never came: {what}") from None
