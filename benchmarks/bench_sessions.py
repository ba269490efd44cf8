"""Session log speed, against the targets of issue #4.

Run:  python benchmarks/bench_sessions.py

* resume: rebuilding a session from a log of at least 10,000 engine events (reading,
  replaying every move through the engine, checking every event), in process and as
  `exercise replay LOG --json` in a fresh process; target ≤ 1 s.
* the cost of recording: the time to append and fsync one move with its events, the
  work added to every action in the terminal UI; target: p95 well under one 60 Hz frame
  (16.7 ms), so it adds no visible lag.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from exercise.conduct import Conductor, SeatPlan
from exercise.engine import CallVote, FireInject, Table, Vote
from exercise.scenario.limits import MAX_ROUNDS as ROUND_LIMIT
from exercise.scenario.loading import check_text
from exercise.sessions.reader import read_log
from exercise.sessions.restore import begin_log, rebuild


def long_scenario() -> str:
    """A long session within the scenario limits: the most rounds, twenty delegations,
    and an ad-hoc inject the facilitator plays again and again (each firing moves a track
    and shifts four delegations' values, as a busy facilitator's would)."""
    parties = [{"id": f"p{i}", "name": f"Party {i}", "public_brief": "b"} for i in range(20)]
    elements = [{"id": f"e{i}", "title": f"Element {i}", "summary": "s",
                 "values": {f"p{j}": (i + j) % 5 - 2 for j in range(20)},
                 "on_reject": {"t": 0.01}} for i in range(12)]
    pressure = {"id": "pressure", "title": "Pressure", "text": "More pressure.", "repeat": True,
                "effects": {"tracks": {"t": 0.001},
                            "values": {f"p{j}": {"e0": 0.01} for j in range(4)}}}
    data = {"id": "long", "title": "Long", "summary": "s", "background": "b",
            "rounds": ROUND_LIMIT, "tracks": [{"id": "t", "label": "Tension", "start": 0,
                                               "max": 100}],
            "parties": parties, "elements": elements, "injects": [pressure]}
    return yaml.safe_dump(data, sort_keys=False)


def play_long(conductor: Conductor) -> None:
    """Every round: the facilitator plays the inject 80 times, three elements are tabled,
    voting opens, every delegation votes them down."""
    game = conductor.game
    while not game.is_over:
        for _ in range(80):
            conductor.push(FireInject("pressure"), "facilitator")
        tabled = tuple(game.tableable()[:3])
        conductor.push(Table(game.proposer or "", tabled), "human")
        conductor.push(CallVote(), "facilitator")
        for party in game.awaiting():
            conductor.push(Vote(party, dict.fromkeys(tabled, "reject")), "human")


def main() -> int:
    """Build a long log, time resuming it and time recording; exit 1 if a target is missed."""
    folder = Path(tempfile.mkdtemp())
    scenario_path = folder / "long.yaml"
    scenario_path.write_text(long_scenario(), encoding="utf-8")
    checked = check_text(scenario_path.read_bytes(), str(scenario_path))
    assert checked.scenario is not None, checked.problems
    log_path = folder / "long.jsonl"
    timings: list[float] = []

    def attach(conductor):  # type: ignore[no-untyped-def]
        log = begin_log(conductor, scenario_path, path=log_path, mode="run")
        original = log.move

        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            original(*args, **kwargs)
            timings.append(time.perf_counter() - start)

        log.move = timed  # type: ignore[method-assign]

    conductor = Conductor(checked.scenario, {}, 1)
    for pid in list(conductor.seats):
        conductor.seats[pid] = SeatPlan(pid, human=True)
    attach(conductor)
    play_long(conductor)
    assert conductor.log is not None
    conductor.log.close()
    record = read_log(log_path)
    events, moves = len(record.events), len(record.moves)
    print(f"log: {events:,} events, {moves:,} moves, {log_path.stat().st_size / 1e6:.1f} MB")

    start = time.perf_counter()
    rebuild(log_path)
    in_process = time.perf_counter() - start
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "exercise", "replay", str(log_path), "--json"],
                          capture_output=True, text=True)
    fresh = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    ok_resume = in_process <= 1.0 and events >= 10_000
    print(f"rebuild from the log, in process      {in_process * 1000:7.0f} ms  "
          f"target ≤ 1000 ms  {'ok' if ok_resume else 'MISSED'}")
    print(f"exercise replay LOG --json, new process {fresh * 1000:7.0f} ms")

    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    ok_write = p95 <= 0.0167
    print(f"append + fsync one move and its events  median {median * 1000:5.2f} ms  "
          f"p95 {p95 * 1000:5.2f} ms  target p95 ≤ 16.7 ms  {'ok' if ok_write else 'MISSED'}")
    return 0 if ok_resume and ok_write else 1


if __name__ == "__main__":
    sys.exit(main())
