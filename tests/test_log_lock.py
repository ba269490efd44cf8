"""Promise 3 (one writer per log): a log being played is locked for its writer's life.

A second `resume` (or `play --log`/`run --log` on it) is refused with a message naming the
holder's PID; a lock left by a killed process never blocks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exercise.sessions.log import SessionLog
from exercise.sessions.reader import read_log

from .conftest import REPO, run_cli


def _slow(*args: str, delay: str = "0.25") -> subprocess.Popen[bytes]:
    env = {**os.environ, "EXERCISE_TEST_LOG_DELAY": delay}
    return subprocess.Popen([sys.executable, "-m", "exercise", *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_moves(log: Path, moves: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if len(read_log(log).moves) >= moves:
                return
        except Exception:
            pass
        time.sleep(0.02)
    raise AssertionError("the writer did not get going")


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path):
    """Promise 3: while `exercise run --log` writes a log, `exercise resume` of it is refused,
    naming the running process; the log is untouched by the attempt."""
    log = Path(tmp_path) / "busy.jsonl"
    holder = _slow("run", "tutorial", "--bots", "all", "--seed", "1", "--log", str(log))
    try:
        _wait_for_moves(log, 1, holder)
        before = len(read_log(log).records)
        done = run_cli("resume", str(log), "--json")
        assert done.returncode == 1
        assert f"PID {holder.pid}" in done.stderr
        assert "Traceback" not in done.stderr
        assert len(read_log(log).records) >= before  # still being written by its holder
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path):
    """Promise 3: kill -9 the writer; its lock dies with it, and resume goes on at once, to
    the end of the exercise."""
    log = Path(tmp_path) / "stale.jsonl"
    holder = _slow("run", "tutorial", "--bots", "all", "--seed", "2", "--log", str(log))
    _wait_for_moves(log, 2, holder)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (log.parent / (log.name + ".lock")).exists()  # the note stays; it does not bind
    done = run_cli("resume", str(log), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] is not None
    assert read_log(log).ended


def test_two_resumes_of_one_log_cannot_both_write(tmp_path):
    """Promise 3: of two `exercise resume` of one log, the second is refused while the first
    runs, and the first finishes a log that reads back whole."""
    log = Path(tmp_path) / "two.jsonl"
    holder = _slow("run", "tutorial", "--bots", "all", "--seed", "3", "--log", str(log))
    _wait_for_moves(log, 1, holder)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    first = _slow("resume", str(log), "--json", delay="0.15")
    try:
        time.sleep(1.5)  # the first resume has the lock and is writing
        second = run_cli("resume", str(log), "--json")
        assert second.returncode == 1 and f"PID {first.pid}" in second.stderr
        assert first.wait(timeout=120) == 0
    finally:
        first.kill()
        first.wait()
    record = read_log(log)
    assert record.ended and not record.damaged()


@pytest.mark.parametrize("command", ["run", "play"])
def test_play_and_run_never_write_into_an_existing_log(tmp_path, command):
    """Promise 3: `run --log` and `play --log` on an existing log are refused; the log is not
    changed."""
    log = Path(tmp_path) / "done.jsonl"
    assert run_cli("run", "tutorial", "--bots", "all", "--log", str(log)).returncode == 0
    before = log.read_bytes()
    extra = ["--bots", "all"] if command == "run" else []
    done = run_cli(command, "tutorial", *extra, "--log", str(log))
    assert done.returncode == 2 and "already exists" in done.stderr
    assert log.read_bytes() == before


def test_the_lock_is_held_by_the_writer_in_process(tmp_path):
    """Promise 3: a log held by a writer cannot be acquired by another open of it; once the
    writer closes, it can."""
    log = Path(tmp_path) / "held.jsonl"
    writer = SessionLog.create(log, {"mode": "run", "scenario": {"id": "x"}, "seed": 0,
                                     "seats": {}})
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from exercise.sessions.log import SessionLog, LogBusy\n"
         "try:\n    SessionLog.acquire(Path(sys.argv[1]))\nexcept LogBusy as e:\n"
         "    print(e); sys.exit(3)", str(log)],
        capture_output=True, text=True, cwd=REPO, timeout=60)
    assert probe.returncode == 3 and f"PID {os.getpid()}" in probe.stdout
    writer.close()
    again = SessionLog.acquire(log)
    again.close()
