"""Promise 10 (secrets at rest): logs and reports readable by their owner only; the report
of an unfinished session shows only the public table unless --reveal; a report never
overwrites a log; a log finds its scenario beside it, or where --scenario points."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from exercise.sessions.reader import read_log

from .conftest import run_cli, scenario_data, to_yaml

SECRETIVE = scenario_data(
    rounds=3,
    parties=[
        {"id": "ukraine", "name": "Ukraine", "public_brief": "Wants guarantees.",
         "private_brief": "SECRET-BRIEF-UKRAINE: the army cap is our red line."},
        {"id": "russia", "name": "Russia", "public_brief": "Wants territory.",
         "private_brief": "SECRET-BRIEF-RUSSIA: we can live with monitoring."},
        {"id": "us", "name": "United States", "role": "guarantor", "public_brief": "Mediates."},
    ],
    elements=[
        {"id": "dmz", "title": "Buffer zone", "summary": "A zone.",
         "values": {"ukraine": 3, "russia": 2, "us": 1}},
        {"id": "monitoring", "title": "US monitoring", "summary": "Drones.",
         "values": {"ukraine": 2, "russia": -1, "us": 2}},
        {"id": "cap", "title": "Army cap", "summary": "A cap.",
         "values": {"ukraine": -4, "russia": 5, "us": 0}},
    ],
    injects=[{"id": "leak", "title": "SECRET-INJECT-TITLE", "text": "SECRET-INJECT-TEXT",
              "at": {"round": 1}, "audience": ["russia"]}],
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def unfinished(tmp_path: Path) -> dict[str, Any]:
    """A session of the secretive scenario, cut in the middle of a round's voting."""
    scenario = tmp_path / "secretive.yaml"
    scenario.write_text(to_yaml(SECRETIVE), encoding="utf-8")
    whole = tmp_path / "whole.jsonl"
    assert run_cli("run", str(scenario), "--bots", "all", "--seed", "2", "--log",
                   str(whole)).returncode == 0
    lines = whole.read_bytes().splitlines(keepends=True)
    records = [json.loads(line) for line in lines]
    # Cut after the second vote of the last round that was voted: two ballots are cast,
    # their computer reasons logged, and the votes not yet revealed.
    votes = [i for i, r in enumerate(records) if r["type"] == "move" and "vote" in r["move"]]
    cut = votes[-2]
    end = cut + 1 + records[cut]["batch"]
    log = tmp_path / "unfinished.jsonl"
    log.write_bytes(b"".join(lines[:end]))
    assert not read_log(log).ended
    return {"log": log, "scenario": scenario, "pending": records[cut]["reason"]}


def test_logs_and_their_folders_are_private(private_home):
    """Promise 10: the sessions folder is 0700 (tightened if the data folder was made 0755
    before), and every log is 0600."""
    private_home.chmod(0o755)
    assert run_cli("run", "tutorial", "--bots", "all").returncode == 0
    folder = private_home / "sessions"
    assert _mode(folder) == 0o700 and _mode(private_home) == 0o700
    logs = list(folder.glob("*.jsonl"))
    assert logs and all(_mode(p) == 0o600 for p in logs)


def test_a_log_in_a_new_folder_of_the_users_choice_is_private(tmp_path):
    """Promise 10: --log into folders that do not exist yet makes them 0700, the log 0600."""
    log = tmp_path / "new" / "deeper" / "s.jsonl"
    assert run_cli("run", "tutorial", "--bots", "all", "--log", str(log)).returncode == 0
    assert _mode(log) == 0o600
    assert _mode(log.parent) == 0o700 and _mode(log.parent.parent) == 0o700


