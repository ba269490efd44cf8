"""Start-up and validation speed of the command line, against the targets of issue #2.

Run:  python benchmarks/bench_cli.py [--runs N]

Prints, for each measurement, the median and best wall time over N runs of a fresh
process (as a user meets it), and whether the target holds:

* ``exercise --help``                                   target ≤ 0.15 s
* ``exercise validate`` on a generated scenario with
  200 elements and 500 injects                          target ≤ 0.5 s
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def generated_scenario(elements: int = 200, injects: int = 500, parties: int = 7) -> str:
    """A large valid scenario: every kind of key, references across the file."""
    pids = [f"p{i}" for i in range(parties)]
    data = {
        "id": "generated",
        "title": "Generated scenario",
        "summary": "A large scenario for timing.",
        "background": "Generated.",
        "rounds": 12,
        "learning_objectives": [{"id": f"lo{i}", "text": f"Objective {i}"} for i in range(5)],
        "sources": [{"id": "src", "outlet": "Outlet", "title": "Title", "date": "2025-12"}],
        "tracks": [
            {"id": "escalation", "label": "Escalation", "start": 2, "collapse_at": 10},
            {"id": "trust", "label": "Trust", "start": 5},
        ],
        "parties": [
            {
                "id": pid,
                "name": f"Party {i}",
                "short": f"P{i}",
                "role": "principal" if i < 2 else "guarantor",
                "public_brief": f"Public brief of party {i}.",
                "private_brief": f"Private brief of party {i}.",
                "walk_away": i,
                "bot": {"persona": ["hardliner", "pragmatist", "cooperative"][i % 3]},
            }
            for i, pid in enumerate(pids)
        ],
        "elements": [
            {
                "id": f"e{i}",
                "title": f"Element {i}",
                "summary": f"Summary of element {i}, long enough to be a sentence.",
                "category": "security",
                "source": {"ref": "src", "quote": "A quote."},
                "consent": [pids[i % parties]],
                "requires": [f"e{i - 1}"] if i % 10 == 9 else [],
                "excludes": [f"e{i + 1}"] if i % 20 == 3 else [],
                "stances": {p: ["support", "oppose", "neutral"][(i + j) % 3]
                            for j, p in enumerate(pids)},
                "values": {p: (i * 7 + j * 3) % 9 - 4 for j, p in enumerate(pids)},
                "effects": {"escalation": -1} if i % 4 == 0 else {},
                "on_reject": {"escalation": 1},
                "objectives": [f"lo{i % 5}"],
            }
            for i in range(elements)
        ],
        "injects": [
            {
                "id": f"i{i}",
                "title": f"Inject {i}",
                "text": f"Something happens ({i}).",
                "source": {"ref": "src", "quote": "A quote."},
                **(
                    {"at": {"round": 1 + i % 12}}
                    if i % 3 == 0
                    else {"when": {"all": [{"track": "escalation", "at_least": 3},
                                           {"element": f"e{i % elements}", "status": "adopted"}]}}
                    if i % 3 == 1
                    else {}
                ),
                "audience": "all" if i % 5 else [pids[i % parties]],
                "effects": {"tracks": {"trust": -1}, "stances": {pids[0]: {f"e{i % elements}":
                                                                           "oppose"}}},
                "facilitator_note": "Watch the room.",
                "questions": ["What now?"],
                "objectives": [f"lo{i % 5}"],
            }
            for i in range(injects)
        ],
        "debrief": {"questions": ["What happened?"]},
    }
    return yaml.safe_dump(data, sort_keys=False)


def time_command(args: list[str], runs: int) -> list[float]:
    """Wall times of ``args`` in fresh processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed:\n{done.stderr}")
    return times


def report(label: str, times: list[float], target: float) -> bool:
    """Print one measurement; return whether it met its target."""
    median = statistics.median(times)
    ok = median <= target
    print(f"{label:<48} median {median * 1000:7.1f} ms  best {min(times) * 1000:7.1f} ms  "
          f"target {target * 1000:.0f} ms  {'ok' if ok else 'MISSED'}")
    return ok


def main() -> int:
    """Run the benchmarks; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = [sys.executable, "-m", "exercise"]
    ok = report("exercise --help", time_command([*exe, "--help"], args.runs), 0.15)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.yaml"
        path.write_text(generated_scenario(), encoding="utf-8")
        size = path.stat().st_size
        check = subprocess.run([*exe, "validate", str(path)], capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit(f"the generated scenario is not valid:\n{check.stdout}{check.stderr}")
        label = f"exercise validate (200 elements, 500 injects, {size // 1024} KiB)"
        ok &= report(label, time_command([*exe, "validate", str(path)], args.runs), 0.5)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
