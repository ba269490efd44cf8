"""`exercise run`: headless play exactly as the contract's last section says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import run_cli, scenario_data, to_yaml

CONTRACT_KEYS = {"outcome", "round", "phase", "elements", "rejections", "scores", "signed",
                 "tracks", "injects_fired"}


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    """A small scenario on disk: two principals, a guarantor, a track and an ad-hoc inject."""
    data = scenario_data(
        rounds=3,
        tracks=[{"id": "escalation", "label": "Escalation", "start": 2, "collapse_at": 10}],
        elements=[
            {"id": "dmz", "title": "Buffer zone", "summary": "s", "consent": ["russia"],
             "values": {"ukraine": 3, "russia": 1}, "on_reject": {"escalation": 1}},
            {"id": "us-monitoring", "title": "US monitoring", "summary": "s",
             "requires": ["dmz"], "values": {"ukraine": 2, "russia": -1}},
            {"id": "moratorium", "title": "NATO moratorium", "summary": "s",
             "values": {"ukraine": -2, "russia": 3}},
        ],
        injects=[{"id": "sloviansk-strike", "title": "Strike", "text": "t",
                  "effects": {"tracks": {"escalation": 2}}}],
    )
    path = tmp_path / "s.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    return path


def write_moves(tmp_path: Path, moves: list[Any]) -> Path:
    """A moves file on disk."""
    path = tmp_path / "moves.yaml"
    path.write_text(to_yaml(moves), encoding="utf-8")
    return path


def run_json(*args: str) -> tuple[int, dict[str, Any], str]:
    """Run `exercise run ... --json`; return the status, the JSON and stderr."""
    done = run_cli("run", *args, "--json")
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}, done.stderr


def test_run_plays_scripted_moves_and_prints_the_contract_json(scenario_file, tmp_path):
    """Headless moves (table, vote, inject, ratify) produce the contract's JSON."""
    moves = write_moves(tmp_path, [
        {"table": {"party": "ukraine", "elements": ["dmz"]}},
        {"vote": {"party": "ukraine", "votes": {"dmz": "accept"}}},
        {"vote": {"party": "russia", "votes": {"dmz": "accept"}}},
        {"vote": {"party": "us", "votes": {"dmz": "abstain"}}},
        {"table": {"party": "russia", "elements": ["us-monitoring"]}},
        {"vote": {"party": "ukraine", "votes": {"us-monitoring": "accept"}}},
        {"vote": {"party": "russia", "votes": {"us-monitoring": "reject"}}},
        {"vote": {"party": "us", "votes": {"us-monitoring": "reject"}}},
        {"inject": "sloviansk-strike"},
        "ratify",
    ])
    status, result, _ = run_json(str(scenario_file), "--moves", str(moves))
    assert status == 0
    assert set(result) == CONTRACT_KEYS | {"rejected"}  # the contract's keys, and one more
    assert result.pop("rejected") == [  # issue 12: each rejection with its cause
        {"round": 2, "element": "us-monitoring",
         "cause": {"withheld": [], "accepts": 1, "cast": 3, "needed": 2}}]
    assert result == {
        "outcome": "agreement",
        "round": 3,
        "phase": "ended",
        "elements": {"dmz": "adopted", "us-monitoring": "open", "moratorium": "open"},
        "rejections": {"dmz": 0, "us-monitoring": 1, "moratorium": 0},
        "scores": {"ukraine": 3, "russia": 1, "us": 0},
        "signed": {"ukraine": True, "russia": True, "us": True},
        "tracks": {"escalation": 4},
        "injects_fired": ["sloviansk-strike"],
    }


def test_run_outcome_is_null_when_the_moves_run_out(scenario_file, tmp_path):
    """If the moves run out before the talks end, outcome is null and phase says where."""
    moves = write_moves(tmp_path, [{"table": {"party": "ukraine", "elements": ["dmz"]}},
                                   {"vote": {"party": "us", "votes": {"dmz": "accept"}}}])
    status, result, _ = run_json(str(scenario_file), "--moves", str(moves))
    assert status == 0
    assert result["outcome"] is None
    assert result["phase"] == "voting" and result["round"] == 1
    assert result["signed"] == {"ukraine": False, "russia": False, "us": False}


def test_run_stops_at_an_illegal_move_with_status_2_naming_its_index(scenario_file, tmp_path):
    """An illegal move stops the run: exit 2, the move's index, what was expected, no change."""
    moves = write_moves(tmp_path, [
        {"pass": {"party": "ukraine"}},
        {"table": {"party": "ukraine", "elements": ["dmz"]}},  # russia proposes in round 2
        {"pass": {"party": "russia"}},
    ])
    status, result, err = run_json(str(scenario_file), "--moves", str(moves))
    assert status == 2
    assert "index 1" in err and "line 3" in err
    assert "it is russia's turn" in err and "expected a proposal from russia" in err
    assert "Nothing was changed" in err
    assert result["round"] == 2 and result["phase"] == "proposal" and result["outcome"] is None


