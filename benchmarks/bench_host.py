"""Hosting on loopback: seats connected over SSH, key-to-repaint time, memory per seat.

    python benchmarks/bench_host.py [--seats 8] [--big 30] [--keys 40]

The host (this process) serves a small remote app per seat through the real transport
(exercise.host: the SSH server, the seat registry, the stream driver); the clients run
in a second process, as students' laptops would, so the host's memory is its own. For
each seat count it prints: connect time for all seats, the host's memory per extra
seat, and the 50th/95th percentile time from a keypress on one seat to that seat's
repainted screen arriving. (The issue's targets, for the real seat app: p95 <= 150 ms
with 8 seats, <= 15 MB of host memory per extra seat, 30 seats connect and play.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

CLIENT = r'''
import asyncio, json, sys, time
import asyncssh

async def seat(port, code, keys, out):
    conn = await asyncssh.connect("127.0.0.1", port, username="s", password=code,
                                  known_hosts=None, client_keys=None, agent_path=None)
    proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding=None)
    seen = b""
    async def until(marker):
        nonlocal seen
        while marker not in seen:
            seen += await proc.stdout.read(65536)
    await until(b"pressed 0")
    out["ready"] += 1
    return conn, proc, until

async def main():
    port, codes, keys = int(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
    out = {"ready": 0}
    start = time.perf_counter()
    seats = await asyncio.gather(*(seat(port, c, keys, out) for c in codes))
    connect = time.perf_counter() - start
    print(json.dumps({"connect": connect}), flush=True)
    sys.stdin.readline()  # the host measures its memory now
    conn, proc, until = seats[0]
    times = []
    for k in range(1, keys + 1):
        t = time.perf_counter()
        proc.stdin.write(b"x")
        await until(f"pressed {k}".encode())
        times.append(time.perf_counter() - t)
        await asyncio.sleep(0.02)
    times.sort()
    print(json.dumps({"p50": times[len(times) // 2], "p95": times[int(len(times) * .95) - 1]}),
          flush=True)
    for conn, _, _ in seats:
        conn.close()

asyncio.run(main())
'''


def rss_mb() -> float:
    """This process's resident memory, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


async def measure(seats: int, keys: int) -> dict[str, float]:
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.widgets import DataTable, Label

    from exercise.host.codes import Codes
    from exercise.host.remote import RemoteApp
    from exercise.host.server import Host, HostConfig

    class Seat(RemoteApp):
        """A seat-sized screen: a title, a 20-row table, a counter."""

        BINDINGS = [Binding("x", "count", "Count")]

        def __init__(self, viewer: str, connection: object) -> None:
            super().__init__(driver_class=connection.terminal.driver_class())  # type: ignore[attr-defined]
            self.viewer, self.count = viewer, 0

        def compose(self) -> ComposeResult:
            yield Label(f"seat {self.viewer}", markup=False)
            table: DataTable[str] = DataTable()
            table.add_columns("element", "status", "value")
            for i in range(20):
                table.add_row(f"element {i}", "open", str(i))
            yield table
            yield Label("pressed 0", id="count")

        def action_count(self) -> None:
            self.count += 1
            self.query_one("#count", Label).update(f"pressed {self.count}")

    # The transport reads only the scenario's title and the seat plan of the room.
    room = SimpleNamespace(conductor=SimpleNamespace(seats={},
                                                     scenario=SimpleNamespace(title="bench")))

    viewers = [f"s{i}" for i in range(seats)]
    codes = Codes.create(viewers)
    with tempfile.TemporaryDirectory() as keys_dir:
        host = Host(room, codes, Seat,  # type: ignore[arg-type]
                    HostConfig(ssh_port=0, web_port=None, key_folder=Path(keys_dir)))
        await host.start()
        before = rss_mb()
        client = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLIENT, str(host.ssh_port),
            json.dumps([codes.by_viewer[v] for v in viewers]), str(keys),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert client.stdout is not None and client.stdin is not None
        first = json.loads(await asyncio.wait_for(client.stdout.readline(), 300))
        await asyncio.sleep(0.5)
        after = rss_mb()
        client.stdin.write(b"\n")
        await client.stdin.drain()
        second = json.loads(await asyncio.wait_for(client.stdout.readline(), 300))
        await client.wait()
        await host.stop()
    return {"seats": seats, "connect_s": first["connect"],
            "mb_per_seat": (after - before) / seats,
            "p50_ms": second["p50"] * 1000, "p95_ms": second["p95"] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seats", type=int, default=8)
    parser.add_argument("--big", type=int, default=30)
    parser.add_argument("--keys", type=int, default=40)
    args = parser.parse_args()
    print(f"{'seats':>5} {'connect':>9} {'MB/seat':>8} {'key p50':>8} {'key p95':>8}")
    for n in (args.seats, args.big):
        started = time.perf_counter()
        row = asyncio.run(measure(n, args.keys))
        print(f"{row['seats']:>5} {row['connect_s']:>8.2f}s {row['mb_per_seat']:>8.1f} "
              f"{row['p50_ms']:>6.0f}ms {row['p95_ms']:>6.0f}ms"
              f"   ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
