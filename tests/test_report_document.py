"""The report is one document: every format carries the same words, the timeline is the order
things happened, each rejection says why, and the HTML is structured for every reader."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from exercise import catalog
from exercise.analysis import analyse_at_start
from exercise.conduct import Conductor, SeatPlan
from exercise.engine import Ballot, CallVote, Table, Vote
from exercise.engine.moves import PACKAGE
from exercise.engine.rulebook import Rulebook
from exercise.engine.rules import count, passes
from exercise.headless import play
from exercise.reports import render, report_data, report_of
from exercise.reports.html import chart
from exercise.reports.markdown import render_markdown
from exercise.scenario.loading import load_scenario

from .conftest import load, scenario_data

BERLIN = {e.name: e.path for e in catalog.bundled()}["berlin-2025"]


class Words(HTMLParser):
    """The words a reader sees on an HTML page (not its style, title or chart drawings)."""

    SKIP = {"style", "title", "svg", "head"}
    INLINE = {"strong", "em", "code", "a", "span"}

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        if tag not in self.INLINE:
            self.pieces.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping -= 1
        if tag not in self.INLINE:
            self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.pieces.append(data)

    @property
    def words(self) -> list[str]:
        return "".join(self.pieces).split()


def words_of_html(page: str) -> list[str]:
    parser = Words()
    parser.feed(page)
    parser.close()
    return parser.words


def words_of_markdown(text: str) -> list[str]:
    """The words of Markdown as a reader sees them rendered (GFM tables included)."""
    text = re.sub(r"`[▁▂▃▄▅▆▇█]+` ", "", text)  # the text chart stands for the drawing
    return words_of_html(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))


def words_of_data(data: dict[str, Any]) -> list[str]:
    """The words of the JSON document, in order (Markdown fields rendered)."""
    out = data["title"].split()

    def text(value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, list):
            return "".join(part["text"] for part in value)
        return ""

    def item(entry: dict[str, Any]) -> list[str]:
        got = text(entry["text"]).split()
        for sub in entry.get("items", []):
            got += item(sub)
        return got

    if data["note"]:
        out += text(data["note"]).split()
    for section in data["sections"]:
        out += section["title"].split()
        for block in section["blocks"]:
            kind = block["type"]
            if kind in ("paragraph", "heading", "quote"):
                out += text(block["text"]).split()
            elif kind == "markdown":
                out += words_of_markdown(block["markdown"])
            elif kind == "list":
                for entry in block["items"]:
                    out += item(entry)
            elif kind == "table":
                out += block["caption"].split()
                out += [w for c in block["columns"] for w in c.split()]
                out += [w for row in block["rows"] for c in row for w in text(c).split()]
            elif kind == "chart":
                out += block["caption"].split()
    return out


@pytest.fixture(scope="module")
def berlin_game() -> Conductor:
    """Berlin played through by the computer in every seat (seed 7: rejections by veto)."""
    scenario = load_scenario(BERLIN)
    result = play(scenario, [], bots=[p.id for p in scenario.voters], seed=7)
    assert result.conductor is not None
    return result.conductor


@pytest.mark.parametrize("reveal", [True, False])
def test_markdown_html_and_json_carry_the_same_words(berlin_game: Conductor, reveal: bool):
    """One document, three writers: a reader of the Markdown, the HTML page or the JSON
    finds the same words in the same order (tables, captions, charts' captions, notes)."""
    report = report_of(berlin_game, reveal=reveal, log_path="/tmp/x.jsonl")
    md = words_of_markdown(render(report, "md"))
    html = words_of_html(render(report, "html"))
    data = words_of_data(report_data(report)["document"])
    assert md == html
    assert html == data
    assert len(html) > 2000  # a whole report, not an empty one that trivially agrees


def test_the_debrief_tabs_hold_every_section_of_the_report(berlin_game: Conductor):
    """The debrief screen writes the same document: each section in exactly one tab, in
    the words of the Markdown report."""
    from exercise.tui.screens import debrief_tabs

    report = report_of(berlin_game)
    tabs = debrief_tabs(report.document)
    joined = "\n".join(text for _, text in tabs)
    for section in report.document.sections:
        assert joined.count(f"## {section.title}") == 1, section.title
    assert [t for t, _ in tabs] == ["Outcome", "Deal analysis", "Timeline", "Talks", "Reveal",
                                    "Debrief"]  # the computer delegations bargained
    body = render(report, "md").split("\n", 2)[2]  # all but the report's own title
    assert sorted(words_of_markdown(joined)) == sorted(words_of_markdown(body))


def test_the_timeline_is_the_order_things_happened(berlin_game: Conductor):
    """News that a vote set off comes after that vote: "Congress gives the guarantee legal
    force" follows the adoption of the Congress guarantee, and a round's briefing news comes
    before its tabling (scenario-format.md, "A round": briefing, proposal, ..., resolution,
    then `when` injects)."""
    text = render(report_of(berlin_game), "md")
    timeline = text[text.index("## Timeline"):text.index("## Element outcomes")]
    adopted = re.search(r"^\*\*Adopted:\*\* .*Guarantee given legal force by Congress",
                        timeline, flags=re.M)
    assert adopted is not None
    voted = timeline.index("News: Congress gives the guarantee legal force")
    assert adopted.start() < voted
    round_2 = timeline.index("### Round 2")
    briefing = timeline.index("News: Kremlin rejects a Christmas ceasefire")
    tabled = timeline.index("United States tabled", round_2)
    assert round_2 < briefing < tabled


def test_each_rejection_gives_the_cause_the_engine_found(berlin_game: Conductor):
    """Resolution (scenario-format.md, "A round", 5): a consent party that does not accept
    blocks an element, and the report names it; otherwise it gives the count."""
    from exercise.engine import EventKind
    from exercise.narration import Narrator

    text = render(report_of(berlin_game), "md")
    narrator = Narrator(berlin_game.scenario)
    rejections = [e for e in berlin_game.game.events if e.kind is EventKind.ELEMENT_REJECTED]
    assert rejections  # the game has some
    for event in rejections:
        cause = event.data["cause"]
        ballots = next(r.ballots for r in berlin_game.game.history if r.round == event.round)
        for party in cause["withheld"]:
            assert ballots[party][event.data["element"]] is not Ballot.ACCEPT
        title = berlin_game.scenario.element(event.data["element"]).title
        assert f"{title} ({narrator.cause(cause)}" in text


def _vote_game(majority: float, ballots: dict[str, str], consent: list[str] | None = None
               ) -> str:
    data = scenario_data(majority=majority, elements=[
        {"id": "dmz", "title": "Buffer zone", "summary": "A zone.", "consent": consent or []},
        {"id": "monitoring", "title": "US monitoring", "summary": "Drones."}])
    scenario = load(data)
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, True) for p in scenario.parties})
    proposer = conductor.game.proposer
    assert proposer is not None
    conductor.push(Table(proposer, ("dmz",)))
    conductor.push(CallVote())
    for party, ballot in ballots.items():
        conductor.push(Vote(party, {"dmz": Ballot(ballot)}))
    return render(report_of(conductor), "md")


