"""The side talks in the CSV report (issue 13 item 5): each vote row tied to the promises
its ballot kept or broke, a table of the messages and a table of the offers, every cell
written as data (no formula, no control character), from `exercise report --format csv
--table ...`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from exercise import catalog
from exercise.conduct import Conductor, SeatPlan
from exercise.engine import Answer, Ballot, CallVote, Offer, Say, Table, Terms, Vote
from exercise.reports import render_report
from exercise.reports.formats import MESSAGE_COLUMNS, OFFER_COLUMNS, VOTE_COLUMNS
from exercise.reports.model import VoteRow
from exercise.room import Room
from exercise.scenario.loading import load_scenario
from exercise.sessions.restore import begin_log, rebuild

from .conftest import run_cli

GRADING_COLUMNS = ("round", "proposer", "target", "target_title", "party", "party_name",
                   "ballot", "result", "value")
"""The vote table's first columns, in the order graders' sheets read them."""

FORMULA = '=HYPERLINK("http://example.invalid","click")'
TWO_LINES = "first line\nsecond line"


def read(text: str) -> list[dict[str, str]]:
    """CSV text as rows."""
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def talked(tmp_path: Path) -> Path:
    """A logged round of the tutorial, every seat a person: Ukraine writes Russia a formula
    on two lines, Russia tells the room "+1 [b]yes[/b]", the US writes both "@SUM(A1)";
    Ukraine offers Russia to accept the freeze if Russia accepts the NATO pause, Russia
    accepts; the US tables both, and Ukraine tells the room "-5 is our price"; Ukraine
    votes for both (keeping its promise), Russia against both (breaking its own), the US
    for both. Then round 2 opens."""
    path = catalog.resolve("tutorial")
    scenario = load_scenario(path)
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, True) for p in scenario.parties}, 1)
    log_path = tmp_path / "session.jsonl"
    begin_log(conductor, path, path=log_path)
    room = Room(conductor, bot_delay=0, timer=False, react=False)
    for move in (Say("ukraine", ("russia",), f"{FORMULA} {TWO_LINES}"),
                 Say("russia", "all", "+1 [b]yes[/b]"),
                 Say("us", ("ukraine", "russia"), "@SUM(A1)"),
                 Offer("ukraine", ("russia",), Terms(accept=("freeze",)),
                       Terms(accept=("nato-pause",))),
                 Answer("russia", 1, True),
                 Table("us", ("freeze", "nato-pause")),
                 Say("ukraine", "all", "-5 is our price")):
        room.act(move.actor, move)
    room.act("facilitator", CallVote())
    for party, ballot in (("ukraine", Ballot.ACCEPT), ("russia", Ballot.REJECT),
                          ("us", Ballot.ACCEPT)):
        room.act(party, Vote(party, dict.fromkeys(("freeze", "nato-pause"), ballot)))
    assert conductor.game.round == 2
    assert conductor.log is not None
    conductor.log.close()
    return log_path


def test_the_vote_table_keeps_its_grading_columns_and_adds_the_promises_at_the_end():
    """Graders' columns stay first and in order; the promise columns come after them, and
    the CSV header is the vote row's fields (nothing to keep in step by hand)."""
    assert VOTE_COLUMNS[:len(GRADING_COLUMNS)] == GRADING_COLUMNS
    assert VOTE_COLUMNS[len(GRADING_COLUMNS):] == ("promise", "promised_to")
    assert set(VOTE_COLUMNS) == set(VoteRow.__dataclass_fields__)


def test_each_ballot_says_which_promise_it_kept_or_broke(talked: Path):
    """Rule (issue 13 item 3, promises kept or broken): Ukraine's vote for the freeze kept
    offer 1 (made to Russia), Russia's vote against the NATO pause broke it (made to
    Ukraine); every other ballot tested no promise. The JSON report's votes say the same."""
    restored = rebuild(talked)
    rows = read(render_report(restored, "csv"))
    tied = {(r["party"], r["target"]): (r["promise"], r["promised_to"]) for r in rows
            if r["promise"]}
    assert tied == {("ukraine", "freeze"): ("kept offer 1", "russia"),
                    ("russia", "nato-pause"): ("broken offer 1", "ukraine")}
    assert [list(r)[:len(GRADING_COLUMNS)] for r in rows[:1]] == [list(GRADING_COLUMNS)]
    votes = json.loads(render_report(restored, "json"))["votes"]
    assert {(v["party"], v["target"]): v["promise"] for v in votes if v["promise"]} == \
        {k: v[0] for k, v in tied.items()}


