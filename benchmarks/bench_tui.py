"""Terminal UI speed, against the targets of issue #3.

Run:  python benchmarks/bench_tui.py [--runs N]

Both measurements run real processes on a pseudo-terminal (100×30), as a user meets
them:

* first frame: time from starting the process until the screen shows its first
  screen, for `exercise play` (the picker) and for a bare Textual app (a Label),
  interleaved in one run; target: `exercise play` within 1.2× of the bare app.
* keypress repaint: on the table (`exercise play tutorial --seat ukraine`), time from
  writing a cursor key until the terminal receives the repaint; target ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("bare app ready")

Bare().run()
"""


class Term:
    """A child process on a pseudo-terminal."""

    def __init__(self, args: list[str], cols: int = 100, rows: int = 30):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        env.pop("NO_COLOR", None)
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.buffer = b""

    def wait_for(self, marker: bytes, timeout: float = 20.0) -> float:
        """Seconds from start until ``marker`` has been written to the terminal."""
        deadline = time.perf_counter() + timeout
        while marker not in self.buffer:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{marker!r} never appeared")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.buffer += os.read(self.master, 65536)
                except OSError:
                    break
        return time.perf_counter() - self.start

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the terminal has been quiet for ``quiet`` seconds."""
        while True:
            ready, _, _ = select.select([self.master], [], [], quiet)
            if not ready:
                return
            try:
                os.read(self.master, 65536)
            except OSError:
                return

    def key_latency(self, key: bytes) -> float:
        """Seconds from writing ``key`` until the first output that follows it."""
        start = time.perf_counter()
        os.write(self.master, key)
        ready, _, _ = select.select([self.master], [], [], 2.0)
        if not ready:
            raise TimeoutError("no repaint after a keypress")
        latency = time.perf_counter() - start
        os.read(self.master, 65536)
        return latency

    def close(self) -> None:
        """Stop the child."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=10)
        os.close(self.master)


def first_frames(runs: int) -> tuple[list[float], list[float]]:
    """First-frame times of the bare app and of `exercise play`, interleaved."""
    bare_file = Path(tempfile.mkdtemp()) / "bare.py"
    bare_file.write_text(BARE_APP, encoding="utf-8")
    bare, ours = [], []
    for _ in range(runs):
        for args, marker, out in (
            ([sys.executable, str(bare_file)], b"ready", bare),
            ([sys.executable, "-m", "exercise", "play"], b"Choose", ours),
        ):
            term = Term(args)
            try:
                out.append(term.wait_for(marker))
            finally:
                term.close()
    return bare, ours


def repaint_latencies(presses: int) -> list[float]:
    """Latency of cursor keys on the table."""
    term = Term([sys.executable, "-m", "exercise", "play", "tutorial", "--seat", "ukraine",
                 "--seed", "1", "--pace", "0"])
    try:
        term.wait_for(b"Go to the table")
        term.drain()
        os.write(term.master, b"\r")
        term.wait_for(b"Delegations")
        term.drain(1.0)
        latencies = []
        for i in range(presses):
            latencies.append(term.key_latency(b"\x1b[B" if i % 2 == 0 else b"\x1b[A"))
            term.drain(0.05)
        return latencies
    finally:
        term.close()


def main() -> int:
    """Run both measurements; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args()
    bare, ours = first_frames(args.runs)
    b, o = statistics.median(bare), statistics.median(ours)
    ratio = o / b
    ok = ratio <= 1.2
    ms = 1000
    print(f"first frame, bare Textual app    median {b * ms:7.1f} ms  "
          f"best {min(bare) * ms:7.1f} ms")
    print(f"first frame, exercise play       median {o * ms:7.1f} ms  best {min(ours) * ms:7.1f} ms"
          f"  ratio {ratio:.2f}  target ≤ 1.20  {'ok' if ok else 'MISSED'}")
    latencies = repaint_latencies(args.presses)
    median = statistics.median(latencies)
    p95 = sorted(latencies)[int(len(latencies) * 0.95) - 1]
    key_ok = median <= 0.050
    print(f"keypress to repaint on the table  median {median * ms:7.1f} ms  p95 {p95 * ms:7.1f} ms"
          f"  target ≤ 50 ms  {'ok' if key_ok else 'MISSED'}")
    return 0 if ok and key_ok else 1


if __name__ == "__main__":
    sys.exit(main())