def test_a_rejection_by_majority_gives_the_count():
    """Resolution: accepting votes must be at least `majority` of the votes cast, abstentions
    not counted; the report gives the count and what was needed."""
    text = _vote_game(0.7, {"ukraine": "accept", "russia": "reject", "us": "accept"})
    assert "**Rejected:** Buffer zone (2 of 3 accepting; 3 needed)." in text


def test_a_rejection_when_everyone_abstains_says_so():
    """Resolution: if all abstain the element is not adopted, and the report says why."""
    text = _vote_game(0.5, {"ukraine": "abstain", "russia": "abstain", "us": "abstain"})
    assert "**Rejected:** Buffer zone (every delegation abstained)." in text


@given(st.dictionaries(st.sampled_from(["ukraine", "russia", "us"]),
                       st.sampled_from(list(Ballot)), min_size=3, max_size=3),
       st.sampled_from([0.3, 0.5, 2 / 3, 0.7, 1.0]),
       st.lists(st.sampled_from(["ukraine", "russia", "us"]), unique=True, max_size=2))
def test_the_stated_cause_follows_the_resolution_rule(ballots, majority, consent):
    """The count behind a stated cause passes exactly when the resolution rule adopts."""
    book = Rulebook(load(scenario_data(majority=majority)))
    votes = {p: {"dmz": b, PACKAGE: b} for p, b in ballots.items()}
    assert count(book, votes, "dmz", tuple(consent)).passed == \
        passes(book, votes, "dmz", tuple(consent))