def test_a_running_sessions_vote_table_names_no_promise(talked: Path):
    """Before the end (no --reveal) promises are the offers' parties' secret: the promise
    columns are empty."""
    rows = read(render_report(rebuild(talked), "csv", reveal=False))
    assert rows and all(r["promise"] == "" == r["promised_to"] for r in rows)


def test_the_talks_table_has_one_row_per_message_written_as_data(talked: Path):
    """One row per message, in order, with its round, phase, speaker, audience and channel;
    a cell a spreadsheet would take for a formula (=, +, @) is written behind an
    apostrophe, and a line break is written as \\u000a, never as a control character."""
    text = render_report(rebuild(talked), "csv", table="talks")
    rows = read(text)
    assert tuple(rows[0]) == MESSAGE_COLUMNS
    assert [(r["round"], r["phase"], r["from"], r["to"], r["to_names"], r["channel"])
            for r in rows] == [
        ("1", "proposal", "ukraine", "russia", "Russia", "russia ukraine"),
        ("1", "proposal", "russia", "all", "the room", "all"),
        ("1", "proposal", "us", "ukraine russia", "Ukraine; Russia", "russia ukraine us"),
        ("1", "discussion", "ukraine", "all", "the room", "all")]
    assert [r["text"] for r in rows] == [
        f"'{FORMULA} first line\\u000asecond line", "'+1 [b]yes[/b]", "'@SUM(A1)",
        "'-5 is our price"]
    assert not any(ch in text for ch in "\r\t\x1b") and text.count("\n") == len(rows) + 1


def test_a_running_sessions_talks_table_holds_only_what_the_room_heard(talked: Path):
    """Before the end (no --reveal): the statement to the room only; no offers."""
    restored = rebuild(talked)
    rows = read(render_report(restored, "csv", table="talks", reveal=False))
    assert [(r["from"], r["text"]) for r in rows] == [("russia", "'+1 [b]yes[/b]"),
                                                      ("ukraine", "'-5 is our price")]
    assert read(render_report(restored, "csv", table="offers", reveal=False)) == []


def test_the_offers_table_has_one_row_per_offer_with_its_promises(talked: Path):
    """One row per offer: number, round, who to whom, both sides' terms, until, status, the
    answers, each promise with how it came out, and the terms in words."""
    rows = read(render_report(rebuild(talked), "csv", table="offers"))
    assert tuple(rows[0]) == OFFER_COLUMNS
    assert rows == [{
        "offer": "1", "round": "1", "from": "ukraine", "to": "russia",
        "give": "accept: freeze", "want": "accept: nato-pause", "until": "1",
        "status": "accepted", "answers": "russia accepted",
        "promises": "ukraine accept freeze: kept (round 1); "
                    "russia accept nato-pause: broken (round 1)",
        "terms": rows[0]["terms"]}]
    assert rows[0]["terms"] == ("we will accept Freeze the front line if you accept 20-year "
                                "pause on NATO membership")


def test_the_report_command_writes_each_table_and_refuses_a_table_without_csv(
        talked: Path, tmp_path: Path):
    """`--table talks` and `--table offers` with `--format csv` write those tables (to a
    file with -o; a running session's talks only as the room heard them unless --reveal);
    `--table` with another format is a usage error that says to add
    --format csv."""
    out = tmp_path / "talks.csv"
    done = run_cli("report", str(talked), "--format", "csv", "--table", "talks", "-o", str(out))
    assert done.returncode == 0, done.stderr
    # the session has not ended: without --reveal, what the room heard
    assert [r["text"] for r in read(out.read_text())] == ["'+1 [b]yes[/b]",
                                                          "'-5 is our price"]
    offers = run_cli("report", str(talked), "--format", "csv", "--table", "offers", "--reveal")
    assert offers.returncode == 0 and read(offers.stdout)[0]["status"] == "accepted"
    wrong = run_cli("report", str(talked), "--table", "talks")
    assert wrong.returncode == 2
    assert "--table talks chooses a table of the csv report: add --format csv" in wrong.stderr
    assert "Traceback" not in wrong.stderr
