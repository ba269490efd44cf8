"""After-action reports: golden files per format, a self-contained HTML page, the deal analysis."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from exercise import catalog
from exercise.analysis import analyse
from exercise.engine import FireInject
from exercise.headless import ScriptedMove, play
from exercise.reports import render_report
from exercise.scenario.loading import load_scenario
from exercise.sessions import log as log_module
from exercise.sessions.restore import begin_log, rebuild

from .conftest import run_cli

GOLDEN = Path(__file__).parent / "golden"
FIXED_TIME = "2026-01-01T10:00:00.000+00:00"


@pytest.fixture
def session_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fixed session: Berlin, every seat a computer, a card played and a note written."""
    monkeypatch.setattr(log_module, "now", lambda: FIXED_TIME)
    path = {e.name: e.path for e in catalog.bundled()}["berlin-2025"]
    scenario = load_scenario(path)
    log_path = tmp_path / "session.jsonl"
    ad_hoc = next(i.id for i in scenario.injects if i.trigger == "ad_hoc")

    def attach(conductor):  # type: ignore[no-untyped-def]
        begin_log(conductor, path, path=log_path)
        conductor.note("Ukraine's delegation argued about the army cap for ten minutes.")

    result = play(scenario, [ScriptedMove(0, 1, FireInject(ad_hoc))],
                  bots=[p.id for p in scenario.voters], seed=7, log=attach)
    assert result.conductor is not None and result.conductor.log is not None
    result.conductor.log.close()
    return log_path


def normalised(text: str, log_path: Path) -> str:
    """A report with the machine-specific paths taken out."""
    text = text.replace(str(log_path), "SESSION.jsonl")
    return re.sub(r"/[^\s\"'<>|`]*?/scenarios/", "SCENARIOS/", text)


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_report_matches_its_golden_file(session_log, fmt):
    """Each format renders the fixed session exactly as the committed golden file.

    After an intended change: UPDATE_GOLDEN=1 pytest tests/test_reports.py, then read the diff.
    """
    text = normalised(render_report(rebuild(session_log), fmt), session_log)
    golden = GOLDEN / f"report.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("table", ["offers"])
def test_the_talk_tables_match_their_golden_files(session_log, table):
    """The CSV report's offers table of the fixed session (the computer delegations'
    offers and answers; they send no messages, so its talks table is tested on a session
    of people in tests/test_report_talks_csv.py) is exactly the committed golden file.

    After an intended change: UPDATE_GOLDEN=1 pytest tests/test_reports.py, then read the diff.
    """
    text = normalised(render_report(rebuild(session_log), "csv", table=table), session_log)
    golden = GOLDEN / f"report-{table}.csv"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


class Checker(HTMLParser):
    """Checks tags are closed in order, and collects what could fetch from the network."""

    VOID = {"meta", "br", "img", "hr", "input", "link", "circle", "line", "polyline"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.fetches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "link", "iframe", "img"):
            self.fetches.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.fetches.append(f"{name}={value}")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def test_html_report_parses_and_is_self_contained(session_log):
    """The HTML page is well formed, has its charts inline, and fetches nothing."""
    page = render_report(rebuild(session_log), "html")
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    assert checker.fetches == []
    assert not re.search(r"https?://", page)
    assert page.count("<svg") == 2  # a chart per track
    assert '<meta name="viewport"' in page and "@media print" in page


def test_csv_and_json_give_one_row_per_party_per_vote(session_log):
    """For grading: one row per party per vote, the same in CSV and in the JSON report's
    `votes`."""
    restored = rebuild(session_log)
    history = restored.conductor.game.history
    expected = sum(len(r.ballots) * len(next(iter(r.ballots.values()))) for r in history)
    rows = list(csv.DictReader(io.StringIO(render_report(restored, "csv"))))
    assert len(rows) == expected
    assert json.loads(render_report(restored, "json"))["votes"] == [
        {**r, "round": int(r["round"]), "value": float(r["value"])} for r in rows]
    assert {r["ballot"] for r in rows} <= {"accept", "reject", "abstain"}