class Structure(HTMLParser):
    """What an accessibility checker looks at that a parser can see."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.headings: list[int] = []
        self.tables = self.captions = 0
        self.empty_headers = 0
        self.charts_unlabelled = 0
        self._th: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "th":
            self._th = []
        if tag == "svg" and (a.get("role") != "img" or not a.get("aria-label")):
            self.charts_unlabelled += 1

    def handle_data(self, data: str) -> None:
        if self._th is not None:
            self._th.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            assert self._th is not None
            if not "".join(self._th).strip():
                self.empty_headers += 1
            self._th = None


def test_the_html_page_is_structured_for_assistive_technology(berlin_game: Conductor):
    """axe-core's checks that a parser can make: a language, headings that never skip a
    level, every table captioned with no empty header cell, every chart labelled."""
    page = render(report_of(berlin_game), "html")
    s = Structure()
    s.feed(page)
    assert s.lang == "en"
    assert s.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(s.headings, s.headings[1:], strict=False))
    assert s.tables == s.captions and s.tables > 5
    assert s.empty_headers == 0
    assert s.charts_unlabelled == 0


def test_markdown_fields_are_rendered_and_text_fields_escaped(tmp_path: Path):
    """A brief's **bold** is bold in the HTML page (not literal asterisks), its raw HTML is
    text, and a title's markup characters are shown as written in every format."""
    data = scenario_data(parties=[
        {"id": "ukraine", "name": "Ukraine <b>", "public_brief": "x",
         "private_brief": "We need **guarantees** <script>alert(1)</script>"},
        {"id": "russia", "name": "Russia", "public_brief": "y"},
        {"id": "us", "name": "United States", "role": "guarantor", "public_brief": "z"}])
    scenario = load(data)
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, False) for p in scenario.parties})
    from exercise.engine import EndExercise
    conductor.push(EndExercise("time is up"))
    report = report_of(conductor)
    page = render(report, "html")
    assert "<strong>guarantees</strong>" in page and "**guarantees**" not in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Ukraine &lt;b&gt;" in page
    assert "Ukraine <b>:" in " ".join(words_of_markdown(render(report, "md")))
    assert json.loads(render(report, "json"))["seats"]["ukraine"]["name"] == "Ukraine <b>"


def test_a_chart_fits_its_labels():
    """Every label of a chart lies inside its drawing ("collapse" is not cut to "colla")."""
    from exercise.reports.document import Chart

    svg = chart(Chart("Escalation", (4.0, 3.0, 9.0, 10.0), -10.0, 100.0, 9.0, "Escalation"))
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))  # type: ignore[union-attr]
    for x, anchor, label in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+"(?: text-anchor="(\w+)")?>([^<]*)</text>', svg):
        size = 7 * len(label)  # 11px system-ui: under 7 units a character
        left = {"end": float(x) - size, "middle": float(x) - size / 2}.get(anchor, float(x))
        assert left >= 0 and left + size <= width, label


def _adopt_both(values: dict[str, dict[str, int]]) -> Conductor:
    """A session in which every party accepts both elements, with these private values."""
    elements = [dict(e, values={p: v[e["id"]] for p, v in values.items()})
                for e in scenario_data()["elements"]]
    scenario = load(scenario_data(elements=elements))
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, True) for p in scenario.parties})
    proposer = conductor.game.proposer
    assert proposer is not None
    conductor.push(Table(proposer, ("dmz", "monitoring")))
    conductor.push(CallVote())
    for party in ("ukraine", "russia", "us"):
        conductor.push(Vote(party, {"dmz": Ballot.ACCEPT, "monitoring": Ballot.ACCEPT}))
    return conductor


