"""Promise 2 (crash recovery always works): a log cut at any byte resumes, replays and reports.

A crash can only cut a log short (see exercise.sessions.log): a last line without its
newline, or a batch (a move and its events) whose last records never reached the disk.
Both are dropped whole, with a message naming the move lost, and repair needs no --force.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exercise.headless import drive, headless_room, play
from exercise.reports import render_report
from exercise.scenario.loading import load_scenario
from exercise.sessions.reader import read_log
from exercise.sessions.restore import RestoreError, begin_log, rebuild, resume

from .conftest import run_cli, scenario_data, to_yaml

SMALL = scenario_data(
    rounds=2,
    tracks=[{"id": "escalation", "label": "Escalation", "start": 3, "collapse_at": 9}],
    elements=[
        {"id": "dmz", "title": "Buffer zone", "summary": "A zone.",
         "values": {"ukraine": 3, "russia": 2, "us": 1}, "effects": {"escalation": -1}},
        {"id": "monitoring", "title": "US monitoring", "summary": "Drones.",
         "values": {"ukraine": 2, "russia": -1, "us": 2}, "on_reject": {"escalation": 1}},
    ],
    injects=[{"id": "strike", "title": "Strike", "text": "A strike.", "at": {"round": 2},
              "effects": {"tracks": {"escalation": 1}}}],
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small session played to its end by the computer, its log, and its result."""
    folder = tmp_path_factory.mktemp("small")
    scenario = folder / "small.yaml"
    scenario.write_text(to_yaml(SMALL), encoding="utf-8")
    log = folder / "whole.jsonl"
    loaded = load_scenario(scenario)
    result = play(loaded, bots=[p.id for p in loaded.voters], seed=4,
                  log=lambda c: begin_log(c, scenario, path=log))
    assert result.conductor is not None and result.conductor.log is not None
    result.conductor.log.close()
    assert result.game.is_over
    return {"folder": folder, "scenario": scenario, "log": log, "bytes": log.read_bytes(),
            "result": result.game.result()}


def _header_length(data: bytes) -> int:
    return data.index(b"\n") + 1


def test_a_log_cut_at_every_byte_resumes_to_the_same_end(small, tmp_path):
    """Promise 2: cut the log at every byte offset; each cut resumes (no --force) and plays
    on to exactly the end of the uninterrupted run. A cut inside the header leaves nothing
    to resume, and says so; a cut after the end is an ended session, which replays."""
    data: bytes = small["bytes"]
    header = _header_length(data)
    copy = Path(tmp_path) / "cut.jsonl"
    resumed = 0
    for offset in range(len(data) + 1):
        copy.write_bytes(data[:offset])
        if offset < header:
            with pytest.raises(RestoreError, match=r"empty|ends inside its header"):
                resume(copy)
            continue
        try:
            restored = resume(copy)
        except RestoreError as exc:
            assert "has ended" in str(exc), (offset, str(exc))
            assert rebuild(copy).conductor.game.result() == small["result"], offset
            continue
        drive(headless_room(restored.conductor, restored.record.timers))
        assert restored.conductor.log is not None
        restored.conductor.log.close()
        assert restored.conductor.game.result() == small["result"], offset
        after = read_log(copy)
        assert not after.damaged() and after.ended, offset
        assert rebuild(copy).conductor.game.result() == small["result"], offset
        resumed += 1
    assert resumed > len(data) // 2


def _move_line_end(data: bytes, number: int) -> int:
    """The offset just after the line of move ``number``."""
    offset = 0
    for line in data.splitlines(keepends=True):
        offset += len(line)
        record = json.loads(line)
        if record["type"] == "move" and record["n"] == number:
            return offset
    raise AssertionError(f"no move {number}")


def test_a_batch_cut_after_its_move_line_is_dropped_with_a_message(small, tmp_path):
    """Promise 2: a crash that cuts a move's batch after the move line (the events not yet
    on disk) drops that move whole; resume, replay and report all work, and say which move
    was lost and that nobody saw it."""
    data: bytes = small["bytes"]
    log = Path(tmp_path) / "batch.jsonl"
    log.write_bytes(data[:_move_line_end(data, 3)])
    record = read_log(log)
    assert record.lost is not None and record.lost.move == 3
    assert len(record.moves) == 2
    for command in (["replay", str(log), "--json"], ["report", str(log)]):
        done = run_cli(*command)
        assert done.returncode == 0, done.stderr
        assert "move 3" in done.stderr and "never shown" in done.stderr
        assert "Traceback" not in done.stderr
    done = run_cli("resume", str(log), "--json")
    assert done.returncode == 0, done.stderr
    assert "move 3" in done.stderr and "--force" not in done.stderr
    assert json.loads(done.stdout) == small["result"]
    assert not read_log(log).damaged()


def test_a_log_without_batch_counts_is_repaired_the_same_way(small, tmp_path):
    """Promise 2: logs written before batches were counted (no "batch" keys) are repaired
    too: a last move whose events are a strict beginning of what the engine sets off is
    dropped, not refused."""
    records = [json.loads(line) for line in small["bytes"].splitlines()]
    for record in records:
        record.pop("batch", None)
    plain = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    log = Path(tmp_path) / "old.jsonl"
    log.write_bytes(plain[:_move_line_end(plain, 2)])
    restored = rebuild(log)
    assert restored.record.lost is not None and restored.record.lost.move == 2
    assert any("move 2" in w for w in restored.warnings)
    resumed = resume(log)
    drive(headless_room(resumed.conductor, resumed.record.timers))
    assert resumed.conductor.log is not None
    resumed.conductor.log.close()
    assert resumed.conductor.game.result() == small["result"]


def test_a_torn_log_reports_and_replays_without_changing_the_file(small, tmp_path):
    """Promise 2: replay and report only read: a torn log is repaired in what they show,
    and left as it is on disk (only a resume cuts it)."""
    data: bytes = small["bytes"]
    log = Path(tmp_path) / "read-only.jsonl"
    cut = data[:_move_line_end(data, 4) + 17]
    log.write_bytes(cut)
    restored = rebuild(log)
    assert restored.record.lost is not None
    assert "After-action report" in render_report(restored, "md")
    assert log.read_bytes() == cut


def test_the_kill_point_of_a_real_run_is_always_recoverable(tmp_path):
    """Promise 2: a session written by the CLI and cut where its last batch is half
    written resumes through the CLI to the same end as the uninterrupted run."""
    scenario = Path(tmp_path) / "small.yaml"
    scenario.write_text(to_yaml(SMALL), encoding="utf-8")
    whole = Path(tmp_path) / "whole.jsonl"
    done = run_cli("run", str(scenario), "--bots", "all", "--seed", "9", "--log", str(whole),
                   "--json")
    assert done.returncode == 0, done.stderr
    expected = json.loads(done.stdout)
    data = whole.read_bytes()
    for number in (1, 2, 3):
        cut = Path(tmp_path) / f"cut-{number}.jsonl"
        end = _move_line_end(data, number)
        nxt = data.index(b"\n", end) + 1 if end < len(data) else end
        cut.write_bytes(data[:nxt])  # the move and its first event only
        resumed = run_cli("resume", str(cut), "--json")
        if "has ended" in resumed.stderr:
            continue
        assert resumed.returncode == 0, resumed.stderr
        assert json.loads(resumed.stdout) == expected