def test_run_bots_move_whenever_it_is_their_turn(scenario_file, tmp_path):
    """Seats in --bots move by themselves; the file holds only the human seat's moves."""
    moves = write_moves(tmp_path, [
        {"table": {"party": "ukraine", "elements": ["dmz"]}},
        {"vote": {"party": "ukraine", "votes": {"dmz": "accept"}}},
    ])
    status, result, _ = run_json(str(scenario_file), "--moves", str(moves), "--bots",
                                 "russia,us", "--seed", "3")
    assert status == 0
    assert result["elements"]["dmz"] in ("adopted", "open")
    # After ukraine's scripted vote the bots voted, the round resolved, russia (a bot) proposed.
    assert result["round"] >= 2 or result["outcome"] is not None


def test_run_facilitator_moves_apply_where_the_script_puts_them(scenario_file, tmp_path):
    """With every seat a bot, the script's facilitator moves still apply when reached: an
    inject first fires before anyone proposes, and ratify right after it ends the talks."""
    moves = write_moves(tmp_path, [{"inject": "sloviansk-strike"}, "ratify"])
    status, result, _ = run_json(str(scenario_file), "--moves", str(moves), "--bots", "all")
    assert status == 0
    assert result["injects_fired"] == ["sloviansk-strike"]
    assert result["tracks"]["escalation"] == 4
    assert (result["round"], result["outcome"]) == (1, "no_agreement")


def test_run_without_moves_when_every_seat_is_a_bot(scenario_file):
    """--moves may be omitted when every seat is a bot: the exercise plays to its end."""
    status, result, _ = run_json(str(scenario_file), "--bots", "all", "--seed", "5")
    assert status == 0 and result["outcome"] in ("agreement", "no_agreement", "collapse")
    assert result["phase"] == "ended"


def test_run_same_seed_same_result(scenario_file):
    """The same scenario, bots and seed give the same result."""
    first = run_json(str(scenario_file), "--bots", "all", "--seed", "11")[1]
    assert first == run_json(str(scenario_file), "--bots", "all", "--seed", "11")[1]


@pytest.mark.parametrize(("args", "message"), [
    (["--bots", "ukraine"], "--moves is needed"),
    (["--bots", "rusia"], "unknown party 'rusia' (did you mean 'russia'?)"),
    (["--bots", "all", "--personas", "russia=hawk"], "unknown persona 'hawk'"),
    (["--bots", "all", "--personas", "russia"], "expected PARTY=PERSONA"),
    (["--bots", "all", "--seed", "soon"], "expected a whole number"),
])
def test_run_bad_arguments_exit_2_with_a_clear_message(scenario_file, args, message):
    """Wrong flags give a clear message and exit status 2, never a traceback."""
    done = run_cli("run", str(scenario_file), *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_run_unknown_scenario_suggests_a_bundled_one():
    """A scenario name that is neither a file nor bundled gets a suggestion."""
    done = run_cli("run", "tutorail", "--bots", "all")
    assert done.returncode == 2
    assert "did you mean 'tutorial'?" in done.stderr


@pytest.mark.parametrize(("moves", "message"), [
    ("table: {party: ukraine}\n", "a moves file is a list"),
    ("- tabel: {party: ukraine, elements: [dmz]}\n", "unknown move 'tabel' (did you mean"),
    ("- vote: {party: russia, votes: {dmz: acept}}\n", "'acept' is not accept, reject or abstain"),
    ("- table: {party: ukraine, elements: dmz}\n", "elements must be a list"),
    ("- pass: {}\n", "needs the party"),
    ("- ratiffy\n", "unknown move 'ratiffy'"),
    ("- [\n", "not valid YAML"),
])
def test_run_malformed_moves_file_exits_1_with_file_and_line(scenario_file, tmp_path, moves,
                                                            message):
    """A malformed moves file is reported with file:line:column and exit 1."""
    path = tmp_path / "moves.yaml"
    path.write_text(moves, encoding="utf-8")
    done = run_cli("run", str(scenario_file), "--moves", str(path))
    assert done.returncode == 1
    assert message in done.stderr and f"{path}:" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_invalid_scenario_exits_1(tmp_path):
    """A broken scenario file gives its problems and exit 1."""
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    done = run_cli("run", str(path), "--bots", "all")
    assert done.returncode == 1 and "missing required key 'title'" in done.stderr


def test_run_readable_summary_and_verbose_reasons(scenario_file):
    """Without --json a readable summary; --verbose adds events and the bots' reasons."""
    done = run_cli("run", str(scenario_file), "--bots", "all", "--seed", "2", "--verbose")
    assert done.returncode == 0
    assert "Parties (score / walk-away)" in done.stdout
    assert "Round 1: " in done.stdout and "proposes." in done.stdout
    assert "Ukraine tables" in done.stdout or "Ukraine passes" in done.stdout


@pytest.mark.parametrize("command", [[], ["list"], ["validate"], ["schema"], ["run"]])
def test_every_command_has_help(command):
    """`exercise --help` and every subcommand's --help exit 0 and describe it."""
    done = run_cli(*command, "--help")
    assert done.returncode == 0
    assert "usage: exercise" in done.stdout
    assert len(done.stdout.splitlines()) > 5
