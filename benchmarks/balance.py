"""Each real scenario's balance against the targets of issue 12, item 2 (a measurement, not
a speed test: it prints where each scenario stands, so an author can see what to change).

Run:  python benchmarks/balance.py [-n GAMES] [SCENARIO ...]

For each scenario, with its own personas (`exercise simulate --json`):

* agreement between 25% and 75% of games;
* at most a quarter of the elements adopted in >= 97% or <= 3% of games, a hidden element
  counted over the games in which an inject put it on the table;
* every scheduled (`at`) or conditional (`when`) inject fires in at least 5% of games.

With ``--probe`` (slower: a game per seed for every seat and element), the probes of
:mod:`exercise.simulate.probe`:

* no single element, tabled alone by one seat at its first turn to propose, raises
  agreement above 90% (openings possible in fewer than a fifth of the games are not judged);
* a seat played well by a script (it tables what it values most and votes by its values)
  ends better off than the same seat played badly: no seat does measurably worse played
  well, and more than half the seats do measurably better — a mean gain at least two
  standard errors above nothing, the games paired by seed (a seat's result is its score
  when the deal is signed, else its walk-away).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

REAL = ["sketch-2024", "buffer-zone-2025", "berlin-2025", "day-after"]


def findings(name: str, games: int) -> dict[str, Any]:
    """The simulate command's JSON for a scenario."""
    done = subprocess.run([sys.executable, "-m", "exercise", "simulate", name, "-n", str(games),
                           "--json"], capture_output=True, text=True, check=True)
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def balance(data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(what, measured, target met) for each target."""
    games = data["games"]
    agreement = data["outcomes"].get("agreement", {}).get("rate", 0.0)
    fired = {i["id"]: i["fired"] for i in data["injects"]}
    extreme = []
    for e in data["elements"]:
        shown = max((fired.get(i, 0) for i in e.get("added_by", [])), default=0) \
            if e["hidden"] else games
        if not shown:
            continue  # never on the table: nothing to decide
        rate = e["adopted"] / shown
        if rate >= 0.97 or rate <= 0.03:
            extreme.append(f"{e['id']} {rate:.0%}")
    counted = sum(1 for e in data["elements"] if not e["hidden"] or any(
        fired.get(i, 0) for i in e.get("added_by", [])))
    quiet = [f"{i['id']} {i['fired'] / games:.1%}" for i in data["injects"]
             if i["trigger"] in ("at", "when") and i["fired"] / games < 0.05]
    return [
        ("agreement 25–75%", f"{agreement:.1%}", 0.25 <= agreement <= 0.75),
        ("elements at ≥97% or ≤3%: at most a quarter",
         f"{len(extreme)} of {counted}" + (f" ({', '.join(extreme)})" if extreme else ""),
         len(extreme) <= counted / 4),
        ("scheduled and conditional injects fire in ≥5%",
         "all do" if not quiet else ", ".join(quiet), not quiet),
    ]


def probes(name: str, games: int) -> list[tuple[str, str, bool]]:
    """(what, measured, target met) for the two probes, over seeds 0..games-1."""
    from exercise import catalog
    from exercise.engine.rulebook import Rulebook
    from exercise.scenario.loading import load_scenario
    from exercise.simulate import probe

    book = Rulebook(load_scenario(catalog.resolve(name)))
    seeds = range(games)
    base = probe.baseline(book, seeds)
    openings = [o for o in probe.first_turn(book, seeds) if o.games >= games * probe.MIN_SHARE]
    top = sorted(openings, key=lambda o: -o.agreement)[:3]
    contrasts = [probe.scripted_seat(book, seat, seeds) for seat in book.voters]
    verdict = probe.judge(contrasts)
    return [
        ("one opening element: agreement ≤ 90%",
         f"baseline {base:.0%}; best openings " + ", ".join(
             f"{o.seat} {o.element} {o.agreement:.0%}" for o in top),
         all(o.agreement <= probe.MAX_OPENING for o in openings)),
        ("a seat played well beats it played badly",
         "; ".join(f"{c.seat} {c.well:+.1f}/{c.badly:+.1f}" + ("*" if c.measurable else "")
                   for c in contrasts) + " (well/badly; * measurably better)", verdict),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=REAL)
    parser.add_argument("-n", "--games", type=int, default=2000)
    parser.add_argument("--probe", action="store_true",
                        help="also run the opening and scripted-seat probes")
    parser.add_argument("--probe-games", type=int, default=100,
                        help="games per probe (default 100)")
    args = parser.parse_args()
    for name in args.scenarios:
        print(f"{name} ({args.games:,} games)")
        rows = balance(findings(name, args.games))
        if args.probe:
            rows += probes(name, args.probe_games)
        for what, measured, ok in rows:
            print(f"  {'ok  ' if ok else 'MISS'} {what:<46} {measured}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
