"""Promise 9 (write errors): a full disk, a read-only or a lost folder ends the session with
one clear line and a non-zero exit, the log intact up to its last whole batch."""

from __future__ import annotations

import errno
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from exercise.engine import Pass
from exercise.sessions import log as log_module
from exercise.sessions.log import LogWriteError
from exercise.sessions.reader import read_log
from exercise.sessions.restore import begin_log, rebuild

from .conftest import REPO, load, run_cli, scenario_data


def _run_with_file_limit(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI with files capped at ``limit`` bytes: writes past it fail as on a full
    disk (EFBIG; Python ignores SIGXFSZ)."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "exercise", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120, preexec_fn=cap)


def test_a_full_disk_mid_session_stops_it_cleanly_and_it_resumes(tmp_path):
    """Promise 9: when the disk fills in the middle of `exercise run`, it stops with one line
    saying the log could not be written and how to go on, exit 1, no traceback; the log
    reads back whole, and once there is room, resume ends as the uninterrupted run did."""
    whole = Path(tmp_path) / "whole.jsonl"
    done = run_cli("run", "tutorial", "--bots", "all", "--seed", "6", "--log", str(whole),
                   "--json")
    assert done.returncode == 0
    expected = json.loads(done.stdout)
    size = whole.stat().st_size
    for fraction in (0.3, 0.6, 0.9):
        log = Path(tmp_path) / f"full-{fraction}.jsonl"
        limit = int(size * fraction)
        cut = _run_with_file_limit(limit, "run", "tutorial", "--bots", "all", "--seed", "6",
                                   "--log", str(log), "--json")
        assert cut.returncode == 1, cut.stderr
        assert "Traceback" not in cut.stderr
        lines = [line for line in cut.stderr.splitlines() if "could not be written" in line]
        assert len(lines) == 1 and f"exercise resume {log}" in lines[0]
        assert log.stat().st_size <= limit
        record = read_log(log)
        assert not record.damaged(), "the failed batch was cut back off the file"
        resumed = run_cli("resume", str(log), "--json")
        assert resumed.returncode == 0, resumed.stderr
        assert json.loads(resumed.stdout) == expected


def test_a_log_that_cannot_be_created_is_one_line(tmp_path):
    """Promise 9: a --log path whose folder cannot exist (a file in the way) is one line and
    exit 1, before anything is played."""
    blocker = Path(tmp_path) / "not-a-folder"
    blocker.write_text("x")
    done = run_cli("run", "tutorial", "--bots", "all", "--log", str(blocker / "s.jsonl"))
    assert done.returncode == 1
    assert "could not be created" in done.stderr and "not a folder" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def logged(tmp_path):
    """A conductor with a session log, in round 1."""
    from exercise.conduct import Conductor, SeatPlan

    scenario = load(scenario_data())
    path = Path(tmp_path) / "scenario.yaml"
    from .conftest import to_yaml

    path.write_text(to_yaml(scenario_data()), encoding="utf-8")
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, True) for p in scenario.parties})
    log = begin_log(conductor, path, path=Path(tmp_path) / "s.jsonl")
    yield conductor, log
    log.close()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO])
def test_a_failed_write_leaves_the_log_as_it_was_and_refuses_more(logged, monkeypatch, code):
    """Promise 9: a write that fails (full, read-only, lost device) raises LogWriteError
    with one line naming the log; the file holds exactly what it held before; every later
    write is refused too, so nothing half-written follows."""
    conductor, log = logged
    before = log.path.read_bytes()
    real = os.write

    def failing(fd: int, data: bytes) -> int:
        real(fd, bytes(data)[:10])  # part of the batch reaches the disk, then it fails
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(log_module.os, "write", failing)
    with pytest.raises(LogWriteError) as caught:
        conductor.push(Pass("ukraine"))
    assert "\n" not in str(caught.value) and str(log.path) in str(caught.value)
    assert log.path.read_bytes() == before
    monkeypatch.setattr(log_module.os, "write", real)
    with pytest.raises(LogWriteError):
        log.note("after the failure", 1, "proposal")
    assert log.path.read_bytes() == before
    assert rebuild(log.path).conductor.game.round == 1


def test_a_log_deleted_under_a_running_session_stops_it(logged):
    """Promise 9: if the log file (or its folder) is deleted while the session runs, the
    next move stops the session with a message instead of writing into a file nobody can
    read."""
    conductor, log = logged
    log.path.unlink()
    with pytest.raises(LogWriteError, match="deleted"):
        conductor.push(Pass("ukraine"))