def test_vote_rows_follow_the_scenarios_order_of_delegations(tmp_path):
    """A grader reads each round's rows delegation by delegation, in the scenario's order,
    whatever order the ballots were cast in."""
    from exercise.conduct import Conductor, SeatPlan
    from exercise.engine import CallVote, Table, Vote

    path = {e.name: e.path for e in catalog.bundled()}["tutorial"]
    scenario = load_scenario(path)
    conductor = Conductor(scenario, {}, 1)
    for pid in list(conductor.seats):
        conductor.seats[pid] = SeatPlan(pid, human=True)
    log_path = tmp_path / "session.jsonl"
    begin_log(conductor, path, path=log_path)
    game = conductor.game
    tabled = tuple(game.tableable()[:1])
    conductor.push(Table(game.proposer or "", tabled), "human")
    conductor.push(CallVote(), "facilitator")
    cast = list(reversed(game.awaiting()))
    for party in cast:
        conductor.push(Vote(party, dict.fromkeys(tabled, "accept")), "human")
    assert conductor.log is not None
    conductor.log.close()
    rows = list(csv.DictReader(io.StringIO(render_report(rebuild(log_path), "csv"))))
    order = [p.id for p in scenario.voters]
    assert cast != order
    assert [r["party"] for r in rows] == order


def test_markdown_report_has_every_section(session_log):
    """The report covers what an HSEEP after-action report does, and the notes."""
    text = render_report(rebuild(session_log), "md")
    for heading in ("## Overview", "## Learning objectives", "## Timeline",
                    "## Element outcomes", "## Tracks over the rounds",
                    "## Scores against walk-aways", "## Reveal: private briefs and values",
                    "## Deal analysis", "## Debrief questions", "## Facilitator's observations"):
        assert heading in text
    assert "argued about the army cap" in text
    assert "played by the facilitator" in text


def test_report_command_writes_files_and_refuses_a_bad_format(session_log, tmp_path):
    """`exercise report` writes to -o; a bad --format is a usage error."""
    out = tmp_path / "r.html"
    done = run_cli("report", str(session_log), "--format", "html", "-o", str(out))
    assert done.returncode == 0 and out.read_text().startswith("<!DOCTYPE html>")
    bad = run_cli("report", str(session_log), "--format", "pdf")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


# --- the deal analysis ----------------------------------------------------------------------


def test_deal_analysis_on_a_hand_computable_case():
    """Three elements, one exclusion, one requirement: every package counted by hand."""
    elements = ["a", "b", "c"]
    requires = {"c": ["a"]}
    excludes = {"a": {"b"}, "b": {"a"}}
    values = {"x": {"a": 2, "b": 3, "c": 2}, "y": {"a": 1, "b": -1, "c": 2}}
    walk_away = {"x": 2, "y": 1}
    # Feasible: {a}, {b}, {a, c}.  Signable: {a} (x 2, y 1) and {a, c} (x 4, y 3).
    # Nash products: {a} 0 × 0 = 0; {a, c} 2 × 2 = 4.
    deal = analyse(elements, requires, excludes, values, walk_away, ["x", "y"], ["a"])
    assert (deal.feasible, deal.signable) == (3, 2)
    assert deal.nash == ("a", "c") and deal.nash_product == 4
    assert deal.actual == ("a",) and deal.actual_signable and deal.actual_product == 0
    assert deal.better_for_all == ("a", "c")


def test_deal_analysis_when_nothing_can_be_signed():
    """If no package reaches every walk-away, there is no Nash package."""
    deal = analyse(["a"], {}, {}, {"x": {"a": 1}}, {"x": 5}, ["x"], [])
    assert deal.signable == 0 and deal.nash is None and not deal.actual_signable


def test_the_report_says_who_played_each_seat_when(tmp_path: Path) -> None:
    """Issue 10: seat changes are logged moves, and the report tells them: in the overview
    (who played each seat, and from which round) and where they happened in the timeline."""
    moves = tmp_path / "moves.yaml"
    moves.write_text("- seat: {party: ukraine, player: computer, persona: hardliner}\n")
    log = tmp_path / "s.jsonl"
    result = run_cli("run", "tutorial", "--moves", str(moves), "--bots", "us,russia",
                     "--log", str(log))
    assert result.returncode == 0, result.stderr
    markdown = run_cli("report", str(log)).stdout
    assert "Ukraine: a person, then the computer (hardliner) from round 1" in markdown
    assert "Russia: the computer (pragmatist)" in markdown
    assert "Ukraine is now played by the computer (hardliner)" in markdown
    html = run_cli("report", str(log), "--format", "html").stdout
    assert "Ukraine: a person, then the computer (hardliner) from round 1" in html