def test_written_reports_are_private(unfinished, tmp_path):
    """Promise 10: a report written with -o is 0600, whatever the umask lets files be."""
    out = tmp_path / "report.md"
    done = run_cli("report", str(unfinished["log"]), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert _mode(out) == 0o600


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_an_unfinished_sessions_report_shows_only_the_public_table(unfinished, fmt):
    """Promise 10: the report of an unfinished session holds no private brief, private
    inject, private value, or computer reason for a ballot not yet revealed, and says so
    (on stderr, and in md/html at the top); --reveal shows them."""
    done = run_cli("report", str(unfinished["log"]), "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert "has not ended" in done.stderr and "--reveal" in done.stderr
    for secret in ("SECRET-BRIEF", "SECRET-INJECT", unfinished["pending"]):
        assert secret not in done.stdout, (fmt, secret)
    if fmt in ("md", "html"):
        assert "only what the public table showed" in done.stdout
        assert "Walk-away" not in done.stdout
    if fmt == "json":
        data = json.loads(done.stdout)
        assert all(row["value"] is None for row in data["votes"])
        assert data["reveal"] is False and data["analysis"] is None and data["scores"] is None
    revealed = run_cli("report", str(unfinished["log"]), "--format", fmt, "--reveal")
    assert revealed.returncode == 0 and "has not ended" not in revealed.stderr
    if fmt in ("md", "html", "json"):
        for secret in ("SECRET-BRIEF-UKRAINE", "SECRET-INJECT-TEXT", unfinished["pending"]):
            assert secret in revealed.stdout, (fmt, secret)


def test_a_finished_sessions_report_reveals_everything(tmp_path):
    """Promise 10: the debrief is the time for secrets: a finished session's report has the
    private briefs and values without being asked."""
    scenario = tmp_path / "secretive.yaml"
    scenario.write_text(to_yaml(SECRETIVE), encoding="utf-8")
    log = tmp_path / "done.jsonl"
    assert run_cli("run", str(scenario), "--bots", "all", "--log", str(log)).returncode == 0
    done = run_cli("report", str(log))
    assert "SECRET-BRIEF-RUSSIA" in done.stdout and "has not ended" not in done.stderr


def test_a_report_never_overwrites_a_session_log(unfinished, tmp_path):
    """Promise 10: `report LOG -o LOG`, or -o onto any other session log, is refused and the
    log is untouched."""
    log = unfinished["log"]
    other = tmp_path / "other.jsonl"
    shutil.copy(log, other)
    for target in (log, other):
        before = target.read_bytes()
        done = run_cli("report", str(log), "-o", str(target))
        assert done.returncode == 2 and "session log" in done.stderr
        assert target.read_bytes() == before


def test_a_log_and_its_scenario_moved_together_still_resume(unfinished, tmp_path):
    """Promise 10: the log records its scenario's path relative to itself, so a folder
    holding both can be moved (or copied to another machine) and resumed there."""
    header = read_log(unfinished["log"]).header
    assert header["scenario"]["path"] == "secretive.yaml"
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.move(str(unfinished["log"]), moved / "unfinished.jsonl")
    shutil.move(str(unfinished["scenario"]), moved / "secretive.yaml")
    done = run_cli("resume", str(moved / "unfinished.jsonl"), "--json")
    assert done.returncode == 0, done.stderr


def test_scenario_points_a_log_at_a_moved_scenario(unfinished, tmp_path):
    """Promise 10: a scenario moved away from its log is found with --scenario (for resume,
    replay and report), still checked against the log's hash."""
    log = unfinished["log"]
    moved = tmp_path / "kept" / "renamed.yaml"
    moved.parent.mkdir()
    shutil.move(str(unfinished["scenario"]), moved)
    lost = run_cli("replay", str(log), "--json")
    assert lost.returncode == 1 and "--scenario" in lost.stderr
    for args in (["replay", str(log), "--json"], ["report", str(log)]):
        assert run_cli(*args, "--scenario", str(moved)).returncode == 0
    changed = tmp_path / "changed.yaml"
    changed.write_text(to_yaml({**SECRETIVE, "rounds": 4}), encoding="utf-8")
    refused = run_cli("replay", str(log), "--json", "--scenario", str(changed))
    assert refused.returncode == 1 and "has changed" in refused.stderr
    assert run_cli("resume", str(log), "--json", "--scenario", str(moved)).returncode == 0


def test_a_bundled_scenario_is_found_by_its_id_when_the_path_is_gone(tmp_path):
    """Promise 10: a log of a bundled scenario copied to another machine (where the path it
    recorded does not exist) resumes from the bundled copy."""
    log = tmp_path / "tutorial.jsonl"
    done = run_cli("run", "tutorial", "--bots", "all", "--log", str(log))
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    records[0]["scenario"]["path"] = "../nowhere/tutorial.yaml"
    records[0]["scenario"]["absolute"] = "/nowhere/tutorial.yaml"
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert done.returncode == 0
    replay = run_cli("replay", str(log), "--json")
    assert replay.returncode == 0, replay.stderr
