"""Each real scenario's balance against the targets of issue 12, item 2 (a measurement, not
a speed test: it prints where each scenario stands, so an author can see what to change).

Run:  python benchmarks/balance.py [-n GAMES] [SCENARIO ...]

For each scenario, with its own personas (`exercise simulate --json`):

* agreement between 25% and 75% of games;
* at most a quarter of the elements adopted in >= 97% or <= 3% of games, a hidden element
  counted over the games in which an inject put it on the table;
* every scheduled (`at`) or conditional (`when`) inject fires in at least 5% of games.

Not measured here (yet): the first-turn single-element check and a seat played well
against one played badly.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=REAL)
    parser.add_argument("-n", "--games", type=int, default=2000)
    args = parser.parse_args()
    for name in args.scenarios:
        print(f"{name} ({args.games:,} games)")
        for what, measured, ok in balance(findings(name, args.games)):
            print(f"  {'ok  ' if ok else 'MISS'} {what:<46} {measured}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
