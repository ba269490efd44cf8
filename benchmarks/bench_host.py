"""Hosting with the real seat apps over loopback, against the targets of issue #10 (item 10).

Run:  python benchmarks/bench_host.py [--keys N] [--resolutions N] [--parties N] [--seed N]
                                      [--gc-threshold A,B,C]

The host runs in a child process (so that its memory is measured alone), built as
``exercise host`` builds it: a :class:`~exercise.room.Room` with its session log, and a
:class:`~exercise.host.server.Host` whose app factory is :func:`exercise.hosting.app_factory`,
so each connection runs the real :class:`~exercise.tui.room_app.RoomApp` of its viewer (a
seat's briefing then table, the projector, the facilitator's dashboard). Every party is a
person's seat: nothing moves by itself. This process plays the clients, on 127.0.0.1 only:
websockets speaking textual-serve's page protocol and asyncssh terminals, each keeping an
80x24 pyte screen of what it is sent. The students' part that is measured is played with keys
(enter on the briefing, escape on each news card, arrows on the elements table); the moves
that are not (the proposer tables two elements, the facilitator opens voting, every seat votes
accept) come from a small control channel on the child's stdin (``propose|open|vote ROOM``)
and go through ``room.act`` on the host's loop, as a seat's dialog would send them.

The child serves two rooms on its one loop, each with its own Host (ports): the bundled
buffer-zone-2025 (6 parties + projector + facilitator = 8 screens, 2 seats over SSH) and a
scenario generated here at the limit of 20 parties (22 screens, 2 over SSH), written to a
temporary folder and checked with ``exercise validate``. A viewer has one live connection (the
newest wins), so 30 distinct screens need more than one room.

1. keypress repaint, 8 screens at the table in the discussion (timers ticking): from sending
   down (or up) on one seat until its strip under the elements table describes the element
   the cursor moved to; over the web and over SSH. Target p95 ≤ 150 ms.
2. a resolution reaches every screen: from the last ballot (the host's time.monotonic() just
   before the last ``room.act(Vote)``; CLOCK_MONOTONIC is one clock for both processes on
   Linux) until each of the 8 screens shows the next round ("Round 2/6", the projector's
   "Round 2 of 6", or the news card the new round brings up over a seat's table), with the
   host's CPU time meanwhile. Target: the slowest ≤ 0.5 s, for each of ``--resolutions``.
3. memory per extra seat: the host's resident memory (VmRSS) with 1 screen at the table and
   with 8, the difference divided by 7. Target ≤ 15 MB.
4. 30 screens: the 22 of the second room connect at once while the 8 play; then all 30 drop
   and reconnect at once (a Wi-Fi hiccup); the time until every screen shows its first screen,
   the memory, one seat's keypress repaint (web and SSH) and a resolution in each room, all
   with 30 connected. Target: all 30 connect and play (a slower repaint is acceptable).

Also printed: the host's CPU use while nobody types, its full garbage collections (how many,
their time, the longest pause), the seat apps still alive after the 30 dropped (a full
collection first), and the CPU time of the host and of the clients. The host tunes Python's
collector as ``exercise host`` does (:func:`exercise.host.server.tune_collector`);
``--gc-threshold python`` keeps Python's defaults instead, and ``--gc-threshold A,B,C`` runs
``gc.set_threshold(A, B, C)``, to try another tuning. Each repaint measure stops
pressing after 40 s (then fewer keys are reported). The clients share the host's cores (pyte
is not free), so the figures are pessimistic for a classroom of separate laptops. Exit status
1 if a screen never showed what was expected (each wait is bounded; the screen is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pyte

with warnings.catch_warnings():  # asyncssh imports names that cryptography deprecates (DSA)
    warnings.simplefilter("ignore")
    import asyncssh

REPO = Path(__file__).resolve().parents[1]
SCENARIO = "buffer-zone-2025"
SSH_VIEWERS = {"ukraine", "russia", "d01", "d02"}  # the other screens join in a browser
KEY_WEB, KEY_SSH = "coalition", "ukraine"  # whose keys are timed with 8 screens (not proposers)
CROWD_WEB, CROWD_SSH = "d03", "d02"  # and with 30
WAIT = 60.0
"""Seconds any one expectation may take before the benchmark gives up (a stuck screen)."""
KEY_BUDGET = 40.0
"""Seconds one repaint measure may go on pressing keys (fewer keys when repaints are slow)."""
DOWN, UP, ENTER, ESCAPE = "\x1b[B", "\x1b[A", "\r", "\x1b"
TARGET_KEY_MS, TARGET_RESOLUTION_S, TARGET_MB = 150.0, 0.5, 15.0

DIALOG = re.compile(r"█▀{20,}|Close \(enter\)")
"""A card over the table (news, the story so far, an element's detail): its top border, or its
button; escape closes it (and does nothing on the table itself, unlike enter)."""
BRIEFING = "Go to the table"
TABLE_ROW = re.compile(r" [○▶✔✖⊘·] ")
"""A row of the elements table, at 80 columns: its status mark, then the title."""
FIRST_SCREEN = re.compile(r"Go to the table|Round \d+(/| of )\d+|story so far")

SERVE = r'''
"""The benchmark's host: two rooms on one loop, a Host each; commands on stdin."""
import asyncio, gc, json, sys, time, warnings
from pathlib import Path

FULL = []  # seconds of each full (generation 2) garbage collection since the last "gc"
_began = [0.0]


def _collecting(phase, info):
    if phase == "start":
        _began[0] = time.perf_counter()
    elif info["generation"] == 2:
        FULL.append(time.perf_counter() - _began[0])


gc.callbacks.append(_collecting)
warnings.simplefilter("ignore")
sys.path.insert(0, sys.argv[1])
from exercise import catalog
from exercise.bots.personas import persona_for
from exercise.conduct import FACILITATOR, PUBLIC, Conductor, SeatPlan
from exercise.engine import CallVote, IllegalMoveError, Phase, Table, Vote
from exercise.host.codes import JoinCodes
from exercise.host.server import Host
from exercise.hosting import Desk, app_factory, join_lines, room_presence
from exercise.room import Room
from exercise.scenario.loading import load_scenario
from exercise.sessions.restore import begin_log


def state(room, **extra):
    view = room.view(FACILITATOR)
    return {"round": view.round, "rounds": view.rounds, "phase": str(view.phase), **extra}


def command(room, host, word):
    view = room.view(FACILITATOR)
    if word == "gc":
        full, FULL[:] = list(FULL), []
        return state(room, full=len(full), longest=max(full, default=0.0), total=sum(full),
                     objects=len(gc.get_objects()))
    if word == "apps":  # after a full collection: what is still alive
        gc.collect()
        kinds = [type(o).__name__ for o in gc.get_objects()]
        return state(room, apps=kinds.count("RoomApp"), sessions=kinds.count("SeatSession"))
    if word == "live":
        return state(room, live=host.seats.live_count())
    if word == "propose":
        if view.phase is not Phase.PROPOSAL or view.proposer is None:
            return state(room, error="not the proposal")
        party = view.proposer
        room.act(party, Table(party, room.view(party).legal.tableable[:2]))
    elif word == "open":
        room.act(FACILITATOR, CallVote())
    elif word == "vote":
        voters = [p for p in room.conductor.seats if room.view(p).legal.vote]
        last = 0.0
        for party in voters:
            targets = room.view(party).legal.ballot_targets
            last = time.monotonic()
            room.act(party, Vote(party, {t: "accept" for t in targets}))
        return state(room, t=last, voters=len(voters))
    return state(room)


async def main(folder, seed):
    loop = asyncio.get_running_loop()
    rooms, desks = [], {}
    for n, ref in enumerate([sys.argv[4], str(folder / "crowd.yaml")]):
        path = catalog.resolve(ref)
        scenario = load_scenario(path)
        plans = {p.id: SeatPlan(p.id, True, persona_for(p)) for p in scenario.parties}
        conductor = Conductor(scenario, plans, seed)
        begin_log(conductor, path, path=folder / f"room{n}.jsonl", mode="host")
        room = Room(conductor, bot_delay=0.2, hosted=True)
        room.start(loop)
        viewers = [FACILITATOR, PUBLIC, *(p.id for p in scenario.parties)]
        codes = JoinCodes.fresh(viewers)
        lines = []
        factory = app_factory(room, lambda n=n: desks.get(n), lines, conductor.log.path)
        host = Host(factory, codes, ssh_port=0, web_port=0, key_folder=folder / "keys",
                    max_sessions=100, title=scenario.title, **room_presence(room))
        await host.start()
        lines[:] = join_lines("127.0.0.1", host.web_port, host.ssh_port)
        desks[n] = Desk(host, lines, asyncio.Event())  # the facilitator's codes and stop
        public = room.view(PUBLIC)
        rooms.append((room, host, {
            "web": host.web_port, "ssh": host.ssh_port, "title": scenario.title,
            "codes": {v: codes.code_for(v) for v in viewers},
            "parties": [p.id for p in scenario.parties],
            "strip": [row.title for row in public.elements[:2]], **state(room)}))
    if sys.argv[5] == "python":  # --gc-threshold python: Python's own collector settings
        pass
    elif sys.argv[5]:  # --gc-threshold A,B,C: an experiment
        gc.set_threshold(*(int(n) for n in sys.argv[5].split(",")))
    else:  # what exercise host does
        from exercise.host.server import tune_collector

        tune_collector()
    print(json.dumps({"rooms": [info for _, _, info in rooms]}), flush=True)
    try:
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            word, _, which = line.strip().partition(" ")
            room, host, _ = rooms[int(which or 0)]
            try:
                reply = command(room, host, word)
            except IllegalMoveError as exc:
                reply = state(room, error=str(exc))
            print(json.dumps(reply), flush=True)
    finally:
        for room, host, _ in rooms:
            await host.stop()
            room.close()
            if room.conductor.log is not None:
                room.conductor.log.close()


asyncio.run(main(Path(sys.argv[2]), int(sys.argv[3])))
'''

Test = Callable[[str], Any]


class Stuck(Exception):
    """A screen never showed what was expected within its bound; the message shows it."""


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (Linux), or NaN."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """CPU time process ``pid`` has used, user and system, in seconds (Linux), or NaN."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def crowd_yaml(parties: int) -> str:
    """A small valid scenario with ``parties`` delegations (people's seats) and 4 elements."""
    ids = [f"d{n:02d}" for n in range(1, parties + 1)]
    lines = ["id: crowd", 'title: "A crowded table (hosting benchmark)"', "summary: >-",
             f"  Generated by benchmarks/bench_host.py: {parties} delegations, four elements.",
             "background: |", "  A generated scenario at the parties limit.",
             "rounds: 3", "round_minutes: 10", "max_package: 2", "parties:"]
    for n, pid in enumerate(ids, 1):
        lines += [f"  - id: {pid}", f'    name: "Delegation {n:02d}"', f'    short: "D{n:02d}"',
                  f"    role: {'principal' if n <= 2 else 'guarantor'}",
                  f'    public_brief: "Delegation {n:02d} wants a deal it can defend."',
                  f'    private_brief: "Delegation {n:02d} counts its points."',
                  "    walk_away: 1"]
    lines.append("elements:")
    for e in range(1, 5):
        values = ", ".join(f"{p}: {(e + k) % 3}" for k, p in enumerate(ids))
        lines += [f"  - id: e{e}", f'    title: "Plan element number {e}"',
                  f'    summary: "Element {e} of the generated plan."',
                  "    values: {" + values + "}"]
    return "\n".join(lines) + "\n"


def write_crowd(folder: Path, parties: int) -> Path:
    """Write the generated scenario and check it with ``exercise validate``."""
    path = folder / "crowd.yaml"
    path.write_text(crowd_yaml(parties), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "exercise", "validate", str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise Stuck(f"the generated scenario does not validate:\n{done.stdout}{done.stderr}")
    return path


# --- the host process --------------------------------------------------------------------


class HostProcess:
    """The host in its own process, and its control channel."""

    def __init__(self, process: asyncio.subprocess.Process, folder: Path) -> None:
        self.process = process
        self.folder = folder
        self.rooms: list[dict[str, Any]] = []

    @classmethod
    async def start(cls, folder: Path, seed: int, threshold: str = "") -> HostProcess:
        """Start the child and read what it serves."""
        errors = (folder / "host.err").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SERVE, str(REPO), str(folder), str(seed), SCENARIO, threshold,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=errors,
            cwd=folder)
        errors.close()
        host = cls(process, folder)
        host.rooms = (await host._reply())["rooms"]
        return host

    async def _reply(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        while True:
            try:
                line = await asyncio.wait_for(self.process.stdout.readline(), WAIT)
            except TimeoutError:
                raise Stuck("the host did not answer" + self.errors()) from None
            if not line:
                raise Stuck("the host process ended" + self.errors())
            if line.startswith(b"{"):
                return json.loads(line)

    async def ask(self, word: str, room: int) -> dict[str, Any]:
        """Send one command for ``room``; its answer (a failed move is an error)."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{word} {room}\n".encode())
        await self.process.stdin.drain()
        reply = await self._reply()
        if "error" in reply:
            raise Stuck(f"{word} in room {room}: {reply['error']}")
        return reply

    def rss(self) -> float:
        """The host's resident memory, MB."""
        return rss_mb(self.process.pid)

    def cpu(self) -> float:
        """The host's CPU time so far, seconds."""
        return cpu_seconds(self.process.pid)

    def errors(self) -> str:
        """The end of what the host wrote on stderr, if anything."""
        path = self.folder / "host.err"
        text = path.read_text(errors="replace")[-3000:] if path.exists() else ""
        return f"; its stderr:\n{text}" if text.strip() else ""

    async def stop(self) -> None:
        """Close its stdin (it stops its hosts and exits), or kill it."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


# --- the clients -------------------------------------------------------------------------


class Screen:
    """What one client was sent, as its 80x24 terminal shows it."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()
        self._waiting: list[tuple[Test, asyncio.Future[float]]] = []

    @property
    def text(self) -> str:
        """The screen's lines."""
        return "\n".join(self.screen.display)

    def feed(self, data: bytes) -> None:
        """Draw what was received; resolve each expectation it now meets (with the time)."""
        self.stream.feed(data)
        now = time.monotonic()
        self.changed.set()
        if self._waiting:
            text = self.text
            for test, seen in self._waiting:
                if not seen.done() and test(text):
                    seen.set_result(now)
            self._waiting = [(t, s) for t, s in self._waiting if not s.done()]

    def expect(self, test: Test) -> asyncio.Future[float]:
        """When the screen first shows ``test`` (time.monotonic), from now on."""
        seen: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        if test(self.text):
            seen.set_result(time.monotonic())
        else:
            self._waiting.append((test, seen))
        return seen

    async def next_change(self, seconds: float) -> None:
        """Wait for the next bytes (at most ``seconds``)."""
        self.changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.changed.wait(), seconds)


class Client:
    """One screen of a room: a viewer's connection and what it shows."""

    transport = ""

    def __init__(self, room: dict[str, Any], viewer: str) -> None:
        self.room = room
        self.viewer = viewer
        self.code = room["codes"][viewer]
        self.view = Screen()
        self.connected = False

    def __str__(self) -> str:
        return f"{self.viewer} ({self.transport})"

    async def connect(self, http: aiohttp.ClientSession) -> None:
        """Open the connection (at most :data:`WAIT` seconds)."""
        await asyncio.wait_for(self._open(http), WAIT)
        self.connected = True

    async def close(self) -> None:
        """Close the connection, if open (at most 10 seconds)."""
        if self.connected:
            self.connected = False
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._close(), 10)

    async def press(self, key: str) -> None:
        """Type ``key``."""
        raise NotImplementedError

    async def _open(self, http: aiohttp.ClientSession) -> None:
        raise NotImplementedError

    async def _close(self) -> None:
        raise NotImplementedError


class WebClient(Client):
    """A browser page's websocket (textual-serve's page protocol)."""

    transport = "web"

    async def _open(self, http: aiohttp.ClientSession) -> None:
        url = f"ws://127.0.0.1:{self.room['web']}/ws/{self.code}?width=80&height=24"
        self.socket = await http.ws_connect(url)
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.view.feed(message.data)

    async def press(self, key: str) -> None:
        """Type ``key`` as the page sends it."""
        await self.socket.send_str(json.dumps(["stdin", key]))

    async def _close(self) -> None:
        self.reader.cancel()
        await self.socket.close()


class Terminal(asyncssh.SSHClientSession[bytes]):
    """An SSH session drawing what it is sent on a :class:`Screen`."""

    def __init__(self, view: Screen) -> None:
        self.view = view

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        """Draw what the host sent."""
        self.view.feed(data)


class SshClient(Client):
    """An ``ssh`` terminal (the join code as the password)."""

    transport = "ssh"

    async def _open(self, http: aiohttp.ClientSession) -> None:
        self.conn = await asyncssh.connect(
            "127.0.0.1", self.room["ssh"], username="bench", password=self.code,
            known_hosts=None, client_keys=None, agent_path=None)
        self.channel, _ = await self.conn.create_session(
            lambda: Terminal(self.view), term_type="xterm-256color", term_size=(80, 24),
            encoding=None)

    async def press(self, key: str) -> None:
        """Type ``key`` into the terminal."""
        self.channel.write(key.encode())

    async def _close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()


def client_for(room: dict[str, Any], viewer: str) -> Client:
    """The client of ``viewer``: over SSH for a few seats, in a browser for the rest."""
    return (SshClient if viewer in SSH_VIEWERS else WebClient)(room, viewer)


def room_clients(room: dict[str, Any]) -> list[Client]:
    """Every screen of a room: the facilitator, the projector, each delegation."""
    return [client_for(room, v) for v in room["codes"]]


# --- what the screens show -----------------------------------------------------------------


def stage(rnd: int, rounds: int, phase: str) -> Test:
    """A status line (or the projector) at round ``rnd`` of ``rounds`` in ``phase``."""
    word = phase.capitalize()
    status = f"Round {rnd}/{rounds}  {word}"
    return lambda text: status in text or (f"Round {rnd} of {rounds}" in text and word in text)


def next_round(rnd: int, rounds: int) -> Test:
    """Round ``rnd`` shown, or the news card a new round brings up over a seat's table."""
    return lambda text: (f"Round {rnd}/{rounds}" in text or f"Round {rnd} of {rounds}" in text
                         or DIALOG.search(text) is not None)


def strip_line(text: str) -> str:
    """The first line of the strip under a seat's elements table (below its rows), or ""."""
    lines = text.splitlines()
    for at, line in enumerate(lines):
        if line.startswith(" S  Element"):
            for below in lines[at + 1:]:
                if below[:48].strip() and not TABLE_ROW.match(below):
                    return below
    return ""


def strip_shows(title: str) -> Test:
    """The strip under a seat's elements table describes the element titled ``title``."""
    start = " " + title[:30]
    return lambda text: strip_line(text).startswith(start)


async def arrivals(seen: list[tuple[Client, asyncio.Future[float]]], what: str,
                   seconds: float = WAIT) -> list[float]:
    """When each client's screen showed ``what`` (Stuck if one has not in ``seconds``)."""
    await asyncio.wait([future for _, future in seen], timeout=seconds)
    for client, future in seen:
        if not future.done():
            raise Stuck(f"{client} never showed {what}:\n{client.view.text}")
    return [future.result() for _, future in seen]


async def settle(client: Client, test: Test, what: str, seconds: float = WAIT) -> None:
    """Wait for ``test`` with no card over it, pressing keys as a student would meanwhile."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        text = client.view.text
        if BRIEFING in text:  # enter goes to the table
            await client.press(ENTER)
            gone = client.view.expect(lambda now: BRIEFING not in now)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(gone, min(left, 5.0))
        elif DIALOG.search(text):  # escape closes a card (news, the story so far)
            await client.press(ESCAPE)
            moved = client.view.expect(text.__ne__)  # any change
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(moved, min(left, 3.0))
            await asyncio.sleep(0.2)
        elif test(text):
            await asyncio.sleep(0.3)  # a card may be on its way
            if test(client.view.text) and not DIALOG.search(client.view.text):
                return
        else:
            await client.view.next_change(min(left, 1.0))
    raise Stuck(f"{client} never showed {what}:\n{client.view.text}")


async def settle_all(clients: list[Client], test: Test, what: str) -> None:
    """:func:`settle` every client at once."""
    await asyncio.gather(*(settle(c, test, what) for c in clients))


async def connect_all(clients: list[Client], http: aiohttp.ClientSession) -> float:
    """Connect ``clients`` at once; seconds until every one shows its first screen."""
    start = time.monotonic()
    seen = [(c, c.view.expect(FIRST_SCREEN.search)) for c in clients]
    await asyncio.gather(*(c.connect(http) for c in clients))
    return max(await arrivals(seen, "its first screen")) - start


async def repaint_times(client: Client, strip: list[str], keys: int) -> list[float]:
    """Seconds from each key (down, up, ...) until the seat's strip follows the cursor."""
    await settle(client, strip_shows(strip[0]), "the first element in its strip")
    times: list[float] = []
    stop = time.monotonic() + KEY_BUDGET
    for n in range(keys):
        if time.monotonic() > stop and len(times) >= 2:
            break
        key, title = (DOWN, strip[1]) if n % 2 == 0 else (UP, strip[0])
        seen = client.view.expect(strip_shows(title))
        start = time.monotonic()
        await client.press(key)
        [shown] = await arrivals([(client, seen)], f"the strip of {title!r}")
        times.append(shown - start)
        await asyncio.sleep(0.1 + 0.05 * (n % 3))  # not in step with the 1 s timer ticks
    return times


async def play_round(host: HostProcess, index: int,
                     clients: list[Client]) -> tuple[dict[str, float], float]:
    """Open voting, every seat votes: each screen's delay from the last ballot, host CPU s."""
    reply = await host.ask("open", index)
    rnd, rounds = reply["round"], reply["rounds"]
    await settle_all(clients, stage(rnd, rounds, "voting"), f"round {rnd}'s voting")
    seen = [(c, c.view.expect(next_round(rnd + 1, rounds))) for c in clients]
    cpu = host.cpu()
    last = (await host.ask("vote", index))["t"]
    shown = await arrivals(seen, f"round {rnd + 1}")
    cpu = host.cpu() - cpu
    delays = {str(c): t - last for c, t in zip(clients, shown, strict=True)}
    # then to the next round's discussion, every card read
    await settle_all(clients, stage(rnd + 1, rounds, "proposal"), f"round {rnd + 1}")
    await host.ask("propose", index)
    await settle_all(clients, stage(rnd + 1, rounds, "discussion"),
                     f"round {rnd + 1}'s discussion")
    return delays, cpu


# --- the figures ---------------------------------------------------------------------------


def p95(times: list[float]) -> float:
    """The 95th percentile of ``times``, in milliseconds."""
    return statistics.quantiles(times, n=20, method="inclusive")[-1] * 1000


def keys_text(times: list[float]) -> str:
    """p50, p95 and the slowest of ``times``, in milliseconds."""
    return (f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95(times):.0f} ms, "
            f"max {max(times) * 1000:.0f} ms")


def spread(delays: dict[str, float], cpu: float) -> str:
    """The first and the last screen to show a result, and the host's CPU meanwhile."""
    first = min(delays, key=delays.__getitem__)
    last = max(delays, key=delays.__getitem__)
    return (f"last {delays[last]:.2f} s ({last}), first {delays[first]:.2f} s ({first}); "
            f"host CPU {cpu:.1f} s")


class Report:
    """The figures, each with its target and whether it is met; then the targets."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.verdicts: list[tuple[str, bool]] = []

    def add(self, figure: str, value: str, target: str = "", met: bool | None = None) -> None:
        """One figure, printed at once too (the run takes minutes)."""
        verdict = "" if met is None else ("met" if met else "NOT met")
        self.rows.append((figure, value, target, verdict))
        print(f"  {figure}: {value}" + (f"  [{target}: {verdict}]" if verdict else ""),
              flush=True)

    def target(self, name: str, met: bool) -> None:
        """A target of the issue, met or not."""
        self.verdicts.append((name, met))

    def print(self) -> None:
        """The table of figures, then the targets."""
        if self.rows:
            rows = [("figure", "value", "target", ""), *self.rows]
            widths = [max(len(row[i]) for row in rows) for i in range(4)]
            print()
            for row in rows:
                print("  ".join(cell.ljust(width)
                                for cell, width in zip(row, widths, strict=True)).rstrip())
        if self.verdicts:
            print()
        for name, met in self.verdicts:
            print(f"{'met    ' if met else 'NOT met'}  {name}")


async def collections(report: Report, host: HostProcess, when: str) -> None:
    """The host's full garbage collections since the last report of them."""
    stats = await host.ask("gc", 0)
    report.add(f"host full garbage collections, {when}",
               f"{stats['full']} taking {stats['total']:.1f} s, the longest "
               f"{stats['longest'] * 1000:.0f} ms ({stats['objects']:,} objects)")


async def idle_load(report: Report, host: HostProcess, when: str, seconds: float = 5.0) -> None:
    """The host's CPU use while nobody types (timers ticking on every screen)."""
    cpu, start = host.cpu(), time.monotonic()
    await asyncio.sleep(seconds)
    load = (host.cpu() - cpu) / (time.monotonic() - start)
    report.add(f"host CPU while nobody types, {when}", f"{load:.0%} of a core")


# --- the measures --------------------------------------------------------------------------


async def measure(args: argparse.Namespace, report: Report) -> None:
    """Run every measure against a fresh host, in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="bench-host-", ignore_cleanup_errors=True) as name:
        folder = Path(name)
        write_crowd(folder, args.parties)
        host = await HostProcess.start(folder, args.seed, args.gc_threshold)
        clients: list[Client] = []
        mine = time.process_time()
        try:
            report.add("host started (2 rooms, no screen yet)", f"{host.rss():.0f} MB resident")
            async with aiohttp.ClientSession() as http:
                try:
                    await measure_eight(args, report, host, http, clients)
                    await measure_crowd(args, report, host, http, clients)
                finally:
                    await asyncio.gather(*(c.close() for c in clients))
            report.add("CPU time in all: the host / the clients",
                       f"{host.cpu():.0f} s / {time.process_time() - mine:.0f} s")
        finally:
            await host.stop()


async def measure_eight(args: argparse.Namespace, report: Report, host: HostProcess,
                        http: aiohttp.ClientSession, clients: list[Client]) -> None:
    """Targets 1, 2 and 3, on buffer-zone-2025's 8 screens."""
    room = host.rooms[0]
    rounds = room["rounds"]
    eight = room_clients(room)
    clients += eight
    first = next(c for c in eight if c.viewer == "us")
    bare = host.rss()
    await connect_all([first], http)
    await settle(first, stage(1, rounds, "proposal"), "the table")
    await asyncio.sleep(1.5)
    one = host.rss()
    rest = [c for c in eight if c is not first]
    took = await connect_all(rest, http)
    await settle_all(rest, stage(1, rounds, "proposal"), "the table")
    await asyncio.sleep(1.5)
    full = host.rss()
    ssh = sum(c.transport == "ssh" for c in eight)
    report.add(f"8 screens ({ssh} over SSH): the last 7 connected at once, all drawn in",
               f"{took:.1f} s")
    report.add("host memory: no screen / 1 screen / 8 screens at the table",
               f"{bare:.0f} / {one:.0f} / {full:.0f} MB")
    per_seat = (full - one) / 7
    report.add("host memory per extra screen, (8 - 1) / 7", f"{per_seat:.1f} MB",
               f"≤ {TARGET_MB:g} MB", per_seat <= TARGET_MB)
    report.target(f"3. ≤ {TARGET_MB:g} MB of host memory per extra seat ({per_seat:.1f} MB)",
                  per_seat <= TARGET_MB)

    await host.ask("propose", 0)
    await settle_all(eight, stage(1, rounds, "discussion"), "the discussion")
    await idle_load(report, host, "8 screens in the discussion")
    by_viewer = {c.viewer: c for c in eight}
    worst = 0.0
    for viewer in (KEY_WEB, KEY_SSH):
        client = by_viewer[viewer]
        times = await repaint_times(client, room["strip"], args.keys)
        worst = max(worst, p95(times))
        report.add(f"key repaint, 8 screens, {client}, {len(times)} keys", keys_text(times),
                   f"p95 ≤ {TARGET_KEY_MS:g} ms", p95(times) <= TARGET_KEY_MS)
    report.target(f"1. with 8 screens a key repaints its seat in ≤ {TARGET_KEY_MS:g} ms at p95, "
                  f"web and SSH (worst p95 {worst:.0f} ms)", worst <= TARGET_KEY_MS)

    worst = 0.0
    for n in range(min(args.resolutions, rounds - 2)):
        delays, cpu = await play_round(host, 0, eight)
        worst = max(worst, *delays.values())
        report.add(f"resolution {n + 1}, last ballot to each of the 8 screens",
                   spread(delays, cpu), f"≤ {TARGET_RESOLUTION_S:g} s",
                   max(delays.values()) <= TARGET_RESOLUTION_S)
    report.target(f"2. a resolution reaches every screen in ≤ {TARGET_RESOLUTION_S:g} s "
                  f"(slowest {worst:.2f} s)", worst <= TARGET_RESOLUTION_S)
    await collections(report, host, "8 screens")


async def measure_crowd(args: argparse.Namespace, report: Report, host: HostProcess,
                        http: aiohttp.ClientSession, clients: list[Client]) -> None:
    """Target 4: the second room's screens join the 8; all reconnect at once; they play."""
    eight_room, room = host.rooms
    rounds = room["rounds"]
    crowd = room_clients(room)
    clients += crowd
    total = len(clients)
    one = host.rss()
    took = await connect_all(crowd, http)
    await settle_all(crowd, stage(1, rounds, "proposal"), "the table")
    await asyncio.sleep(1.5)
    memory = host.rss()
    report.add(f"{total} screens: {len(crowd)} connected at once while 8 play, all drawn in",
               f"{took:.1f} s")
    report.add(f"host memory, {total} screens at the table",
               f"{memory:.0f} MB ({(memory - one) / len(crowd):.1f} MB per screen added)")

    await asyncio.gather(*(c.close() for c in clients))
    deadline = time.monotonic() + WAIT
    while (await host.ask("live", 0))["live"] or (await host.ask("live", 1))["live"]:
        if time.monotonic() > deadline:
            raise Stuck("the host never closed the apps of the screens that dropped")
        await asyncio.sleep(0.2)
    clients[:] = [client_for(c.room, c.viewer) for c in clients]
    took = await connect_all(clients, http)
    report.add(f"{total} screens dropped and reconnected at once, all drawn in", f"{took:.1f} s")
    eight = [c for c in clients if c.room is eight_room]
    crowd = [c for c in clients if c.room is room]
    now = await host.ask("live", 0)
    await settle_all(eight, stage(now["round"], now["rounds"], "discussion"), "the table")
    await settle_all(crowd, stage(1, rounds, "proposal"), "the table")
    await asyncio.sleep(1.5)
    report.add(f"host memory, {total} screens at the table again", f"{host.rss():.0f} MB")

    await host.ask("propose", 1)
    await settle_all(crowd, stage(1, rounds, "discussion"), "the discussion")
    await idle_load(report, host, f"{total} screens in the discussion")
    by_viewer = {c.viewer: c for c in crowd}
    for viewer in (CROWD_WEB, CROWD_SSH):
        client = by_viewer[viewer]
        times = await repaint_times(client, room["strip"], args.keys)
        report.add(f"key repaint, {total} screens, {client}, {len(times)} keys",
                   keys_text(times))
    delays, cpu = await play_round(host, 1, crowd)
    report.add(f"resolution, {total} connected: last ballot to each of the crowd's "
               f"{len(crowd)} screens", spread(delays, cpu))
    delays, cpu = await play_round(host, 0, eight)
    report.add(f"resolution, {total} connected: last ballot to each of {SCENARIO}'s 8 screens",
               spread(delays, cpu))
    await collections(report, host, f"{total} screens")
    alive = await host.ask("apps", 0)
    report.add(f"seat apps alive in the host after a full collection ({total} connected, "
               f"{total} closed)", f"{alive['apps']} apps, {alive['sessions']} sessions")
    report.target(f"4. {total} screens connect and play, in two rooms on one loop "
                  "(slower repaints reported above)", total >= 30)


def main() -> None:
    """Parse the options, measure, print the figures; exit 1 if a screen got stuck."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40, help="keys per repaint measure (40)")
    parser.add_argument("--resolutions", type=int, default=3,
                        help="resolutions timed with 8 screens (3; at most 4)")
    parser.add_argument("--parties", type=int, default=20,
                        help="delegations of the generated room (20, for 30 screens in all)")
    parser.add_argument("--seed", type=int, default=7, help="the exercises' seed (7)")
    parser.add_argument("--gc-threshold", default="", metavar="A,B,C",
                        help="an experiment: gc.set_threshold(A, B, C) in the host, or "
                             "'python' for Python's defaults (default: as exercise host "
                             "tunes it)")
    args = parser.parse_args()
    if not 3 <= args.parties <= 20 or args.keys < 2 or args.resolutions < 1:
        parser.error("--parties is 3 to 20, --keys at least 2, --resolutions at least 1")
    if args.gc_threshold and args.gc_threshold != "python" and \
            not re.fullmatch(r"\d+(,\d+){0,2}", args.gc_threshold):
        parser.error("--gc-threshold is 'python' or one to three whole numbers, "
                     "e.g. 50000,20,100")
    print(f"Hosting {SCENARIO} and a generated {args.parties}-party room with the real seat "
          f"apps; clients on 127.0.0.1, on the same {os.cpu_count()} cores"
          + (f"; host gc threshold {args.gc_threshold}" if args.gc_threshold else ""),
          flush=True)
    report = Report()
    start = time.monotonic()
    try:
        asyncio.run(measure(args, report))
    except Stuck as exc:
        report.print()
        print(f"\nstopped: {exc}", file=sys.stderr)
        sys.exit(1)
    report.print()
    print(f"\n({time.monotonic() - start:.0f} s in all)")


if __name__ == "__main__":
    main()