def test_the_report_says_the_deal_is_on_the_frontier_only_when_it_is():
    """Issue 11: "no other package is better" is said only when true. When both elements
    serve everyone the deal is on the frontier; when one costs Russia, a smaller package is
    as good for Ukraine and better for Russia, and the report names it."""
    good = report_of(_adopt_both({"ukraine": {"dmz": 2, "monitoring": 1},
                                  "russia": {"dmz": 1, "monitoring": 1},
                                  "us": {"dmz": 1, "monitoring": 1}}))
    text = render(good, "md")
    assert "It is on the Pareto frontier: no other package is at least as good" in text
    data = report_data(good)["analysis"]
    assert data["deal_on_frontier"] is True and data["dominating_package"] is None

    bad = report_of(_adopt_both({"ukraine": {"dmz": 2, "monitoring": 0},
                                 "russia": {"dmz": 1, "monitoring": -1},
                                 "us": {"dmz": 1, "monitoring": 1}}))
    text = render(bad, "md")
    assert "It is on the Pareto frontier" not in text
    assert ("It is not on the Pareto frontier: the table left value on it. This package would "
            "be at least as good for every required party and better for one (Ukraine 2, "
            "Russia 1): Buffer zone.") in text
    data = report_data(bad)["analysis"]
    assert data["deal_on_frontier"] is False
    assert data["dominating_package"]["elements"] == ["dmz"]


def test_the_json_report_carries_the_analysis_at_the_end_and_at_the_start(berlin_game):
    """`--format json`: the analysis with its frontier, Nash packages (ties), whether the deal
    is on the frontier and the package that betters it, each basis labelled."""
    data = report_data(report_of(berlin_game))
    analysis = data["analysis"]
    assert "at the end" in analysis["basis"]
    assert "as the scenario starts" in analysis["at_start"]["basis"]
    assert analysis["frontier"] and all(set(p) == {"elements", "values"}
                                        for p in analysis["frontier"])
    assert len(analysis["nash_packages"]) == analysis["nash_ties"] >= 1
    deal = analysis["actual"]["values"]
    if analysis["dominating_package"] is not None:
        better = analysis["dominating_package"]["values"]
        assert analysis["deal_on_frontier"] is False
        assert all(better[p] >= deal[p] for p in deal) and any(better[p] > deal[p] for p in deal)
    else:
        assert analysis["deal_on_frontier"] is analysis["actual"]["signable"]
    at_start = analyse_at_start(Rulebook(load_scenario(BERLIN)))
    assert len(analysis["at_start"]["nash_packages"]) == at_start.nash_ties \
        == len(at_start.nash_packages) >= 1
    assert data["votes"] and data["document"]["sections"]


def test_the_debrief_shows_the_facilitators_notes_to_the_facilitator_only():
    """Secrecy is decided in the view: once over, every viewer's debrief holds the report,
    the facilitator's with the facilitator's notes, a seat's and the projector's without."""
    from exercise.engine import EndExercise
    from exercise.room import Room

    scenario = load(scenario_data())
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, True) for p in scenario.parties})
    conductor.note("Russia's delegation walked out for a minute.")
    conductor.push(EndExercise("time is up"))
    room = Room(conductor, timer=False)
    for viewer in ("ukraine", "public", "facilitator"):
        debrief = room.view(viewer).debrief
        assert debrief is not None and debrief.document is not None
        text = render_markdown(debrief.document)
        assert ("walked out" in text) == (viewer == "facilitator"), viewer
        assert "Reveal: private briefs and values" in text


def test_a_log_written_before_rejections_had_causes_still_rebuilds(tmp_path: Path):
    """A log whose `element_rejected` events carry no cause (written by an earlier version)
    is not an edited log: it rebuilds, and its report gives each cause from the engine."""
    from exercise.sessions.restore import begin_log, rebuild

    scenario = load_scenario(BERLIN)
    log_path = tmp_path / "old.jsonl"
    result = play(scenario, [], bots=[p.id for p in scenario.voters], seed=7,
                  log=lambda c: begin_log(c, BERLIN, path=log_path))
    assert result.conductor is not None and result.conductor.log is not None
    result.conductor.log.close()
    lines, vetoed = [], []
    for line in log_path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("event") == "element_rejected":
            assert "cause" in record
            vetoed += record["cause"].get("withheld", [])
            del record["cause"]
        lines.append(json.dumps(record, ensure_ascii=False))
    log_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = render(report_of(rebuild(log_path).conductor), "md")
    assert vetoed, "the session has a veto to explain"
    assert f"({scenario.party(vetoed[0]).name} withheld consent" in text


