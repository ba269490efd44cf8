"""The deal analysis at the scenario limits, case by case (issue 11, promise 5).

Run:  python benchmarks/bench_analysis.py [--repeat N]

Each case is one call of :func:`exercise.analysis.analyse` in process at 250 elements (the
element limit), built to stress one part: the search's budget with 20 parties, sums that
need rounding, the frontier's upkeep (two parties whose interests are opposed make a frontier
of every package), many packages with the same values, and a deal no package betters, which
sends the second search to its budget. A report analyses a game twice (values at the start
and at the end), so each case has its own target: ≤ 2 s, best of ``--repeat`` runs, and the
line says what was exact and what was bounded.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from exercise.analysis import DealAnalysis, analyse  # noqa: E402
from exercise.scenario import limits as lim  # noqa: E402

TARGET_S = 2.0
ELEMENTS = [f"e{i}" for i in range(lim.MAX_ELEMENTS)]


def parties(count: int) -> list[str]:
    """Party ids."""
    return [f"p{k}" for k in range(count)]


def random_values(count: int, rng: random.Random, *, decimals: bool = False) -> dict[str, Any]:
    """Values from -5 to 9 for every party and element (tenths when ``decimals``)."""
    if decimals:
        return {p: {e: rng.randint(-50, 90) / 10 for e in ELEMENTS} for p in parties(count)}
    return {p: {e: rng.randint(-5, 9) for e in ELEMENTS} for p in parties(count)}


def cases() -> dict[str, Callable[[], DealAnalysis]]:
    """The cases, each a call ready to time."""
    rng = random.Random(1)
    twenty = random_values(lim.MAX_PARTIES, rng)
    tenths = random_values(lim.MAX_PARTIES, rng, decimals=True)
    zero20 = dict.fromkeys(parties(lim.MAX_PARTIES), 0)
    # Two parties, opposed: what one gains the other loses, so no package betters another.
    opposed = {"p0": {e: i + 1 for i, e in enumerate(ELEMENTS)},
               "p1": {e: -(i + 1) for i, e in enumerate(ELEMENTS)}}
    # Most elements worth nothing to anyone: packages share their values by the thousand.
    sparse = {p: {e: (rng.randint(1, 9) if i % 25 == 0 else 0) for i, e in enumerate(ELEMENTS)}
              for p in parties(3)}
    # Three parties and a deal no package betters: the best for the first party, and among
    # those the best for the other two together; the hunt for a better one prunes every
    # branch that loses the first party anything, and still has a way to try for each set
    # of the elements that party is indifferent to (17 of them: 2^17 sets).
    three = random_values(3, rng)
    best_for_p0 = [e for e in ELEMENTS if three["p0"][e] > 0 or (three["p0"][e] == 0
                   and three["p1"][e] + three["p2"][e] > 0)]
    # A chain of requirements and every fifth element excluding the next.
    chain = {e: [ELEMENTS[i - 1]] for i, e in enumerate(ELEMENTS) if i % 2}
    clash = {e: [ELEMENTS[i + 1]] for i, e in enumerate(ELEMENTS[:-1]) if i % 5 == 0}
    for e, others in list(clash.items()):
        for x in others:
            clash.setdefault(x, []).append(e)
    return {
        "20 parties, no deal (bench_limits' case)":
            lambda: analyse(ELEMENTS, {}, {}, twenty, zero20, parties(20), ()),
        "20 parties, tenths, a deal of 5 elements":
            lambda: analyse(ELEMENTS, {}, {}, tenths, zero20, parties(20), ELEMENTS[:5]),
        # A deal on the frontier among astronomically many packages of the same values: the
        # hunt for a better one runs to its budget.
        "2 opposed parties (every package on the frontier)":
            lambda: analyse(ELEMENTS, {}, {}, opposed, {"p0": -10**6, "p1": -10**6},
                            ["p0", "p1"], ELEMENTS[:40]),
        "3 parties, 240 elements worth nothing":
            lambda: analyse(ELEMENTS, {}, {}, sparse, dict.fromkeys(parties(3), 0),
                            parties(3), ELEMENTS[:25]),
        "3 parties, a deal no package betters":
            lambda: analyse(ELEMENTS, {}, {}, three, dict.fromkeys(parties(3), -50),
                            parties(3), best_for_p0),
        "6 parties, requires and excludes":
            lambda: analyse(ELEMENTS, chain, clash, random_values(6, rng),
                            dict.fromkeys(parties(6), 0), parties(6), ELEMENTS[:4]),
    }


def describe(deal: DealAnalysis) -> str:
    """What was exact and what was bounded."""
    search = "truncated" if deal.truncated else "exact"
    if deal.frontier_complete:
        frontier = f"frontier of {deal.frontier_size:,}, all listed"
    elif deal.frontier_size is not None:
        frontier = f"frontier of {deal.frontier_size:,}, {len(deal.frontier)} listed"
    else:
        frontier = f"frontier partial, {len(deal.frontier)} listed"
    if deal.deal_on_frontier is None:
        dominance = "no deal"
    elif deal.dominating_package is not None:
        dominance = "deal beaten"
    else:
        dominance = "deal unbeaten" + (" (proven)" if deal.dominance_exact else " (none found)")
    return f"{search}; {frontier}; {dominance}"


def main() -> int:
    """Time every case; exit 1 if one misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case, best kept (3)")
    args = parser.parse_args()
    ok = True
    for label, call in cases().items():
        best_wall = best_cpu = float("inf")
        deal = None
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            deal = call()
            best_wall = min(best_wall, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        assert deal is not None
        met = best_wall <= TARGET_S
        ok &= met
        print(f"{label:<52} {best_wall:5.2f} s wall {best_cpu:5.2f} s cpu  target {TARGET_S:g} s "
              f"{'ok' if met else 'MISSED'}  [{describe(deal)}]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
