"""Simulation speed and memory, against the targets of issue #5.

Run:  python benchmarks/bench_simulate.py            (speed and memory, about a minute)
      python benchmarks/bench_simulate.py --quick    (speed only)

* speed: 10,000 computer-only games of every bundled scenario on one core, best of three
  runs, each from a cold start (a fresh rulebook, nothing remembered from the last run);
  games/s and rounds/s. Target: the largest bundled scenario in ≤ 2 s. Then the same for
  ``exercise simulate`` as a user runs it, in a fresh process, start-up included.
* memory: peak resident memory of a fresh process playing 10,000 to 400,000 games of the
  largest scenario. The statistics are streamed and the states the simulator remembers
  are capped, so the peak levels off instead of growing with the number of games.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from exercise import catalog
from exercise.engine.rulebook import Rulebook
from exercise.scenario.loading import check_text
from exercise.simulate.runner import simulate
from exercise.simulate.stats import Tally, layout

GAMES = 10_000
TARGET_S = 2.0
MEMORY_GAMES = (10_000, 50_000, 100_000, 200_000, 400_000)

_MEMORY_PROBE = """
import resource, sys
from exercise import catalog
from exercise.engine.rulebook import Rulebook
from exercise.scenario.loading import check_text
from exercise.simulate.runner import simulate
path = catalog.resolve(sys.argv[1])
book = Rulebook(check_text(path.read_bytes(), str(path)).scenario)
simulate(book, int(sys.argv[2]), 0)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def load(path) -> Rulebook:  # type: ignore[no-untyped-def]
    checked = check_text(path.read_bytes(), str(path))
    assert checked.scenario is not None, checked.problems
    return Rulebook(checked.scenario)


def rounds_played(book: Rulebook, tally: Tally) -> int:
    """Rounds summed over every game (a game ending in round r played r rounds)."""
    start = layout(book).round
    return sum(r * tally.sums[start + r] for r in range(book.rounds + 1))


def size(book: Rulebook) -> tuple[int, int, int]:
    """How big a scenario is to simulate: parties × elements, then rounds, then injects."""
    s = book.scenario
    return (len(s.parties) * len(s.elements), s.rounds, len(s.injects))


def speed(runs: int) -> bool:
    print(f"{GAMES:,} computer-only games per scenario, one core, best of {runs}")
    print(f"{'scenario':<22}{'parties':>8}{'elements':>9}{'rounds':>7}"
          f"{'seconds':>9}{'games/s':>10}{'rounds/s':>10}")
    largest, largest_time = "", 0.0
    biggest: tuple[int, int, int] = (-1, -1, -1)
    for entry in catalog.bundled():
        best, played = float("inf"), 0
        for _ in range(runs):
            book = load(entry.path)  # cold: nothing the bots remember survives a run
            start = time.perf_counter()
            tally = simulate(book, GAMES, 0)
            best = min(best, time.perf_counter() - start)
            played = rounds_played(book, tally)
        s = book.scenario
        print(f"{entry.name:<22}{len(s.parties):>8}{len(s.elements):>9}{s.rounds:>7}"
              f"{best:>9.2f}{GAMES / best:>10,.0f}{played / best:>10,.0f}")
        if size(book) > biggest:
            biggest, largest, largest_time = size(book), entry.name, best
    ok = largest_time <= TARGET_S
    print(f"largest: {largest}, {GAMES:,} games in {largest_time:.2f} s  "
          f"target ≤ {TARGET_S:.0f} s  {'ok' if ok else 'MISSED'}")

    command = [sys.executable, "-m", "exercise", "simulate", largest, "-n", str(GAMES), "-q"]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
    print(f"exercise simulate {largest} -n {GAMES:,}, a fresh process: {best:.2f} s")
    return ok and largest != ""


def memory() -> bool:
    largest = max(catalog.bundled(), key=lambda e: size(load(e.path))).name
    print(f"\npeak memory of a fresh process simulating {largest}")
    peaks = []
    for games in MEMORY_GAMES:
        done = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, largest, str(games)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        peaks.append(int(done.stdout.strip()) / 1024)
        print(f"{games:>10,} games  {peaks[-1]:6.0f} MB")
    # Levelled off: doubling the games at the end adds (almost) nothing.
    ok = peaks[-1] <= peaks[-2] * 1.05
    print(f"{MEMORY_GAMES[-2]:,} → {MEMORY_GAMES[-1]:,} games: "
          f"{peaks[-1] - peaks[-2]:+.0f} MB  target: level  {'ok' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="speed only, one run each")
    args = parser.parse_args()
    ok = speed(1 if args.quick else 3)
    if not args.quick:
        ok = memory() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
