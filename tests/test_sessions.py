"""Session logs: every game is recorded; a killed session resumes exactly; bad logs are refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from exercise.sessions.reader import LogError, read_log
from exercise.sessions.restore import RestoreError, rebuild, resume

from .conftest import REPO, run_cli, scenario_data, to_yaml

SCENARIO = "tutorial"
BOTS = "russia,us"
SEED = "5"


def run_json(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    """Run the CLI; return status, parsed JSON and stderr."""
    done = subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True,
                          text=True, cwd=REPO, env=env or dict(os.environ), timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else {}), done.stderr


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A scripted session: Ukraine's moves in a file (taken from a computer Ukraine's game),
    the other seats played by the computer, and the result of running it without a break."""
    folder = tmp_path_factory.mktemp("scripted")
    env = {**os.environ, "EXERCISE_HOME": str(folder / "home")}
    first = folder / "first.jsonl"
    status, _, _ = run_json("run", SCENARIO, "--bots", "all", "--seed", SEED, "--log", str(first),
                            "--json", env=env)
    assert status == 0
    # Ukraine's turns (its side talks answered offers made in the computer game's order,
    # which a person's script does not share: a person's talks are not turns)
    moves = [m.move.to_data() for m in read_log(first).moves
             if m.by == "computer" and m.party == "ukraine" and
             m.move.kind not in ("say", "offer", "answer")]
    moves_file = folder / "ukraine.yaml"
    moves_file.write_text(to_yaml(moves), encoding="utf-8")
    whole = folder / "whole.jsonl"
    status, result, _ = run_json("run", SCENARIO, "--moves", str(moves_file), "--bots", BOTS,
                                 "--seed", SEED, "--log", str(whole), "--json", env=env)
    assert status == 0 and result["outcome"] is not None
    return {"folder": folder, "env": env, "moves": moves_file, "result": result,
            "lines": len(whole.read_text().splitlines())}


def kill_after(lines: int, log: Path, moves: Path, env: dict[str, str]) -> None:
    """Start the scripted session and SIGKILL it once its log has ``lines`` lines."""
    slow = {**env, "EXERCISE_TEST_LOG_DELAY": "0.03"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "exercise", "run", SCENARIO, "--moves", str(moves), "--bots",
         BOTS, "--seed", SEED, "--log", str(log), "--json"],
        cwd=REPO, env=slow, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if log.exists() and log.read_bytes().count(b"\n") >= lines:
            break
        if proc.poll() is not None:
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_a_session_killed_at_many_points_resumes_to_the_same_end(scripted):
    """SIGKILL the scripted session at many points; each resume ends exactly as the
    uninterrupted run did."""
    total = scripted["lines"]
    points = sorted({max(2, round(total * f)) for f in (0.05, 0.15, 0.25, 0.35, 0.45, 0.55,
                                                         0.65, 0.75, 0.85, 0.95)})
    resumed = 0
    for k, lines in enumerate(points):
        log = scripted["folder"] / f"killed-{k}.jsonl"
        kill_after(lines, log, scripted["moves"], scripted["env"])
        record = read_log(log)
        if record.ended:
            continue  # the run finished before the kill landed
        status, result, err = run_json("resume", str(log), "--moves", str(scripted["moves"]),
                                       "--json", env=scripted["env"])
        assert status == 0, err
        assert result == scripted["result"], f"killed after {lines} lines"
        resumed += 1
        assert read_log(log).ended
    assert resumed >= len(points) - 2


