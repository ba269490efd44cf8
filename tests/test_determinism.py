"""Promise 8 (deterministic everywhere): the engine iterates in the scenario's file order, so
one log replays the same in every process, whatever its hash seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from exercise.engine import Game, Table, Vote

from .conftest import REPO, load, scenario_data, to_yaml

WIDE = scenario_data(
    rounds=2,
    elements=[
        {"id": "grand-bargain", "title": "Grand bargain", "summary": "Everything at once.",
         "excludes": ["zeta", "alpha", "mike", "kilo"],
         "values": {"ukraine": 5, "russia": 5, "us": 5}},
        {"id": "alpha", "title": "Alpha", "summary": "a"},
        {"id": "kilo", "title": "Kilo", "summary": "k"},
        {"id": "mike", "title": "Mike", "summary": "m"},
        {"id": "zeta", "title": "Zeta", "summary": "z"},
    ],
)


def _run(*args: str, seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-m", "exercise", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_exclusions_are_marked_in_file_order():
    """Promise 8: adopting an element that excludes several marks them in the order the file
    lists the elements, not in a set's order."""
    game = Game(load(WIDE), seed=1)
    game.push(Table("ukraine", ("grand-bargain",)))
    from exercise.engine import CallVote

    game.push(CallVote())
    for party in game.awaiting():
        game.push(Vote(party, {"grand-bargain": "accept"}))
    excluded = [e.data["element"] for e in game.events if e.kind == "element_excluded"]
    assert excluded == ["alpha", "kilo", "mike", "zeta"]


def test_a_log_replays_the_same_under_every_hash_seed(tmp_path):
    """Promise 8: a log written in a process with one PYTHONHASHSEED replays, reports and
    resumes identically in processes with others."""
    scenario = Path(tmp_path) / "wide.yaml"
    scenario.write_text(to_yaml(WIDE), encoding="utf-8")
    log = Path(tmp_path) / "wide.jsonl"
    moves = Path(tmp_path) / "moves.yaml"
    moves.write_text(to_yaml([{"table": {"party": "ukraine", "elements": ["grand-bargain"]}},
                              {"vote": {"party": "ukraine",
                                        "votes": {"grand-bargain": "accept"}}}]),
                     encoding="utf-8")
    first = _run("run", str(scenario), "--moves", str(moves), "--bots", "russia,us",
                 "--log", str(log), "--json", seed="1")
    assert first.returncode == 0, first.stderr
    outputs = set()
    for seed in ("2", "3", "4", "5", "random"):
        replayed = _run("replay", str(log), "--json", seed=seed)
        assert replayed.returncode == 0, (seed, replayed.stderr)
        outputs.add(replayed.stdout)
        report = _run("report", str(log), "--format", "json", seed=seed)
        assert report.returncode == 0, (seed, report.stderr)
        outputs.add(json.dumps(json.loads(report.stdout)))
    assert len(outputs) == 2  # one replay and one report, the same in every process
