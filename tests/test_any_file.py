"""Promise 6 (any file): a FIFO, a device, a folder, a dangling or looping link, a path
through a non-folder or one we may not search, an over-long name: one line and exit 1, at
once, whether it is given as a scenario, a moves file or a session log."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import run_cli

KINDS = ["fifo", "device", "folder", "dangling-link", "looping-link", "long-name",
         "through-a-file"]
COMMANDS = {
    "validate": ["validate", "{}"],
    "run": ["run", "{}", "--bots", "all"],
    "simulate": ["simulate", "{}", "-n", "1"],
    "play": ["play", "{}"],
    "moves": ["run", "tutorial", "--moves", "{}"],
    "resume": ["resume", "{}", "--json"],
    "replay": ["replay", "{}", "--json"],
    "report": ["report", "{}"],
    "handout": ["handout", "{}"],
}
WORDS = {
    "fifo": "pipe (FIFO)", "device": "device", "folder": "folder",
    "dangling-link": "link to something that does not exist",
    "looping-link": "loops", "long-name": "too long", "through-a-file": "not a folder",
}


def _make(kind: str, folder: Path) -> str:
    if kind == "fifo":
        path = folder / "pipe.yaml"
        os.mkfifo(path)
    elif kind == "device":
        return "/dev/zero"
    elif kind == "folder":
        path = folder / "d.yaml"
        path.mkdir()
    elif kind == "dangling-link":
        path = folder / "dangling.yaml"
        path.symlink_to(folder / "nowhere.yaml")
    elif kind == "looping-link":
        path = folder / "a.yaml"
        path.symlink_to(folder / "b.yaml")
        (folder / "b.yaml").symlink_to(path)
    elif kind == "long-name":
        return str(folder / ("x" * 300 + ".yaml"))
    else:
        (folder / "plain").write_text("x")
        path = folder / "plain" / "s.yaml"
    return str(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")
@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", KINDS)
def test_a_special_or_unreadable_path_is_one_line_and_exit_1(tmp_path, kind, command):
    """Promise 6: never a block, a traceback or an endless read; a sentence saying what the
    path is, and exit 1 (a path that is plainly no file at all may be an unknown scenario
    name, exit 2, as before)."""
    path = _make(kind, Path(tmp_path))
    args = [a.format(path) for a in COMMANDS[command]]
    done = run_cli(*args, timeout=30)  # a FIFO read would block until this kills it
    assert "Traceback" not in done.stderr
    if kind == "through-a-file" and command in ("run", "simulate", "play", "handout"):
        assert done.returncode == 2 and "no scenario file" in done.stderr
        return
    assert done.returncode == 1, (done.returncode, done.stderr)
    told = [line for line in (done.stdout + done.stderr).splitlines()
            if WORDS[kind] in line]
    assert len(told) == 1, done.stdout + done.stderr


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root may read any folder")
def test_a_folder_that_may_not_be_searched_is_one_line(tmp_path):
    """Promise 6: a scenario inside a folder we may not enter: permission denied, exit 1."""
    locked = Path(tmp_path) / "locked"
    (locked / "inner").mkdir(parents=True)
    target = locked / "inner" / "s.yaml"
    target.write_text("id: x\n")
    locked.chmod(0)
    try:
        done = run_cli("validate", str(target))
    finally:
        locked.chmod(0o700)
    assert done.returncode == 1 and "permission denied" in done.stdout + done.stderr