def test_resume_drops_a_torn_last_line_and_says_so(scripted, tmp_path):
    """A last line cut off mid-write is dropped with a message, and the session goes on."""
    log = tmp_path / "torn.jsonl"
    kill_after(max(3, scripted["lines"] // 2), log, scripted["moves"], scripted["env"])
    data = log.read_bytes()
    if read_log(log).ended:
        pytest.skip("the run ended before the kill")
    log.write_bytes(data + b'{"type":"event","n":99,"ev')  # a write cut short
    assert read_log(log).torn
    status, result, err = run_json("resume", str(log), "--moves", str(scripted["moves"]),
                                   "--json", env=scripted["env"])
    assert status == 0
    assert "cut off mid-write" in err and "dropped" in err
    assert result == scripted["result"]
    assert not read_log(log).torn


def test_replay_json_is_the_run_json(scripted, tmp_path):
    """`exercise replay LOG --json` prints the same JSON as `exercise run`."""
    log = tmp_path / "replayed.jsonl"
    status, result, _ = run_json("run", SCENARIO, "--moves", str(scripted["moves"]), "--bots",
                                 BOTS, "--seed", SEED, "--log", str(log), "--json",
                                 env=scripted["env"])
    status, replayed, _ = run_json("replay", str(log), "--json", env=scripted["env"])
    assert status == 0 and replayed == result


def test_every_run_is_logged_by_default_and_the_path_is_shown(private_home):
    """Without --log, a run writes a log under the data folder and says where."""
    done = run_cli("run", SCENARIO, "--bots", "all", "--seed", "1")
    assert done.returncode == 0
    logs = list((private_home / "sessions").glob("*.jsonl"))
    assert len(logs) == 1
    assert f"Session log: {logs[0]}" in done.stderr
    record = read_log(logs[0])
    assert record.header["seed"] == 1 and record.header["scenario"]["id"] == SCENARIO
    assert record.header["scenario"]["hash"].startswith("sha256:")
    assert record.ended and record.moves


def test_no_log_keeps_no_log(private_home):
    """--no-log writes nothing."""
    assert run_cli("run", SCENARIO, "--bots", "all", "--no-log").returncode == 0
    assert not (private_home / "sessions").exists()


def test_log_records_are_fsynced_one_json_object_per_line(private_home):
    """The log is JSON Lines: a header, then moves each followed by the events they set off."""
    run_cli("run", SCENARIO, "--bots", "all", "--seed", "2")
    log = next((private_home / "sessions").glob("*.jsonl"))
    lines = log.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["type"] == "header" and records[0]["format"] == "exercise-session"
    kinds = {r["type"] for r in records}
    assert {"header", "move", "event"} <= kinds
    moves = [r for r in records if r["type"] == "move"]
    assert [m["n"] for m in moves] == list(range(1, len(moves) + 1))
    assert all("t" in m and "by" in m for m in moves)
    assert any(m.get("reason") for m in moves)


@pytest.fixture(scope="module")
def seat_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished session with moves of every maker: the facilitator hands a seat to the
    computer, the computer plays every seat, and voting opens by itself."""
    folder = tmp_path_factory.mktemp("seat")
    moves = folder / "moves.yaml"
    moves.write_text("- seat: {party: ukraine, player: computer, persona: hardliner}\n",
                     encoding="utf-8")
    log = folder / "seat.jsonl"
    assert run_cli("run", SCENARIO, "--moves", str(moves), "--bots", "all", "--seed", "2",
                   "--log", str(log)).returncode == 0
    return log


def records_of(path: Path) -> list[dict[str, Any]]:
    """A log's records, decoded."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_records(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as a log."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_each_move_records_its_round_and_the_party_that_made_it(seat_log):
    """A move record says the round it was made in (the round of the events it set off)
    and the party that made it, null for the facilitator's moves."""
    records = records_of(seat_log)
    moves = [r for r in records if r["type"] == "move"]
    assert {m["by"] for m in moves} == {"facilitator", "computer", "auto"}
    for move in moves:
        first = next(r for r in records if r["type"] == "event" and r["n"] == move["n"])
        assert move["round"] == first["round"]
        if move["by"] in ("facilitator", "auto"):
            assert move["party"] is None
        else:
            body = next(iter(move["move"].values()))
            assert move["party"] == body["party"]
    assert moves[0]["by"] == "facilitator" and moves[0]["move"]["seat"]["party"] == "ukraine"
    assert max(m["round"] for m in moves) > 1
    logged = read_log(seat_log).moves
    assert [(m.round, m.party) for m in logged] == [(r["round"], r["party"]) for r in moves]


def test_a_log_written_before_moves_had_rounds_reads_the_same(seat_log, tmp_path):
    """An older log (no round on its moves, a party on the computer's only) is read with
    the same rounds and parties: each move's round is the round of the events before it."""
    records = records_of(seat_log)
    for record in records:
        if record["type"] == "move":
            del record["round"]
            if record["by"] != "computer":
                del record["party"]
    old = read_log(write_records(tmp_path / "old.jsonl", records)).moves
    new = read_log(seat_log).moves
    assert [(m.round, m.party) for m in old] == [(m.round, m.party) for m in new]
    assert rebuild(tmp_path / "old.jsonl").conductor.game.is_over


def test_a_move_logged_in_the_wrong_round_is_refused_unless_forced(seat_log, tmp_path):
    """An edited round is caught when the session is rebuilt; --force takes the engine's."""
    records = records_of(seat_log)
    move = [r for r in records if r["type"] == "move"][-1]
    move["round"] -= 1
    path = write_records(tmp_path / "edited.jsonl", records)
    with pytest.raises(RestoreError, match=r"edited.jsonl:\d+: move \d+ is logged as made in"):
        rebuild(path)
    forced = rebuild(path, force=True)
    assert forced.record.moves[-1].round == move["round"] + 1


def test_a_move_record_naming_another_party_is_refused(seat_log, tmp_path):
    """A record's party must be the party whose move it is."""
    records = records_of(seat_log)
    index, move = next((i, r) for i, r in enumerate(records) if r.get("by") == "computer")
    move["party"] = "nobody"
    path = write_records(tmp_path / "party.jsonl", records)
    with pytest.raises(LogError, match=rf":{index + 1}: .*party 'nobody' did not make this move"):
        read_log(path)


# --- bad logs ---------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    """Write text to a file."""
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def good_log(tmp_path: Path) -> Path:
    """A finished session's log."""
    log = tmp_path / "good.jsonl"
    assert run_cli("run", SCENARIO, "--bots", "all", "--seed", "3", "--log",
                   str(log)).returncode == 0
    return log


@pytest.mark.parametrize(("content", "message"), [
    ("", "empty"),
    ("hello\n", "not a session log"),
    ('{"type": "note"}\n', "not an exercise session header"),
    ('[1, 2]\n', "not a session log"),
    ('{"type": "header", "format": "exercise-session", "version": 99}\n', "version"),
])
def test_a_file_that_is_not_a_session_log_is_refused(tmp_path, content, message):
    """Anything but a session log is refused with a message."""
    with pytest.raises(LogError, match=message):
        read_log(write(tmp_path / "x.jsonl", content))


def test_a_corrupt_line_in_the_middle_is_an_error_naming_it(good_log):
    """A broken line before the end is corruption, reported with its line number."""
    lines = good_log.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = "{not json at all\n"
    good_log.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(LogError, match=r":4: this line is corrupt"):
        read_log(good_log)
    done = run_cli("resume", str(good_log), "--json")
    assert done.returncode == 1 and ":4: this line is corrupt" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_log_whose_scenario_changed_is_refused_unless_forced(tmp_path):
    """If the scenario file changed since the session, resume refuses (--force overrides)."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(to_yaml(scenario_data(rounds=3)), encoding="utf-8")
    log = tmp_path / "s.jsonl"
    moves = tmp_path / "m.yaml"
    moves.write_text(to_yaml([{"pass": {"party": "ukraine"}}]), encoding="utf-8")
    assert run_cli("run", str(scenario), "--moves", str(moves), "--log", str(log)).returncode == 0
    scenario.write_text(to_yaml(scenario_data(rounds=4)), encoding="utf-8")
    done = run_cli("resume", str(log), "--json")
    assert done.returncode == 1 and "has changed since this session was logged" in done.stderr
    assert "--force" in done.stderr
    forced = run_cli("resume", str(log), "--json", "--force")
    assert forced.returncode == 0 and "changed" in forced.stderr


def test_a_finished_session_cannot_be_resumed_but_can_be_replayed(good_log):
    """Resuming an ended exercise says to replay it instead."""
    with pytest.raises(RestoreError, match="has ended"):
        resume(good_log)
    assert rebuild(good_log).conductor.game.is_over


def test_a_log_that_disagrees_with_the_engine_is_refused(good_log):
    """A tampered log (an event that did not happen) is caught on replay."""
    records = [json.loads(line) for line in good_log.read_text().splitlines()]
    for record in records:
        if record.get("event") == "element_adopted":
            record["element"] = "nato-pause" if record["element"] != "nato-pause" else "freeze"
            break
    good_log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(RestoreError, match="does not give the events the log recorded"):
        rebuild(good_log)


@pytest.mark.parametrize("command", ["resume", "replay", "report"])
def test_session_commands_on_a_missing_file_exit_1(tmp_path, command):
    """A missing log gives a clear message and exit 1."""
    extra = ["--json"] if command in ("resume", "replay") else []
    done = run_cli(command, str(tmp_path / "nope.jsonl"), *extra)
    assert done.returncode == 1 and "no such file" in done.stderr


def test_stepping_through_a_replay_stands_where_a_fresh_walk_would(good_log):
    """Replay: whichever way the viewer got to a move (forwards one at a time, back, or
    from the end), the table shows the same events and feed as a walk from the start."""
    from exercise.sessions.restore import Stepper

    restored = rebuild(good_log)
    record, scenario = restored.record, restored.conductor.scenario
    total = len(record.moves)

    def state(stepper: Stepper) -> tuple[object, ...]:
        c = stepper.conductor
        return ([e.to_data() for e in c.game.events], [f.text for f in c.feed],
                c.game.round, c.game.phase)

    fresh = {}
    for position in range(total + 1):
        walk = Stepper(record, scenario)
        walk.seek(position)
        fresh[position] = state(walk)
    assert fresh[total] == state(Stepper(record, scenario, at_end=restored.conductor))
    stepper = Stepper(record, scenario, at_end=restored.conductor)
    for position in [0, 1, 2, 5, 4, total, total // 2, total // 2 + 1, 0]:
        position = min(position, total)
        stepper.seek(position)
        assert state(stepper) == fresh[position], position