def test_the_debrief_says_why_each_element_failed_and_how_to_replay(berlin_game: Conductor):
    """Issue 12: the debrief explains what was adopted and why the rest failed, and gives a
    replay command that opens this game, not the picker."""
    report = report_of(berlin_game, log_path="/tmp/s.jsonl")
    text = render(report, "md")
    results = text[text.index("## What was adopted"):text.index("## Learning objectives")]
    from exercise.engine import EventKind
    from exercise.narration import Narrator

    last = [e for e in berlin_game.game.events if e.kind is EventKind.ELEMENT_REJECTED][-1]
    title = berlin_game.scenario.element(last.data["element"]).title
    times = report.rejections[last.data["element"]]
    assert (f"**{title}**: rejected {times} time{'s' * (times != 1)}, last because "
            f"{Narrator(berlin_game.scenario).cause(last.data['cause'])}") in results
    scenario = berlin_game.scenario
    excluded = next(e for e in berlin_game.game.events if e.kind is EventKind.ELEMENT_EXCLUDED
                    and not report.rejections[e.data["element"]])
    assert (f"**{scenario.element(excluded.data['element']).title}**: ruled out when "
            f"{scenario.element(excluded.data['by']).title} was adopted.") in results
    tabled = {e for r in berlin_game.game.history for e in r.tabled}
    untouched = [e for e in scenario.elements if e.id not in tabled
                 and berlin_game.game.status(e.id).value == "open"]
    assert untouched and all(f"**{e.title}**: never tabled." in results for e in untouched)
    assert "`exercise replay /tmp/s.jsonl`" in text
    assert "`exercise play berlin-2025 --seed 7`" in text
    from exercise.tui.screens import debrief_tabs
    outcome = dict(debrief_tabs(report.document))["Outcome"]
    assert "What was adopted, and why the rest failed" in outcome


def test_a_collapse_is_explained_by_what_moved_the_track():
    """Issue 12: "what pushed a track to collapse" — each move of the track and its cause."""
    data = scenario_data(
        tracks=[{"id": "escalation", "label": "Escalation", "start": 5, "min": 0, "max": 10,
                 "collapse_at": 9}],
        elements=[{"id": "dmz", "title": "Buffer zone", "summary": "A zone.",
                   "effects": {"escalation": 2}},
                  {"id": "monitoring", "title": "US monitoring", "summary": "Drones."}],
        injects=[{"id": "strike", "title": "A strike on Sloviansk", "text": "A strike.",
                  "at": {"round": 2}, "effects": {"tracks": {"escalation": 3}}}])
    scenario = load(data)
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, True) for p in scenario.parties})
    proposer = conductor.game.proposer
    assert proposer is not None
    conductor.push(Table(proposer, ("dmz",)))
    conductor.push(CallVote())
    for party in ("ukraine", "russia", "us"):
        conductor.push(Vote(party, {"dmz": Ballot.ACCEPT}))
    outcome = conductor.game.outcome()
    assert outcome is not None and str(outcome.kind) == "collapse"
    text = render(report_of(conductor), "md")
    assert "**What pushed Escalation to collapse (9)**:" in text
    assert "- round 1: 5 → 7 by adopting Buffer zone" in text
    assert "- round 2: 7 → 10 by the news 'A strike on Sloviansk'" in text


def test_an_epilogue_is_shown_with_its_source():
    """A scenario's optional `debrief.epilogue` (what happened next) and its source reach
    the report and the debrief."""
    data = scenario_data(
        sources=[{"id": "nyt", "outlet": "The New York Times", "title": "Talks", "date":
                  "2025-12-17"}],
        debrief={"questions": ["Why?"], "epilogue": "Talks went on *into January*.",
                 "epilogue_source": {"ref": "nyt", "quote": "talks went on"}})
    scenario = load(data)
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, False) for p in scenario.parties})
    from exercise.engine import EndExercise
    conductor.push(EndExercise("time is up"))
    report = report_of(conductor)
    assert "## What happened next\n\nTalks went on *into January*." in render(report, "md")
    assert "<em>into January</em>" in render(report, "html")
    assert "“talks went on” — The New York Times, “Talks”, 2025-12-17" in render(report, "md")
