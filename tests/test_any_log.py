"""Promise 7 (any log): crafted and bit-flipped logs never give a traceback.

`replay`, `report`, `resume` and the scenario picker either work or say what is wrong
with the log (a line, and for a wrong field the field); a bad file in the sessions folder
is listed as unreadable, never fatal.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.reports import FORMATS, render_report
from exercise.sessions.reader import LogError, read_log
from exercise.sessions.restore import RestoreError, list_sessions, rebuild, resume

from .conftest import run_cli

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def real_log(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a real, unfinished session log (the tutorial, cut after 12 moves)."""
    folder = tmp_path_factory.mktemp("real")
    log = folder / "real.jsonl"
    done = run_cli("run", "tutorial", "--bots", "all", "--seed", "11", "--log", str(log))
    assert done.returncode == 0
    lines = log.read_bytes().splitlines(keepends=True)
    keep, moves = [], 0
    for line in lines:
        if b'"type":"move"' in line:
            moves += 1
            if moves > 12:
                break
        keep.append(line)
    return b"".join(keep)


def exercise_every_reader(path: Path) -> None:
    """Rebuild, report in every format, resume, and list: each works or refuses cleanly."""
    for force in (False, True):
        try:
            restored = rebuild(path, force=force)
        except RestoreError:
            continue
        for fmt in FORMATS:
            for reveal in (False, True):
                assert isinstance(render_report(restored, fmt, reveal=reveal), str)
    try:
        resumed = resume(path)
    except RestoreError:
        pass
    else:
        assert resumed.conductor.log is not None
        resumed.conductor.log.close()
    with contextlib.suppress(LogError):
        read_log(path)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@SETTINGS
@given(data=st.data())
def test_bit_flips_never_give_a_traceback(real_log, tmp_path, data):
    """Promise 7: flip a few bits anywhere in a real log; every reader works or refuses."""
    raw = bytearray(real_log)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] ^= 1 << data.draw(st.integers(0, 7))
    path = Path(tmp_path) / "flipped.jsonl"
    path.write_bytes(bytes(raw))
    exercise_every_reader(path)


@SETTINGS
@given(data=st.data())
def test_edited_fields_never_give_a_traceback(real_log, tmp_path, data):
    """Promise 7: change, drop or add a field of any record (any JSON value, however odd);
    every reader works or refuses with a message."""
    records: list[Any] = [json.loads(line) for line in real_log.splitlines()]
    for _ in range(data.draw(st.integers(1, 3))):
        record = records[data.draw(st.integers(0, len(records) - 1))]
        keys = sorted(record)
        action = data.draw(st.sampled_from(["change", "drop", "add", "nest"]))
        key = data.draw(st.sampled_from(keys))
        if action == "change":
            record[key] = data.draw(JSON_VALUES)
        elif action == "drop":
            del record[key]
        elif action == "add":
            record[data.draw(st.text(min_size=1, max_size=8))] = data.draw(JSON_VALUES)
        elif isinstance(record[key], dict) and record[key]:
            inner = data.draw(st.sampled_from(sorted(record[key])))
            record[key][inner] = data.draw(JSON_VALUES)
    path = Path(tmp_path) / "edited.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    exercise_every_reader(path)


@pytest.mark.parametrize("line", [
    '[' * 100_000 + ']' * 100_000,
    '{"type": "move", "n": 1, "by": "human", "move": ' + '[' * 5000 + ']' * 5000 + '}',
    '{"type": "event", "n": 0, "event": "x", "round": ' + '9' * 5000 + '}',
    '{"type": "timer", "action": "start", "left": 1e999, "round": 1}',
    '{"type": "reaction", "party": "russia", "text": {"a": 1}, "round": 1}',
    '{"type": "move", "n": 1, "by": "human", "move": {"vote": {"party": "russia", '
    '"votes": {"freeze": "maybe"}}}}',
    '{"type": "move", "n": 1, "by": "human", "move": {"inject": "no-such-inject"}}',
    '{"type": "move", "n": 1, "by": "human", "move": {"table": {"party": "nobody", '
    '"elements": ["freeze"]}}}',
], ids=["deep-list", "deep-move", "huge-round", "infinite-timer", "text-as-mapping",
        "bad-ballot", "unknown-inject", "unknown-party"])
def test_crafted_lines_give_a_message_naming_the_line(real_log, tmp_path, line):
    """Promise 7: a crafted record after the header (deep nesting, giant numbers, wrong
    types, unknown ids) is refused by every command with the line it is on, exit 1."""
    header = real_log.splitlines(keepends=True)[0]
    path = Path(tmp_path) / "crafted.jsonl"
    path.write_bytes(header + line.encode() + b"\n")
    for args in (["replay", str(path), "--json"], ["report", str(path)],
                 ["resume", str(path), "--json"]):
        done = run_cli(*args)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 1, (args, done.stderr)
        assert f"{path}:2" in done.stderr or f"{path}: " in done.stderr


def test_a_wrong_field_is_named(real_log, tmp_path):
    """Promise 7: a log record read through the typed schema names the field that is wrong."""
    records = [json.loads(line) for line in real_log.splitlines()]
    records[0]["seed"] = "seven"
    path = Path(tmp_path) / "seed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(LogError, match=r":1: the header: field 'seed'"):
        read_log(path)


def test_a_bad_file_in_the_sessions_folder_is_listed_not_fatal(real_log, private_home):
    """Promise 7: the picker's list of sessions shows a bad log as unreadable, with why,
    beside the good ones."""
    folder = private_home / "sessions"
    folder.mkdir(parents=True)
    (folder / "20260101-000000-good.jsonl").write_bytes(real_log)
    (folder / "20260101-000001-bad.jsonl").write_bytes(real_log[:40] + b"\xff\n{}\n")
    (folder / "20260101-000002-deep.jsonl").write_text("[" * 100_000, encoding="utf-8")
    entries = {e.path.name: e for e in list_sessions()}
    assert entries["20260101-000000-good.jsonl"].unfinished
    for name in ("20260101-000001-bad.jsonl", "20260101-000002-deep.jsonl"):
        assert entries[name].record is None and entries[name].problem
