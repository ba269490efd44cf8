"""Hosting speed and memory over loopback, against the targets of issue #10 (item 10).

Run:  python benchmarks/bench_host.py [--keys N] [--many N]

The host runs in a child process (so that its memory is measured alone) with the
tests' demo seat app (it shows its viewer, the last key and its size); this process
plays the browsers (websockets speaking textual-serve's page protocol) and one SSH
terminal, each keeping a pyte screen of what it is sent.

* memory per extra seat: the host's resident memory with 1 seat and with 8, divided;
  target ≤ 15 MB.
* keypress repaint: with 8 seats connected, time from sending a key on one seat until
  its screen shows it, over the web and over SSH; target p95 ≤ 150 ms.
* many seats: how long ``--many`` browsers (30) take to connect at once until every
  one shows its screen, the memory then, and one seat's keypress repaint meanwhile.

The real seat apps are heavier than the demo app; these figures are the transport's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import asyncssh
import pyte

REPO = Path(__file__).resolve().parents[1]
SERVE = """
import asyncio, json, sys, tempfile
from pathlib import Path
sys.path.insert(0, {repo!r})
from exercise.host.codes import JoinCodes
from exercise.host.server import Host
from tests.host.demo import demo_factory

async def main():
    codes = JoinCodes.fresh([f"seat{{n:02d}}" for n in range({seats})])
    host = Host(demo_factory, codes, ssh_port=0, web_port=0,
                key_folder=Path(tempfile.mkdtemp()), max_sessions=100)
    await host.start()
    print(json.dumps({{"web": host.web_port, "ssh": host.ssh_port,
                      "codes": {{v: codes.code_for(v) for v in codes.viewers}}}}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await host.stop()

asyncio.run(main())
"""


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (Linux), or NaN."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Screen:
    """What one client was sent, as a terminal shows it."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)
        self.changed.set()

    async def shows(self, text: str, timeout: float = 60.0) -> None:
        async with asyncio.timeout(timeout):
            while not any(text in line for line in self.screen.display):
                self.changed.clear()
                await self.changed.wait()


class Browser:
    """A page's websocket."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http = http
        self.url = url
        self.view = Screen()
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self.reader: asyncio.Future[None] | None = None

    async def connect(self) -> None:
        self.socket = await self.http.ws_connect(self.url + "?width=80&height=24")
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.socket is not None
        async for message in self.socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.view.feed(message.data)

    async def press(self, key: str) -> None:
        assert self.socket is not None
        await self.socket.send_str(json.dumps(["stdin", key]))


class Terminal(asyncssh.SSHClientSession[bytes]):
    """An ssh client's terminal."""

    def __init__(self) -> None:
        self.view = Screen()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.view.feed(data)


async def repaint_times(press, view: Screen, keys: int) -> list[float]:
    """Seconds from each key until the screen shows it."""
    times = []
    for n in range(keys):
        key = "ab"[n % 2]
        start = time.perf_counter()
        await press(key)
        await view.shows(f"Last key: {key}")
        times.append(time.perf_counter() - start)
        await asyncio.sleep(0.05)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] * 1000


async def measure(args: argparse.Namespace) -> None:
    seats = max(args.many, 8)
    child = subprocess.Popen([sys.executable, "-c", SERVE.format(repo=str(REPO), seats=seats)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             cwd=tempfile.mkdtemp())
    try:
        assert child.stdout is not None
        info = json.loads(child.stdout.readline())
        base = f"ws://127.0.0.1:{info['web']}/ws/"
        codes = info["codes"]
        viewers = sorted(codes)
        print(f"host started: {rss_mb(child.pid):.0f} MB resident")
        async with aiohttp.ClientSession() as http:
            browsers = [Browser(http, base + codes[v]) for v in viewers]
            await browsers[0].connect()
            await browsers[0].view.shows("Seat: seat00")
            one = rss_mb(child.pid)
            for browser, viewer in zip(browsers[1:8], viewers[1:8], strict=True):
                await browser.connect()
                await browser.view.shows(f"Seat: {viewer}")
            await asyncio.sleep(1.0)
            eight = rss_mb(child.pid)
            print(f"1 seat: {one:.0f} MB; 8 seats: {eight:.0f} MB; "
                  f"per extra seat: {(eight - one) / 7:.1f} MB (target ≤ 15)")
            web = await repaint_times(browsers[1].press, browsers[1].view, args.keys)
            print(f"keypress repaint, web, 8 seats: p50 {statistics.median(web) * 1000:.0f} ms, "
                  f"p95 {p95(web):.0f} ms (target ≤ 150)")
            async with asyncssh.connect("127.0.0.1", info["ssh"], username="bench",
                                        password=codes[viewers[0]], known_hosts=None,
                                        client_keys=None, agent_path=None) as conn:
                channel, terminal = await conn.create_session(
                    Terminal, term_type="xterm-256color", term_size=(80, 24), encoding=None)
                await terminal.view.shows("Seat: seat00")

                async def type_ssh(key: str) -> None:
                    channel.write(key.encode())

                ssh = await repaint_times(type_ssh, terminal.view, args.keys)
                print(f"keypress repaint, ssh, 8 seats: p50 "
                      f"{statistics.median(ssh) * 1000:.0f} ms, p95 {p95(ssh):.0f} ms "
                      f"(target ≤ 150)")
                start = time.perf_counter()
                rest = browsers[8:args.many]
                await asyncio.gather(*(b.connect() for b in rest))
                await asyncio.gather(*(b.view.shows(f"Seat: {v}")
                                       for b, v in zip(rest, viewers[8:args.many],
                                                       strict=True)))
                took = time.perf_counter() - start
                await asyncio.sleep(1.0)
                many = rss_mb(child.pid)
                print(f"{args.many} seats: the last {len(rest)} connected at once in "
                      f"{took:.1f} s; {many:.0f} MB resident, "
                      f"{(many - one) / max(args.many - 1, 1):.1f} MB per extra seat")
                crowded = await repaint_times(browsers[1].press, browsers[1].view, args.keys)
                print(f"keypress repaint, web, {args.many} seats: p50 "
                      f"{statistics.median(crowded) * 1000:.0f} ms, p95 {p95(crowded):.0f} ms")
    finally:
        with contextlib.suppress(OSError):
            if child.stdin:
                child.stdin.close()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40, help="keys per repaint measure")
    parser.add_argument("--many", type=int, default=30, help="seats for the crowd measure")
    args = parser.parse_args()
    os.environ.pop("NO_COLOR", None)
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
