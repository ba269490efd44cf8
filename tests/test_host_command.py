"""`exercise host` as a facilitator runs it: wrong arguments refused in one line, a lab
server with no console, its codes file, and a resume that keeps the codes (loopback only,
every wait bounded)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exercise.cli import main

WAIT = 30.0


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    return status, capsys.readouterr().err


def test_a_wrong_seat_is_refused_with_a_suggestion(capsys, tmp_path):
    """--seat names a party of the scenario, with a did-you-mean; exit 2, nothing started."""
    status, err = run_cli(["host", "tutorial", "--no-console", "--seat", "ukrane",
                           "--log", str(tmp_path / "x.jsonl")], capsys)
    assert status == 2
    assert "--seat: unknown party 'ukrane'" in err and "did you mean 'ukraine'" in err
    assert not (tmp_path / "x.jsonl").exists()


def test_the_console_needs_a_terminal(capsys):
    """Without a terminal the dashboard cannot open: exit 2, saying --no-console."""
    status, err = run_cli(["host", "tutorial"], capsys)
    assert status == 2 and "--no-console" in err


@pytest.mark.parametrize(("args", "words"), [
    (["--resume", "x.jsonl", "--seat", "ukraine"], "--seat goes with a new session"),
    (["--ssh-port", "off", "--web-port", "off"], "no way to join"),
    (["--pace", "-1"], "--pace and --grace"),
])
def test_arguments_that_do_not_go_together_are_refused(capsys, args, words):
    """Contradictory options: exit 2 with why."""
    status, err = run_cli(["host", "tutorial", "--no-console", *args], capsys)
    assert status == 2 and words in err


def test_a_port_that_is_no_port_is_a_usage_error(capsys):
    """--web-port 70000: argparse refuses it (exit 2), naming the option."""
    with pytest.raises(SystemExit) as exit_info:
        main(["host", "tutorial", "--no-console", "--web-port", "70000"])
    assert exit_info.value.code == 2
    assert "--web-port" in capsys.readouterr().err


def test_a_broken_scenario_is_refused_with_its_line(capsys, tmp_path):
    """An invalid scenario: its problems as FILE:LINE:COLUMN, exit 1, no log."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\nrounds: three\n", encoding="utf-8")
    status, err = run_cli(["host", str(bad), "--no-console", "--log",
                           str(tmp_path / "x.jsonl")], capsys)
    assert status == 1 and f"{bad}:3:" in err
    assert not (tmp_path / "x.jsonl").exists()


def test_a_port_in_use_is_a_clear_message(capsys, tmp_path, monkeypatch):
    """The web port is taken: one line naming the address and what to do, exit 1."""
    monkeypatch.setenv("EXERCISE_HOME", str(tmp_path / "home"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, err = run_cli(["host", "tutorial", "--no-console", "--ssh-port", "off",
                               "--web-port", str(port), "--log", str(tmp_path / "s.jsonl")],
                              capsys)
    assert status == 1
    assert f"127.0.0.1:{port}" in err and "--web-port" in err
    assert "Traceback" not in err


def start_host(args: list[str], home: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`exercise host` in a child process; what it printed once it listens."""
    env = {**os.environ, "EXERCISE_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen([sys.executable, "-m", "exercise", "host", *args],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    assert child.stderr is not None
    found: dict[str, str] = {}
    deadline = time.monotonic() + WAIT
    lines = []
    while time.monotonic() < deadline:
        line = child.stderr.readline()
        if not line:
            break
        lines.append(line)
        if m := re.search(r"browser: (http://\S+)", line):
            found["url"] = m.group(1)
        if m := re.search(r"facilitator's code: (\w{6}).*projector's code: (\w{6})", line):
            found["facilitator"], found["room"] = m.group(1), m.group(2)
        if "Ctrl+C stops hosting" in line:
            return child, found
    child.kill()
    raise AssertionError("the host did not start:\n" + "".join(lines))


def stop_host(child: subprocess.Popen[str]) -> tuple[int, str]:
    """Ctrl+C, as at the terminal; the exit status and the rest of what it printed."""
    child.send_signal(signal.SIGINT)
    try:
        _, err = child.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        child.kill()
        raise
    return child.returncode, err


async def joined_screen(url: str, code: str, wanted: str) -> str:
    """Join with ``code`` from a browser-like client; the screen once it shows ``wanted``."""
    import aiohttp

    from tests.host.conftest import WebClient

    async with aiohttp.ClientSession() as http:
        socket_ = await http.ws_connect(f"{url}ws/{code}?width=120&height=36")
        client = WebClient(socket_)
        client.view.resize(120, 36)
        await client.view.shows(wanted)
        text = client.view.text
        await socket_.close()
        return text


def test_a_lab_server_hosts_without_a_console_and_resumes_with_the_same_codes(tmp_path):
    """--no-console prints the join addresses and the facilitator's and projector's codes;
    the facilitator joins with its code and gets the dashboard; --codes writes the codes
    (0600, JSON keyed facilitator/room/party); Ctrl+C stops with status 0 and says how to go
    on; --resume hands out the same codes."""
    import asyncio

    home = tmp_path / "home"
    log = tmp_path / "class.jsonl"
    codes_file = tmp_path / "codes.json"
    child, found = start_host(["tutorial", "--no-console", "--ssh-port", "0", "--web-port",
                               "0", "--log", str(log), "--codes", str(codes_file),
                               "--seat", "ukraine"], home)
    try:
        assert found["url"].startswith("http://127.0.0.1:")
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        assert set(codes) == {"facilitator", "room", "ukraine", "russia", "us"}
        assert codes["facilitator"] == found["facilitator"] and codes["room"] == found["room"]
        assert stat.S_IMODE(codes_file.stat().st_mode) == 0o600
        kept = log.with_name("class.codes.json")
        assert json.loads(kept.read_text(encoding="utf-8")) == codes
        screen = asyncio.run(joined_screen(found["url"], codes["facilitator"], "Delegation"))
        assert "Ukraine" in screen and "PAUSED" in screen
        projector = asyncio.run(joined_screen(found["url"], codes["room"], "Round 1 of 3"))
        assert codes["ukraine"] not in projector  # a code never shows on the projector
    finally:
        status, err = stop_host(child)
    assert status == 0, err
    assert f"exercise host --resume {log}" in err
    assert "Traceback" not in err
    child, again = start_host(["--resume", str(log), "--no-console", "--ssh-port", "0",
                               "--web-port", "0"], home)
    try:
        assert again["facilitator"] == codes["facilitator"] and again["room"] == codes["room"]
    finally:
        status, err = stop_host(child)
    assert status == 0, err


def test_the_join_lines_name_the_address_and_say_when_it_is_this_computer_only():
    """Bound to 127.0.0.1 the lines say so and how to open it; bound to every interface
    they name this computer's addresses on the network, never 0.0.0.0."""
    from exercise.hosting import join_lines

    local = join_lines("127.0.0.1", 8000, 2222)
    assert local[:2] == ["browser: http://127.0.0.1:8000/",
                         "terminal: ssh -p 2222 student@127.0.0.1"]
    assert "--bind 0.0.0.0" in local[-1]
    room = join_lines("0.0.0.0", 8000, None)
    assert room and all(line.startswith("browser: http://") for line in room)
    assert not any("0.0.0.0" in line for line in room)
